"""A tenant's own SAML identity provider and LDAP directory (the operator API's
``/tenants/{tenant}/sso/saml`` and ``/sso/ldap``), in Mattermost's keys
(``SamlSettings.IdpURL``, ``LdapSettings.BaseDN``, ...).

They are kept as the OpenID Connect ones are (``sso_providers``, one row per tenant and
service) and become an ``SsoSettings`` of the tenant: its keys over the fields' own
defaults, never over the deployment's directory or identity provider (whose server,
bind password and keys are the default tenant's). Certificates and keys come as PEM
text; pysaml2 reads files, so they are written to a private directory of this process,
named by their hash."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from roost.app.accounts.sso.errors import provider_settings_invalid
from roost.config.sso import SsoFields, SsoSettings

SAML, LDAP = "saml", "ldap"
DIRECTORY_SERVICES = (SAML, LDAP)
SECRET_MASK = "********"
CONNECTION_SECURITY = ("", "TLS", "STARTTLS")


@dataclass(frozen=True, slots=True)
class Key:
    """One Mattermost key: the ``SsoSettings`` field it sets, its kind and its limit."""

    field: str
    kind: str  # bool, int, text, url, cert, key, choice
    limit: int = 1024
    secret: bool = False


SAML_KEYS: dict[str, Key] = {
    "Enable": Key("saml_enable", "bool"),
    "Verify": Key("saml_verify", "bool"),
    "Encrypt": Key("saml_encrypt", "bool"),
    "SignRequest": Key("saml_sign_request", "bool"),
    "IdpURL": Key("saml_idp_url", "url", 2048),
    "IdpDescriptorURL": Key("saml_idp_descriptor_url", "text", 2048),
    "ServiceProviderIdentifier": Key("saml_service_provider_identifier", "text", 2048),
    "IdpCertificate": Key("saml_idp_certificate_file", "cert", 16384),
    "PublicCertificate": Key("saml_public_certificate_file", "cert", 16384),
    "PrivateKey": Key("saml_private_key_file", "key", 16384, secret=True),
    "IdAttribute": Key("saml_id_attribute", "text", 128),
    "UsernameAttribute": Key("saml_username_attribute", "text", 128),
    "EmailAttribute": Key("saml_email_attribute", "text", 128),
    "FirstNameAttribute": Key("saml_first_name_attribute", "text", 128),
    "LastNameAttribute": Key("saml_last_name_attribute", "text", 128),
    "NicknameAttribute": Key("saml_nickname_attribute", "text", 128),
    "PositionAttribute": Key("saml_position_attribute", "text", 128),
    "LoginButtonText": Key("saml_login_button_text", "text", 64),
}
LDAP_KEYS: dict[str, Key] = {
    "Enable": Key("ldap_enable", "bool"),
    "EnableSync": Key("ldap_enable_sync", "bool"),
    "LdapServer": Key("ldap_server", "text", 255),
    "LdapPort": Key("ldap_port", "int", 65535),
    "ConnectionSecurity": Key("ldap_connection_security", "choice"),
    "SkipCertificateVerification": Key("ldap_skip_certificate_verification", "bool"),
    "BaseDN": Key("ldap_base_dn", "text", 1024),
    "BindUsername": Key("ldap_bind_username", "text", 1024),
    "BindPassword": Key("ldap_bind_password", "text", 1024, secret=True),
    "UserFilter": Key("ldap_user_filter", "text", 2048),
    "IdAttribute": Key("ldap_id_attribute", "text", 128),
    "LoginIdAttribute": Key("ldap_login_id_attribute", "text", 128),
    "UsernameAttribute": Key("ldap_username_attribute", "text", 128),
    "EmailAttribute": Key("ldap_email_attribute", "text", 128),
    "FirstNameAttribute": Key("ldap_first_name_attribute", "text", 128),
    "LastNameAttribute": Key("ldap_last_name_attribute", "text", 128),
    "NicknameAttribute": Key("ldap_nickname_attribute", "text", 128),
    "PositionAttribute": Key("ldap_position_attribute", "text", 128),
    "SyncIntervalMinutes": Key("ldap_sync_interval_minutes", "int", 1440),
    "LoginFieldName": Key("ldap_login_field_name", "text", 64),
}
KEYS = {SAML: SAML_KEYS, LDAP: LDAP_KEYS}
# What a tenant's provider must have once enabled (Mattermost's own checks).
REQUIRED = {
    SAML: ("IdpURL", "IdpDescriptorURL", "IdpCertificate", "EmailAttribute"),
    LDAP: (
        "LdapServer",
        "BaseDN",
        "IdAttribute",
        "LoginIdAttribute",
        "UsernameAttribute",
        "EmailAttribute",
    ),
}
# Fields of the deployment's that a tenant's provider never inherits (files on this
# server, the default tenant's own addresses) although no key sets them.
NOT_INHERITED = {
    SAML: {"saml_assertion_consumer_service_url": ""},
    LDAP: {"ldap_trusted_ca_file": ""},
}


def _default(field: str) -> Any:
    return SsoFields.model_fields[field].default


def _check_value(name: str, spec: Key, value: Any) -> Any:
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise provider_settings_invalid(f"{name} is true or false")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= spec.limit:
            raise provider_settings_invalid(f"{name} is a whole number from 1 to {spec.limit}")
        return value
    if not isinstance(value, str) or len(value) > spec.limit:
        raise provider_settings_invalid(f"{name} is a string of at most {spec.limit} characters")
    if spec.kind == "choice" and value not in CONNECTION_SECURITY:
        raise provider_settings_invalid(f"{name} is one of '', 'TLS', 'STARTTLS'")
    if spec.kind == "url" and value and urlsplit(value).scheme not in ("http", "https"):
        raise provider_settings_invalid(f"{name} is an http(s) URL")
    if spec.kind == "cert" and value:
        try:
            x509.load_pem_x509_certificate(value.encode())
        except ValueError:
            raise provider_settings_invalid(f"{name} is a PEM certificate") from None
    if spec.kind == "key" and value and value != SECRET_MASK:
        try:
            serialization.load_pem_private_key(value.encode(), password=None)
        except (ValueError, TypeError):
            raise provider_settings_invalid(f"{name} is an unencrypted PEM private key") from None
    return value


def check_settings(service: str, body: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The settings as they will be stored: Mattermost's keys of the service only, each of
    its type; a masked secret keeps the stored one; an enabled provider is complete."""
    keys = KEYS[service]
    clean: dict[str, Any] = {}
    for name, value in body.items():
        spec = keys.get(name)
        if spec is None:
            raise provider_settings_invalid(f"unknown key {name!r}")
        clean[name] = _check_value(name, spec, value)
        if spec.secret and value == SECRET_MASK:
            # The masked value a GET showed: keep the stored secret.
            clean[name] = stored.get(name, "")
    if clean.get("Enable"):
        shown = view(service, clean)
        missing = [k for k in REQUIRED[service] if not shown.get(k)]
        if service == SAML and clean.get("Encrypt"):
            missing += [k for k in ("PrivateKey", "PublicCertificate") if not clean.get(k)]
        if missing:
            raise provider_settings_invalid(f"an enabled {service} needs {', '.join(missing)}")
    return clean


def view(service: str, stored: dict[str, Any]) -> dict[str, Any]:
    """Every key of the tenant's provider: its own value or the field's default."""
    return {name: stored.get(name, _default(spec.field)) for name, spec in KEYS[service].items()}


def to_json(service: str, stored: dict[str, Any]) -> dict[str, Any]:
    """What the operator API shows: secrets masked."""
    shown = view(service, stored)
    for name, spec in KEYS[service].items():
        if spec.secret:
            shown[name] = SECRET_MASK if shown[name] else ""
    return shown


class PemFiles:
    """PEM texts as files pysaml2 can read: in a directory of this process only (0700),
    each file named by the hash of its content (written once)."""

    def __init__(self) -> None:
        self._dir = ""

    def path(self, pem: str) -> str:
        if not pem:
            return ""
        if not self._dir:
            self._dir = tempfile.mkdtemp(prefix="roost-saml-")
        name = os.path.join(self._dir, hashlib.sha256(pem.encode()).hexdigest() + ".pem")
        if not os.path.exists(name):
            fd = os.open(name + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(pem)
            os.replace(name + ".tmp", name)
        return name


def tenant_settings(
    base: SsoSettings, service: str, stored: dict[str, Any], pem_files: PemFiles | None = None
) -> SsoSettings:
    """The deployment's settings with the service's part replaced by the tenant's own."""
    changes: dict[str, Any] = dict(NOT_INHERITED[service])
    for name, spec in KEYS[service].items():
        value = stored.get(name, _default(spec.field))
        if spec.kind in ("cert", "key"):
            value = pem_files.path(value) if pem_files is not None else ""
        changes[spec.field] = value
    return replace(base, **changes)

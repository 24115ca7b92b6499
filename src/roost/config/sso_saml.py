"""SAML 2.0 settings (Mattermost's ``SamlSettings``), part of the single sign-on
section (``roost.config.sso``): ``SsoFields`` inherits these."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings


def _saml(key: str) -> dict[str, Any]:
    return {"mattermost": f"SamlSettings.{key}"}


def _text(key: str, description: str, default: str = "", limit: int = 1024) -> Any:
    return Field(
        default=default, max_length=limit, description=description, json_schema_extra=_saml(key)
    )


class SamlFields(BaseSettings):
    saml_enable: bool = Field(
        default=False,
        description="users sign in through a SAML 2.0 identity provider (the default tenant)",
        json_schema_extra=_saml("Enable"),
    )
    saml_verify: bool = Field(
        default=True,
        description="check the assertion's audience and recipient against this server "
        "(signatures are always checked)",
        json_schema_extra=_saml("Verify"),
    )
    saml_encrypt: bool = Field(
        default=False,
        description="ask the identity provider to encrypt assertions to this server's "
        "certificate (`ROOST_SAML_PUBLIC_CERTIFICATE_FILE`)",
        json_schema_extra=_saml("Encrypt"),
    )
    saml_sign_request: bool = Field(
        default=False,
        description="sign the authentication requests with this server's key",
        json_schema_extra=_saml("SignRequest"),
    )
    saml_idp_url: str = _text("IdpURL", "the identity provider's SSO address (HTTP-Redirect)")
    saml_idp_descriptor_url: str = _text(
        "IdpDescriptorURL", "the identity provider's entity id (its issuer)"
    )
    saml_idp_certificate_file: str = _text(
        "IdpCertificateFile", "PEM file of the certificate the identity provider signs with"
    )
    saml_public_certificate_file: str = _text(
        "PublicCertificateFile", "this server's certificate (PEM), for encryption and signing"
    )
    saml_private_key_file: str = _text(
        "PrivateKeyFile", "this server's private key (PEM); never shown"
    )
    saml_service_provider_identifier: str = _text(
        "ServiceProviderIdentifier",
        "this server's entity id; empty: `<site URL>/login/sso/saml`",
    )
    saml_assertion_consumer_service_url: str = _text(
        "AssertionConsumerServiceURL",
        "where the identity provider posts its answer; empty: `<site URL>/login/sso/saml`",
    )
    saml_id_attribute: str = _text(
        "IdAttribute", "the attribute holding the user's stable id; empty: the NameID", limit=128
    )
    saml_username_attribute: str = _text(
        "UsernameAttribute", "the attribute giving the username", "username", 128
    )
    saml_email_attribute: str = _text(
        "EmailAttribute", "the attribute giving the email", "email", 128
    )
    saml_first_name_attribute: str = _text("FirstNameAttribute", "first name", limit=128)
    saml_last_name_attribute: str = _text("LastNameAttribute", "last name", limit=128)
    saml_nickname_attribute: str = _text("NicknameAttribute", "nickname", limit=128)
    saml_position_attribute: str = _text("PositionAttribute", "position", limit=128)
    saml_login_button_text: str = _text(
        "LoginButtonText", "text of the SAML button on the login page", "SAML", 64
    )

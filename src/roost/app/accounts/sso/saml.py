"""SAML 2.0 sign-in (Mattermost's SamlSettings) through pysaml2: a tenant's own identity
provider (``tenant_directory``, set through the operator API) or, for the default tenant,
the deployment's (``ROOST_SAML_*``); a tenant with neither has none. Each tenant is a
service provider of its own: its entity id and assertion consumer service are on its site.

- ``GET /login/sso/saml``: an AuthnRequest (HTTP-Redirect) to the identity provider;
  its id is kept in ``sso_states`` under the hash of a random RelayState.
- ``POST /login/sso/saml``: the provider's Response. The RelayState's row is deleted as
  it is read (a replayed Response finds none), and pysaml2 (xmlsec1) checks that the
  assertion is signed by the provider's certificate (a response signature alone does
  not do: assertions must be signed), answers that request (InResponseTo: never
  unsolicited), is for this server (audience, recipient) and is within its time
  conditions; an encrypted assertion is decrypted with this server's key. Only the
  assertion pysaml2 verified is read (XML signature wrapping finds nothing to use).
- The user is then found or created as for OpenID Connect (``service.Sso``).

The identity provider is described by three settings (its SSO address, entity id and
signing certificate), as in Mattermost; Roost writes its metadata from them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from html import escape
from typing import Any

from roost.app.accounts.sso.errors import (
    identity_unreadable,
    invalid_state,
    saml_disabled,
    saml_refused,
)
from roost.app.accounts.sso.identity import Identity, clean_username
from roost.app.accounts.sso.providers import Provider
from roost.app.accounts.sso.service import MOBILE, Completed, Sso, secret_hash
from roost.app.accounts.sso.tenant_directory import SAML, PemFiles, tenant_settings
from roost.app.kernel import validation
from roost.app.kernel.errors import AppError
from roost.clock import now_ms
from roost.config.sso import SsoSettings
from roost.ids import new_id
from roost.store.accounts import sso as sso_store
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID

log = logging.getLogger(__name__)
SAML_STATE = "saml"
SERVICE = "saml"
XMLSEC = "/usr/bin/xmlsec1"
# SAML's bindings (pysaml2's constants; pysaml2 itself is imported only once SAML is
# used: it takes seconds to import, which every node start would otherwise pay).
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
MAX_RESPONSE_BYTES = 256 * 1024
_IDP_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{certificate}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="{binding}" Location="{location}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def _pem_body(path: str) -> str:
    with open(path, encoding="ascii") as f:
        lines = [ln.strip() for ln in f if ln.strip() and not ln.startswith("-----")]
    return "".join(lines)


class Saml:
    def __init__(self, db: Database, settings: SsoSettings, sso: Sso) -> None:
        self._db = db
        self.settings = settings
        self._sso = sso
        self.provider = Provider(SERVICE, True, "", "", "")
        self._pem_files = PemFiles()
        # Each tenant's pysaml2 client, with the settings and address it was built for.
        self._clients: dict[str, tuple[SsoSettings, str, Any]] = {}

    async def settings_for(self, tenant_id: str) -> SsoSettings:
        """The tenant's SAML settings: its own, the deployment's for the default tenant,
        or none (``saml_enable`` off)."""
        own = await self._sso.own_settings(tenant_id, SAML)
        if own is not None:
            return tenant_settings(self.settings, SAML, own, self._pem_files)
        if tenant_id == DEFAULT_TENANT_ID:
            return self.settings
        return replace(self.settings, saml_enable=False)

    @staticmethod
    def usable(s: SsoSettings) -> bool:
        return s.saml_enable and bool(
            s.saml_idp_url and s.saml_idp_descriptor_url and s.saml_idp_certificate_file
        )

    async def _client(self, tenant_id: str) -> tuple[SsoSettings, Any]:
        """The tenant's settings and pysaml2 client (built again when either its settings
        or its site changed); 501 when it has no identity provider."""
        s = await self.settings_for(tenant_id)
        if not self.usable(s):
            raise saml_disabled()
        site = self._sso.site_url(tenant_id).rstrip("/")
        acs_url = s.saml_assertion_consumer_service_url or f"{site}/login/sso/saml"
        cached = self._clients.get(tenant_id)
        if cached is not None and cached[0] == s and cached[1] == acs_url:
            return s, cached[2]
        # Importing pysaml2 and loading the configuration (files, XML): off the event loop.
        client = await asyncio.to_thread(_new_client, s, acs_url)
        self._clients[tenant_id] = (s, acs_url, client)
        return s, client

    async def metadata(self, tenant_id: str) -> str:
        _, client = await self._client(tenant_id)
        from saml2.metadata import entity_descriptor

        return str(entity_descriptor(client.config))

    async def do_start(self, tenant_id: str, action: str, redirect_to: str) -> str:
        """The identity provider's address for a new AuthnRequest."""
        s, client = await self._client(tenant_id)
        relay = new_id() + new_id()
        request_id, info = await asyncio.to_thread(
            client.prepare_for_authenticate,
            entityid=s.saml_idp_descriptor_url,
            relay_state=relay,
            binding=BINDING_HTTP_REDIRECT,
        )
        location = dict(info["headers"])["Location"]
        now = now_ms()
        props = {"action": action, "redirect_to": redirect_to, "request_id": str(request_id)}
        async with self._db.write() as conn:
            await sso_store.insert_state(
                conn,
                tenant_id,
                secret_hash(relay),
                SAML_STATE,
                SERVICE,
                "",
                props,
                now,
                now + self.settings.sso_state_ttl_seconds * 1000,
            )
        return str(location)

    async def do_complete(self, tenant_id: str, saml_response: str, relay_state: str) -> Completed:
        try:
            return await self._complete(tenant_id, saml_response, relay_state)
        except AppError as refused:
            self._sso.audit_refusal(tenant_id, SERVICE, refused)
            raise

    async def _complete(self, tenant_id: str, saml_response: str, relay_state: str) -> Completed:
        s, client = await self._client(tenant_id)
        if not relay_state or len(relay_state) > 128:
            raise invalid_state("no RelayState")
        if not saml_response or len(saml_response) > MAX_RESPONSE_BYTES:
            raise saml_refused("no SAMLResponse, or too large")
        async with self._db.write() as conn:
            taken = await sso_store.take_state(
                conn, tenant_id, secret_hash(relay_state), SAML_STATE, now_ms()
            )
        if taken is None:
            raise invalid_state("unknown, used or expired RelayState")
        _, _, props = taken
        request_id = str(props.get("request_id", ""))
        try:
            response = await asyncio.to_thread(
                client.parse_authn_request_response,
                saml_response,
                BINDING_HTTP_POST,
                {request_id: "/"},
            )
        except Exception as exc:  # pysaml2 raises many kinds; each is a refusal
            raise saml_refused(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if response is None or not response.assertion:
            raise saml_refused("no verified assertion")
        identity = _identity(s, response)
        user = await self._sso.login_or_create(tenant_id, self.provider, identity)
        action = str(props.get("action", ""))
        self._sso.audit_success(tenant_id, user.id, SERVICE, action)
        return Completed(user, action, str(props.get("redirect_to", "")), action == MOBILE)


def _identity(s: SsoSettings, response: Any) -> Identity:
    ava: dict[str, list[str]] = dict(response.ava or {})

    def first(name: str) -> str:
        values = ava.get(name) if name else None
        return str(values[0]).strip() if values else ""

    auth_data = first(s.saml_id_attribute) if s.saml_id_attribute else ""
    if not auth_data and response.name_id is not None:
        auth_data = str(response.name_id.text or "").strip()
    email = first(s.saml_email_attribute).lower()
    if not auth_data or len(auth_data) > 128 or not validation.is_valid_email(email):
        raise identity_unreadable("SAML", "no id or no valid email in the assertion")
    username = first(s.saml_username_attribute) or email.split("@")[0]
    return Identity(
        auth_data=auth_data,
        email=email,
        username=clean_username(username.split("@")[0]),
        first_name=first(s.saml_first_name_attribute)[: validation.NAME_FIELD_MAX],
        last_name=first(s.saml_last_name_attribute)[: validation.NAME_FIELD_MAX],
        nickname=first(s.saml_nickname_attribute)[: validation.NAME_FIELD_MAX],
        position=first(s.saml_position_attribute)[: validation.POSITION_MAX],
    )


def _new_client(s: SsoSettings, acs_url: str) -> Any:
    from saml2.client import Saml2Client

    return Saml2Client(_config(s, acs_url))


def _config(s: SsoSettings, acs_url: str) -> Any:
    """pysaml2's view of this service provider (on the tenant's site) and of the
    identity provider."""
    from saml2.config import SPConfig

    idp = _IDP_METADATA.format(
        entity=escape(s.saml_idp_descriptor_url, quote=True),
        certificate=_pem_body(s.saml_idp_certificate_file),
        binding=BINDING_HTTP_REDIRECT,
        location=escape(s.saml_idp_url, quote=True),
    )
    keys: dict[str, Any] = {}
    if s.saml_private_key_file and s.saml_public_certificate_file:
        keys = {
            "key_file": s.saml_private_key_file,
            "cert_file": s.saml_public_certificate_file,
            "encryption_keypairs": [
                {"key_file": s.saml_private_key_file, "cert_file": s.saml_public_certificate_file}
            ],
        }
    config = SPConfig()
    config.load(
        {
            "entityid": s.saml_service_provider_identifier or acs_url,
            "xmlsec_binary": XMLSEC,
            **keys,
            "service": {
                "sp": {
                    "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
                    # Assertions must be signed, whatever the response says.
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "want_assertions_or_response_signed": True,
                    "allow_unsolicited": False,
                    "authn_requests_signed": s.saml_sign_request,
                    "only_use_keys_in_metadata": True,
                }
            },
            "metadata": {"inline": [idp]},
            "allow_unknown_attributes": True,
            "accepted_time_diff": 60,
        }
    )
    return config

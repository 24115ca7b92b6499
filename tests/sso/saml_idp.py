"""A real SAML 2.0 identity provider built on pysaml2, served over HTTP from a thread
on a free loopback port: its sign-in page takes a login, and its answer is the form
the browser posts to the service provider (HTTP-POST binding). How it answers is the
test's choice (``mode``): as it should, unsigned, signed by another key, expired, or
encrypted to the service provider."""

from __future__ import annotations

import base64
import datetime
import html
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from tests.support.server import free_port

PEOPLE: dict[str, dict[str, list[str]]] = {
    "sam": {
        "uid": ["sam-0001"],
        "username": ["sam"],
        "email": ["sam@corp.example"],
        "givenName": ["Sam"],
        "sn": ["Spade"],
    },
    "tess": {"uid": ["tess-0002"], "username": ["tess"], "email": ["tess@corp.example"]},
    "uma": {"uid": ["uma-0003"], "username": ["uma"], "email": ["uma@corp.example"]},
    "vic": {"uid": ["vic-0004"], "username": ["vic"], "email": ["vic@corp.example"]},
    "mallory": {
        "uid": ["mallory-0005"],
        "username": ["mallory"],
        "email": ["mallory@corp.example"],
    },
}
AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}


def key_pair(directory: Path, name: str) -> tuple[str, str]:
    """A self-signed certificate and its key, as PEM files."""
    now = datetime.datetime.now(datetime.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


@dataclass
class IdentityProvider:
    base: str
    directory: Path
    key_file: str
    cert_file: str
    mode: str = "normal"
    servers: dict[str, Server] = field(default_factory=dict)
    # The last answer made, for tests that replay or tamper with it.
    last_response: str = ""

    @property
    def entity_id(self) -> str:
        return f"{self.base}/idp/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.base}/sso"

    def trust(self, sp_metadata: str) -> None:
        """Know the service provider (its metadata): signing keys for each mode."""
        evil_key, evil_cert = key_pair(self.directory, "evil-idp")
        self.servers = {
            "normal": self._server(sp_metadata, self.key_file, self.cert_file, 5),
            "wrong_key": self._server(sp_metadata, evil_key, evil_cert, 5),
            "expired": self._server(sp_metadata, self.key_file, self.cert_file, -10),
        }

    def _server(self, sp_metadata: str, key: str, cert: str, minutes: int) -> Server:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": key,
                "cert_file": cert,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {"default": {"lifetime": {"minutes": minutes}}},
                    }
                },
                "metadata": {"inline": [sp_metadata]},
            }
        )
        return Server(config=config)

    def answer(self, saml_request: str, login: str) -> tuple[str, str]:
        """(the ACS address, the base64 SAMLResponse) for this request and person."""
        mode = self.mode
        server = self.servers.get(mode, self.servers["normal"])
        request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args: dict[str, Any] = server.response_args(request.message)
        person = PEOPLE[login]
        extra: dict[str, Any] = {}
        if mode == "encrypted":
            sp_cert = Path(self.directory / "sp.crt").read_text()
            extra = {"encrypt_assertion": True, "encrypt_cert_assertion": sp_cert}
        response = server.create_authn_response(
            person,
            userid=login,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=person["uid"][0]),
            sign_assertion=mode != "unsigned",
            sign_response=False,
            authn=AUTHN,
            **extra,
            **args,
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        self.last_response = encoded
        return str(args["destination"]), encoded


class _Handler(BaseHTTPRequestHandler):
    idp: IdentityProvider

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: str, status: int = 200) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        request = html.escape(query.get("SAMLRequest", [""])[0], quote=True)
        relay = html.escape(query.get("RelayState", [""])[0], quote=True)
        self._send(
            f'<form method="post" action="{self.idp.base}/sso/login">'
            f'<input type="hidden" name="SAMLRequest" value="{request}"/>'
            f'<input type="hidden" name="RelayState" value="{relay}"/>'
            '<input type="text" name="login"/><input type="password" name="password"/>'
            '<button type="submit">Sign in</button></form>'
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        acs, response = self.idp.answer(form["SAMLRequest"][0], form["login"][0])
        relay = html.escape(form.get("RelayState", [""])[0], quote=True)
        self._send(
            f'<form method="post" action="{html.escape(acs, quote=True)}">'
            f'<input type="hidden" name="SAMLResponse" value="{response}"/>'
            f'<input type="hidden" name="RelayState" value="{relay}"/>'
            '<button type="submit">Continue</button></form>'
            "<script>document.forms[0].submit()</script>"
        )


@contextmanager
def identity_provider(directory: Path) -> Iterator[IdentityProvider]:
    port = free_port()
    key_file, cert_file = key_pair(directory, "idp")
    idp = IdentityProvider(f"http://127.0.0.1:{port}", directory, key_file, cert_file)
    handler = type("Handler", (_Handler,), {"idp": idp})
    http = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        http.shutdown()
        http.server_close()
        thread.join(10)


_FORM = re.compile(r'<form method="post" action="([^"]+)">(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"/>')


def post_form(client: httpx.Client, page: httpx.Response, extra: dict[str, str]) -> httpx.Response:
    found = _FORM.search(page.text)
    assert found, f"no form: {page.status_code} {page.text[:300]}"
    data = {k: html.unescape(v) for k, v in _HIDDEN.findall(found.group(2))}
    data.update(extra)
    return client.post(html.unescape(found.group(1)), data=data)


def idp_answer(client: httpx.Client, start: str, login: str) -> tuple[str, dict[str, str]]:
    """A person signs in at the identity provider: the form (its address and fields) the
    browser is about to post to Roost."""
    page = client.get(start)
    assert page.status_code == 302, page.text
    page = client.get(page.headers["location"])
    answer = post_form(client, page, {"login": login, "password": "any"})
    found = _FORM.search(answer.text)
    assert found, answer.text[:300]
    fields = {k: html.unescape(v) for k, v in _HIDDEN.findall(found.group(2))}
    return html.unescape(found.group(1)), fields


def saml_sign_in(
    client: httpx.Client, start: str, login: str
) -> tuple[httpx.Response, dict[str, str]]:
    """The whole sign-in; Roost's answer to the posted form, and the form (for replays)."""
    acs, fields = idp_answer(client, start, login)
    return client.post(acs, data=fields), fields

"""The LDAP directory as Roost reads it, through ldap3 (blocking: callers run these in a
thread): a connection over LDAPS or StartTLS with the certificate checked, a search
bound as the service account, a user's own simple bind to check their password, and
the paged listing a sync reads. Every value typed by a person goes into a filter only
escaped (RFC 4515), so a login cannot widen or change the search.

A binary id attribute (Active Directory's ``objectGUID``) is read from the raw bytes,
never from ldap3's guess at text (a GUID that happens to be valid UTF-8 would come back
as a string), and kept as Mattermost keeps it in ``auth_data`` and ``remote_id``: each
byte a backslash and two lower-case hex digits (``\\1e\\bc\\ff...``, 48 characters
for a GUID), which is also the value's escaped form in a search filter."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from roost.app.accounts.sso.errors import (
    ldap_bind_failed,
    ldap_search_failed,
    ldap_unreachable,
)
from roost.app.kernel import validation
from roost.config.sso import SsoSettings


@dataclass(frozen=True, slots=True)
class Entry:
    """A directory user, with the attributes Roost maps (Mattermost's LdapSettings)."""

    dn: str
    id: str
    login_id: str
    username: str
    email: str
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    position: str = ""


# Attributes holding bytes rather than text, as id attributes (user or group).
BINARY_ID_ATTRIBUTES = frozenset({"objectguid"})
_ESCAPED_BYTES = re.compile(r"(?:\\[0-9a-f]{2})+")


def is_binary(attribute: str) -> bool:
    return attribute.lower() in BINARY_ID_ATTRIBUTES


def encode_binary(raw: bytes) -> str:
    """Mattermost's text form of a binary id: ``\\xx`` per byte, lower case."""
    return "".join(f"\\{b:02x}" for b in raw)


def _raw_first(item: dict[str, Any], name: str) -> bytes:
    raw = item.get("raw_attributes") or {}
    for key, values in raw.items():
        if key.lower() == name.lower() and values:
            first = values[0] if isinstance(values, list) else values
            return bytes(first)
    return b""


def id_value(item: dict[str, Any], attribute: str) -> str:
    """An entry's id attribute as text: a binary one in its escaped form."""
    if is_binary(attribute):
        raw = _raw_first(item, attribute)
        return encode_binary(raw) if raw else ""
    return _value(dict(item.get("attributes") or {}), attribute)


# Roost releases before this one kept binary ids as plain hex (upgrades still match them).
_LEGACY_HEX = re.compile(r"(?:[0-9a-f]{2})+")


def is_escaped_binary(value: str) -> bool:
    return _ESCAPED_BYTES.fullmatch(value) is not None


def legacy_hex(value: str) -> str:
    """The plain hex older releases stored for a binary id in its escaped form."""
    return value.replace("\\", "")


def escaped_from_legacy(value: str) -> str | None:
    """A binary id kept as plain hex, in the stored escaped form (None if not hex)."""
    return encode_binary(bytes.fromhex(value)) if _LEGACY_HEX.fullmatch(value) else None


def id_assertion(attribute: str, value: str) -> str | None:
    """The id as a filter's assertion value: a binary one in the stored escaped form
    (passed as it is: it is escaped already; plain hex of older releases converted),
    text escaped; None when a binary id is in neither form (it names nobody)."""
    if is_binary(attribute):
        return value if is_escaped_binary(value) else escaped_from_legacy(value)
    return str(escape_filter_chars(value))


def _value(attributes: dict[str, Any], name: str) -> str:
    if not name:
        return ""
    found = attributes.get(name)
    if isinstance(found, list):
        found = found[0] if found else ""
    if isinstance(found, bytes):
        # A text attribute ldap3 could not decode (binary ids go through id_value).
        return found.hex()
    return str(found or "").strip()


class Directory:
    def __init__(self, settings: SsoSettings) -> None:
        self.s = settings

    @property
    def attributes(self) -> list[str]:
        s = self.s
        names = [
            s.ldap_id_attribute,
            s.ldap_login_id_attribute,
            s.ldap_username_attribute,
            s.ldap_email_attribute,
            s.ldap_first_name_attribute,
            s.ldap_last_name_attribute,
            s.ldap_nickname_attribute,
            s.ldap_position_attribute,
        ]
        return sorted({n for n in names if n})

    def _server(self) -> Server:
        s = self.s
        tls = None
        if s.ldap_connection_security:
            tls = Tls(
                validate=ssl.CERT_NONE
                if s.ldap_skip_certificate_verification
                else ssl.CERT_REQUIRED,
                ca_certs_file=s.ldap_trusted_ca_file or None,
                version=ssl.PROTOCOL_TLS_CLIENT,
            )
        return Server(
            s.ldap_server,
            port=s.ldap_port,
            use_ssl=s.ldap_connection_security == "TLS",
            tls=tls,
            get_info=NONE,
            connect_timeout=s.ldap_query_timeout,
        )

    def _bind(self, dn: str, password: str) -> Connection | None:
        """A bound connection, or None when the directory refuses these credentials. An
        empty password is never sent: LDAP takes it as an anonymous bind that succeeds."""
        if not dn or not password:
            return None
        conn = Connection(
            self._server(),
            user=dn,
            password=password,
            receive_timeout=self.s.ldap_query_timeout,
            raise_exceptions=False,
        )
        try:
            conn.open()
            if self.s.ldap_connection_security == "STARTTLS" and not conn.start_tls():
                raise ldap_unreachable("StartTLS refused")
            if conn.bind():
                return conn
        except LDAPException as exc:
            raise ldap_unreachable(type(exc).__name__) from None
        conn.unbind()
        return None

    def service_connection(self) -> Connection:
        conn = self._bind(self.s.ldap_bind_username, self.s.ldap_bind_password)
        if conn is None:
            raise ldap_bind_failed()
        return conn

    def _filter(self, condition: str) -> str:
        user_filter = self.s.ldap_user_filter.strip()
        if user_filter and not user_filter.startswith("("):
            user_filter = f"({user_filter})"
        return f"(&{condition}{user_filter})" if user_filter else condition

    def _entry(self, item: dict[str, Any]) -> Entry | None:
        s = self.s
        attributes = dict(item.get("attributes") or {})
        entry = Entry(
            dn=str(item["dn"]),
            id=id_value(item, s.ldap_id_attribute),
            login_id=_value(attributes, s.ldap_login_id_attribute),
            username=_value(attributes, s.ldap_username_attribute).lower(),
            email=_value(attributes, s.ldap_email_attribute).lower(),
            first_name=_value(attributes, s.ldap_first_name_attribute)[: validation.NAME_FIELD_MAX],
            last_name=_value(attributes, s.ldap_last_name_attribute)[: validation.NAME_FIELD_MAX],
            nickname=_value(attributes, s.ldap_nickname_attribute)[: validation.NAME_FIELD_MAX],
            position=_value(attributes, s.ldap_position_attribute)[: validation.POSITION_MAX],
        )
        return entry if entry.id and entry.username and entry.email else None

    def find(self, conn: Connection, attribute: str, value: str) -> Entry | None:
        """The one user whose ``attribute`` is ``value`` (escaped) and who matches the
        user filter; none when there is none or more than one."""
        assertion = id_assertion(attribute, value)
        if assertion is None:
            return None
        condition = f"({attribute}={assertion})"
        try:
            conn.search(
                self.s.ldap_base_dn,
                self._filter(condition),
                SUBTREE,
                attributes=self.attributes,
                size_limit=2,
                time_limit=self.s.ldap_query_timeout,
            )
        except LDAPException as exc:
            raise ldap_search_failed(type(exc).__name__) from None
        found = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
        if len(found) != 1:
            return None
        return self._entry(found[0])

    def authenticate(self, login_id: str, password: str, by_id: str = "") -> Entry | None:
        """The user's entry when ``password`` is theirs (their own simple bind);
        ``by_id``: an existing user, found by their id attribute rather than their login."""
        if not password:
            return None
        conn = self.service_connection()
        try:
            if by_id:
                entry = self.find(conn, self.s.ldap_id_attribute, by_id)
            else:
                entry = self.find(conn, self.s.ldap_login_id_attribute, login_id)
        finally:
            conn.unbind()
        if entry is None:
            return None
        own = self._bind(entry.dn, password)
        if own is None:
            return None
        own.unbind()
        return entry

    def every_user(self) -> Iterator[Entry]:
        """Every user matching the filter, read a page at a time."""
        conn = self.service_connection()
        condition = f"({self.s.ldap_id_attribute}=*)"
        try:
            pages = conn.extend.standard.paged_search(
                self.s.ldap_base_dn,
                self._filter(condition),
                SUBTREE,
                attributes=self.attributes,
                paged_size=self.s.ldap_max_page_size or None,
                time_limit=self.s.ldap_query_timeout,
                generator=True,
            )
            for item in pages:
                if item.get("type") != "searchResEntry":
                    continue
                entry = self._entry(item)
                if entry is not None:
                    yield entry
            # Anything short of the whole answer (a size limit, a lost page) is a failure:
            # a sync must never take a truncated directory for people who left.
            if conn.result and conn.result.get("result", 0) != 0:
                raise ldap_search_failed(str(conn.result.get("description", "")))
        except LDAPException as exc:
            raise ldap_search_failed(type(exc).__name__) from None
        finally:
            conn.unbind()

    def test(self) -> None:
        """Connect, bind as the service account, and search the base once."""
        conn = self.service_connection()
        try:
            ok = conn.search(
                self.s.ldap_base_dn,
                self._filter(f"({self.s.ldap_id_attribute}=*)"),
                SUBTREE,
                attributes=[self.s.ldap_id_attribute],
                size_limit=1,
                time_limit=self.s.ldap_query_timeout,
            )
            if not ok and conn.result.get("result") not in (0, 4):
                raise ldap_search_failed(str(conn.result.get("description", "")))
        except LDAPException as exc:
            raise ldap_search_failed(type(exc).__name__) from None
        finally:
            conn.unbind()

"""OpenLDAP's slapd (Debian's package) as a process with its own configuration, TLS
certificate (a CA of the test's own) and database, listening for LDAP (StartTLS) and
LDAPS on free loopback ports; people added and changed over LDAP with ldap3."""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from ldap3 import MODIFY_ADD, MODIFY_DELETE, MODIFY_REPLACE, Connection, Server

from tests.support.server import free_port

SLAPD = "/usr/sbin/slapd"
BASE_DN = "dc=example,dc=com"
PEOPLE = f"ou=people,{BASE_DN}"
GROUPS = f"ou=groups,{BASE_DN}"
ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PASSWORD = "slapd-root-password"
START_TIMEOUT_SECONDS = 15.0
CONFIG = """include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
# Active Directory's objectGUID (16 bytes, compared as octets), which OpenLDAP's schemas
# lack: an auxiliary class lets a test give people and groups one.
attributetype ( 1.3.6.1.4.1.4203.666.77.1 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.77.2 NAME 'adObject' SUP top AUXILIARY MAY objectGUID )
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
TLSCACertificateFile {dir}/ca.pem
TLSCertificateFile {dir}/cert.pem
TLSCertificateKeyFile {dir}/key.pem
database mdb
# As directories usually are: a plain search stops at 500 entries, a paged one does not.
limits * size.soft=500 size.hard=500 size.prtotal=unlimited
maxsize 1073741824
suffix "{base}"
rootdn "{root}"
rootpw {password}
directory {dir}/db
index uid eq
index objectClass eq
"""


def _certificates(directory: Path) -> None:
    """A CA, and the server's certificate for 127.0.0.1 signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Roost test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (directory / "ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "cert.pem").write_bytes(cert.public_bytes(pem))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            pem, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )


@dataclass
class Slapd:
    directory: Path
    ldap_port: int
    ldaps_port: int

    @property
    def ca_file(self) -> str:
        return str(self.directory / "ca.pem")

    def admin(self) -> Connection:
        """Bound by ``with`` and unbound when it ends (bound before ``with``, ldap3 would
        leave it open)."""
        return Connection(Server("127.0.0.1", port=self.ldap_port), ROOT_DN, ROOT_PASSWORD)

    def add_person(self, uid: str, password: str, **attributes: str) -> str:
        dn = f"uid={uid},{PEOPLE}"
        values = {
            "uid": uid,
            "cn": attributes.pop("cn", uid),
            "sn": attributes.pop("sn", uid),
            "mail": attributes.pop("mail", f"{uid}@corp.example"),
            "userPassword": password,
            "employeeType": attributes.pop("employeeType", "chat"),
            **attributes,
        }
        with self.admin() as conn:
            assert conn.add(dn, ["inetOrgPerson"], values), conn.result
        return dn

    def add_people(self, entries: list[tuple[str, dict[str, str]]]) -> None:
        with self.admin() as conn:
            for uid, values in entries:
                assert conn.add(f"uid={uid},{PEOPLE}", ["inetOrgPerson"], values), conn.result

    def change(self, uid: str, **attributes: str) -> None:
        with self.admin() as conn:
            changes = {k: [(MODIFY_REPLACE, [v])] for k, v in attributes.items()}
            assert conn.modify(f"uid={uid},{PEOPLE}", changes), conn.result

    def remove(self, uid: str) -> None:
        with self.admin() as conn:
            assert conn.delete(f"uid={uid},{PEOPLE}"), conn.result

    # Groups (groupOfNames, under ou=groups, made with the first group).

    def add_group(self, cn: str, *member_uids: str) -> str:
        """A groupOfNames of these people; its entryUUID (slapd's own id for it)."""
        dn = f"cn={cn},{GROUPS}"
        members = [f"uid={uid},{PEOPLE}" for uid in member_uids]
        with self.admin() as conn:
            conn.add(GROUPS, ["organizationalUnit"], {"ou": "groups"})  # once
            assert conn.add(dn, ["groupOfNames"], {"cn": cn, "member": members}), conn.result
            assert conn.search(dn, "(objectClass=*)", attributes=["entryUUID"]), conn.result
            return str(conn.entries[0].entryUUID.value)

    def add_unique_group(self, cn: str, *member_dns: str) -> str:
        """A groupOfUniqueNames whose uniqueMember values are these DNs, as written."""
        dn = f"cn={cn},{GROUPS}"
        with self.admin() as conn:
            conn.add(GROUPS, ["organizationalUnit"], {"ou": "groups"})  # once
            values = {"cn": cn, "uniqueMember": list(member_dns)}
            assert conn.add(dn, ["groupOfUniqueNames"], values), conn.result
            assert conn.search(dn, "(objectClass=*)", attributes=["entryUUID"]), conn.result
            return str(conn.entries[0].entryUUID.value)

    def group_members(self, cn: str, add: tuple[str, ...] = (), drop: tuple[str, ...] = ()) -> None:
        changes: dict[str, list[tuple[str, list[str]]]] = {"member": []}
        if add:
            changes["member"].append((MODIFY_ADD, [f"uid={u},{PEOPLE}" for u in add]))
        if drop:
            changes["member"].append((MODIFY_DELETE, [f"uid={u},{PEOPLE}" for u in drop]))
        with self.admin() as conn:
            assert conn.modify(f"cn={cn},{GROUPS}", changes), conn.result

    def rename_group(self, cn: str, new_cn: str) -> None:
        with self.admin() as conn:
            assert conn.modify_dn(f"cn={cn},{GROUPS}", f"cn={new_cn}"), conn.result

    def remove_group(self, cn: str) -> None:
        with self.admin() as conn:
            assert conn.delete(f"cn={cn},{GROUPS}"), conn.result


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"slapd exited: {log.read_text()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"slapd did not start: {log.read_text()}")


@contextmanager
def slapd(workdir: Path) -> Iterator[Slapd]:
    assert shutil.which(SLAPD) or Path(SLAPD).exists(), "scripts/services installs slapd"
    directory = workdir / "slapd"
    (directory / "db").mkdir(parents=True)
    _certificates(directory)
    conf = directory / "slapd.conf"
    conf.write_text(
        CONFIG.format(dir=directory, base=BASE_DN, root=ROOT_DN, password=ROOT_PASSWORD)
    )
    ldap_port, ldaps_port = free_port(), free_port()
    urls = f"ldap://127.0.0.1:{ldap_port}/ ldaps://127.0.0.1:{ldaps_port}/"
    log = directory / "slapd.log"
    with open(log, "wb") as out:
        # -d keeps it in the foreground (its own process, stopped below).
        proc = subprocess.Popen(
            [SLAPD, "-d", "0", "-f", str(conf), "-h", urls], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(ldap_port, proc, log)
        _wait_for(ldaps_port, proc, log)
        server = Slapd(directory, ldap_port, ldaps_port)
        with server.admin() as conn:
            conn.add(BASE_DN, ["dcObject", "organization"], {"dc": "example", "o": "Example"})
            conn.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
            conn.add(
                f"cn=roost,{BASE_DN}",
                ["organizationalRole", "simpleSecurityObject"],
                {"cn": "roost", "userPassword": "roost-bind-password"},
            )
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

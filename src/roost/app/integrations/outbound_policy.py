"""Where outbound calls may go: public addresses, plus what the allow-list names.

Integrations are configured by users, so a callback URL could point at the server's
own network (a database, a cloud metadata endpoint). Every address a call would
connect to is checked: literal IPs in the URL here, and names as they resolve
(``outbound.py``'s resolver), so a name that resolves to a private address is refused
too, and the connection goes to the address that was checked.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
URL_MAX = 1024


class OutboundBlocked(Exception):
    """The call would reach an address outside what the policy allows."""


class OutboundPolicy:
    def __init__(self, allowed: str = "") -> None:
        """``allowed``: comma-separated hostnames and CIDRs (a bare IP is a /32 or /128)."""
        self.allowed = allowed
        self._hosts: set[str] = set()
        self._networks: list[IPNetwork] = []
        for entry in (e.strip().lower() for e in allowed.split(",")):
            if not entry:
                continue
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._hosts.add(entry.rstrip("."))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self._hosts

    def address_allowed(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self._networks):
            return True
        # is_global is false for loopback, private, link-local, shared (100.64/10),
        # reserved and documentation ranges alike.
        return address.is_global and not address.is_multicast

    def check_url(self, url: str) -> str:
        """The URL's host, if the URL is one Roost may call; else OutboundBlocked."""
        if len(url) > URL_MAX:
            raise OutboundBlocked("the URL is too long")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundBlocked("only http and https URLs with a host may be called")
        host = parts.hostname
        if self.host_allowed(host):
            return host
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return host  # a name: checked as it resolves
        if not self.address_allowed(literal):
            raise OutboundBlocked(f"{host} is not a public address")
        return host


def is_valid_url(url: str) -> bool:
    """Shape only (http/https with a host); where it points is checked at call time."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    return len(url) <= URL_MAX and parts.scheme in ("http", "https") and bool(parts.hostname)

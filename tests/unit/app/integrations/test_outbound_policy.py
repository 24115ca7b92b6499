"""Where integrations may call: public addresses, plus the allow-list."""

from __future__ import annotations

import ipaddress

import pytest

from roost.app.integrations.outbound_policy import (
    URL_MAX,
    OutboundBlocked,
    OutboundPolicy,
    is_valid_url,
)


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "192.0.2.1",  # documentation
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
    ],
)
def test_private_and_special_addresses_are_refused_by_default(address: str) -> None:
    assert not OutboundPolicy().address_allowed(ip(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert OutboundPolicy().address_allowed(ip(address))


def test_the_allow_list_names_networks_bare_ips_and_hosts() -> None:
    policy = OutboundPolicy(" 10.0.0.0/8, 127.0.0.1 ,, Hooks.Internal. ,fd00::/8")
    assert policy.address_allowed(ip("10.200.0.1"))
    assert policy.address_allowed(ip("127.0.0.1"))
    assert not policy.address_allowed(ip("127.0.0.2"))  # a bare IP is one address
    assert policy.address_allowed(ip("fd00::5"))
    # An allowed network covers an IPv4-mapped IPv6 address too.
    assert policy.address_allowed(ip("::ffff:10.0.0.1"))
    # Host names compare without case or the root's trailing dot.
    assert policy.host_allowed("hooks.internal")
    assert policy.host_allowed("HOOKS.INTERNAL.")
    assert not policy.host_allowed("other.internal")


def test_check_url_returns_the_host_for_names_and_public_literals() -> None:
    policy = OutboundPolicy()
    # A name is not resolved here: it is checked when it resolves.
    assert policy.check_url("https://example.com:8443/hook?x=1") == "example.com"
    assert policy.check_url("http://8.8.8.8/") == "8.8.8.8"
    assert policy.check_url("http://[2606:4700:4700::1111]/") == "2606:4700:4700::1111"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8065/",
        "http://169.254.169.254/latest/meta-data",
        "ftp://example.com/",
        "file:///etc/passwd",
        "http:///no-host",
        "example.com/hook",
        "http://example.com/" + "a" * URL_MAX,
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(OutboundBlocked):
        OutboundPolicy().check_url(url)


def test_an_allowed_host_or_network_passes_check_url() -> None:
    policy = OutboundPolicy("localhost,127.0.0.0/8")
    assert policy.check_url("http://localhost:9000/x") == "localhost"
    assert policy.check_url("http://127.0.0.5/x") == "127.0.0.5"


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://example.com/hook", True),
        ("http://10.0.0.1/", True),  # shape only: where it points is checked at call time
        ("http://example.com:99999/", False),
        ("http://example.com:port/", False),
        ("mailto:someone@example.com", False),
        ("https://", False),
        ("", False),
        ("https://example.com/" + "a" * URL_MAX, False),
    ],
)
def test_is_valid_url(url: str, valid: bool) -> None:
    assert is_valid_url(url) is valid

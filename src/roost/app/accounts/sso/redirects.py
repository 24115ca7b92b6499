"""Where a finished sign-in may send the browser or the app: a page of this site, or
the mobile app's ``<scheme>://callback`` (Mattermost's rules). Pure functions."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from roost.app.accounts.sso.errors import invalid_custom_url_scheme, invalid_redirect

MAX_REDIRECT = 1024
MOBILE_CALLBACK_HOST = "callback"


def check_web_redirect(redirect_to: str, site_url: str) -> str:
    """A path on this site (or a full URL of it); anything else is refused, so a
    sign-in can never send the user's browser, or their session, elsewhere."""
    if not redirect_to:
        return ""
    if len(redirect_to) > MAX_REDIRECT or any(ord(ch) < 0x20 for ch in redirect_to):
        raise invalid_redirect()
    if "\\" in redirect_to:
        raise invalid_redirect()
    parts = urlsplit(redirect_to)
    site = urlsplit(site_url)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            raise invalid_redirect()
    elif not redirect_to.startswith("/") or redirect_to.startswith("//"):
        raise invalid_redirect()
    base = site.path.rstrip("/") or "/"
    if not posixpath.normpath(parts.path or "/").startswith(base):
        raise invalid_redirect()
    return redirect_to


def check_mobile_redirect(redirect_to: str, schemes: tuple[str, ...]) -> str:
    """The app's callback exactly (``mmauth://callback``): a listed scheme, the host
    ``callback``, no path, query or fragment."""
    if not redirect_to:
        return ""
    if len(redirect_to) > MAX_REDIRECT:
        raise invalid_custom_url_scheme()
    parts = urlsplit(redirect_to)
    if (
        f"{parts.scheme}://" not in schemes
        or parts.netloc != MOBILE_CALLBACK_HOST
        or parts.path
        or parts.query
        or parts.fragment
    ):
        raise invalid_custom_url_scheme()
    return redirect_to


def site_target(redirect_to: str, site_url: str) -> str:
    """The address a web sign-in ends on: the checked target, else the site's root."""
    if not redirect_to:
        return site_url.rstrip("/") + "/"
    if redirect_to.startswith("/"):
        return site_url.rstrip("/") + redirect_to
    return redirect_to

"""SAML 2.0's pages, at Mattermost's addresses: ``GET /login/sso/saml`` (off to the
identity provider), ``POST /login/sso/saml`` (its answer: the assertion consumer
service) and ``GET /api/v4/saml/metadata`` (this server as a service provider)."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.sso import finish_sign_in
from roost.app.accounts.sso.errors import saml_refused
from roost.app.accounts.sso.redirects import check_mobile_redirect, check_web_redirect
from roost.app.accounts.sso.service import LOGIN, MOBILE

MAX_FORM_BYTES = 512 * 1024


async def start(req: Req) -> Response:
    services = req.services
    action = MOBILE if req.query_str("action", max_len=32) == MOBILE else LOGIN
    raw_redirect = req.query_str("redirect_to", max_len=1024)
    if action == MOBILE:
        redirect_to = check_mobile_redirect(raw_redirect, services.sso.mobile_schemes)
    else:
        redirect_to = check_web_redirect(raw_redirect, services.sso.site_url(req.tenant_id))
    location = await services.saml.do_start(req.tenant_id, action, redirect_to)
    return RedirectResponse(location, status_code=302)


async def consume(req: Req) -> Response:
    """The identity provider's answer (HTTP-POST binding): a cross-site form post, so
    no cookie comes with it; the RelayState and the request id it answers bind it."""
    length = req.raw.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        raise saml_refused("form too large")
    form = await req.raw.form(max_fields=10, max_files=0)
    response = form.get("SAMLResponse")
    relay = form.get("RelayState")
    done = await req.services.saml.do_complete(
        req.tenant_id,
        response if isinstance(response, str) else "",
        relay if isinstance(relay, str) else "",
    )
    return await finish_sign_in(req, done)


async def metadata(req: Req) -> Response:
    xml = await req.services.saml.metadata(req.tenant_id)
    return Response(xml, media_type="application/samlmetadata+xml")


def public_routes() -> list[Route]:
    return [
        Route("/login/sso/saml", endpoint(start), methods=["GET"]),
        Route("/login/sso/saml", endpoint(consume), methods=["POST"]),
    ]


def api_routes() -> list[Route]:
    return [Route("/saml/metadata", endpoint(metadata), methods=["GET"])]

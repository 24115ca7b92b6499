"""Single sign-on (issue 26): users signing in through their organisation's identity
provider instead of a password.

OAuth 2 / OpenID Connect (GitLab, Google, Office 365, any OpenID provider):

1. ``GET /oauth/{service}/login`` (``service.Sso.do_start``): the provider's settings
   (the ``ROOST_*`` defaults or the tenant's own, ``providers.py``) and its discovery
   document (``oidc.py``, cached) give the authorization endpoint. A random ``state``,
   a PKCE verifier (S256) and, for OpenID Connect, a ``nonce`` are made; the state's
   hash keys a row of ``sso_states`` holding the verifier, nonce, action and redirect,
   with the hash of a random cookie (``MMOAUTH``) set on the browser. The browser goes
   to the provider.
2. ``GET /signup/{service}/complete`` (``Sso.do_complete``): the state row is deleted as
   it is read (a replayed callback finds none), and must be for this service and this
   browser's cookie. The code is exchanged with the verifier; the ID token is checked
   against the provider's keys (issuer, audience, expiry, nonce); user info must be
   for the same subject. ``identity.py`` maps the claims to a user.
3. The user is found by ``(auth_service, auth_data)``, or created when allowed; an
   account that already has the email is never taken over on email alone (Mattermost's
   ``already_attached``). The session is made by ``Auth.do_login``; the web gets its
   cookies, the mobile app its ``<scheme>://callback?MMAUTHTOKEN=...``.

LDAP (``ldap.py``, ``ldap_directory.py``) and SAML 2.0 (``saml.py``) have their own
mechanisms, described in their modules; both end in the same account rules.

SSO users have no password: a password login is refused with Mattermost's
``use_auth_service``. Every sign-in and refusal is in the audit log (``completeOAuth``).
The user-facing guide is ``docs/sso.md``.
"""

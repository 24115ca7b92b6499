"""Single sign-on's errors, with Mattermost's ids where Mattermost has one."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def service_unsupported(service: str) -> AppError:
    return AppError(
        501,
        "api.user.authorize_oauth_user.unsupported.app_error",
        "This sign-in service is not enabled on this server.",
        f"service={service}",
    )


def invalid_state(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.user.authorize_oauth_user.invalid_state.app_error",
        "The sign-in could not be matched to one started in this browser; start it again.",
        detailed,
    )


def missing_code(service: str) -> AppError:
    return AppError(
        400,
        "api.user.authorize_oauth_user.missing_code.app_error",
        f"{service} sent no authorization code back.",
    )


def access_denied(service: str) -> AppError:
    return AppError(
        403,
        "api.user.authorize_oauth_user.access_denied.app_error",
        f"{service} did not let you sign in (access denied).",
    )


def provider_unreachable(service: str, detailed: str = "") -> AppError:
    return AppError(
        502,
        "api.user.authorize_oauth_user.token_failed.app_error",
        f"{service} could not be reached to complete the sign-in; try again later.",
        detailed,
    )


def provider_bad_response(service: str, detailed: str = "") -> AppError:
    return AppError(
        502,
        "api.user.authorize_oauth_user.bad_response.app_error",
        f"{service} answered the sign-in with something Roost cannot use.",
        detailed,
    )


def bad_id_token(detailed: str) -> AppError:
    return AppError(
        401,
        "api.user.authorize_oauth_user.bad_token.app_error",
        "The provider's ID token was refused (signature, issuer, audience, nonce or expiry).",
        detailed,
    )


def identity_unreadable(service: str, detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.user.login_by_oauth.parse.app_error",
        f"Could not read who you are from {service}.",
        detailed,
    )


def already_attached(service: str, auth: str) -> AppError:
    return AppError(
        400,
        "api.user.create_oauth_user.already_attached.app_error",
        "There is already an account associated with that email address using a sign in "
        f"method other than {service}. Please sign in using {auth}.",
    )


def user_creation_disabled() -> AppError:
    return AppError(
        501,
        "api.user.create_user.disabled.app_error",
        "Accounts are not created through single sign-on on this server; ask an admin.",
    )


def invalid_redirect() -> AppError:
    return AppError(400, "api.invalid_redirect_url", "The redirect address is not allowed.")


def invalid_custom_url_scheme() -> AppError:
    return AppError(
        400, "api.invalid_custom_url_scheme", "The app's redirect address is not allowed."
    )


def use_auth_service(service: str) -> AppError:
    return AppError(
        400,
        "api.user.login.use_auth_service.app_error",
        f"Please sign in using {service}.",
    )


def login_code_invalid() -> AppError:
    return AppError(
        400,
        "api.user.login_by_sso_code_exchange.invalid.app_error",
        "The login code is unknown, used or expired, or the verifier does not match.",
    )


def provider_settings_invalid(detailed: str) -> AppError:
    return AppError(
        400,
        "api.sso.provider_settings.invalid.app_error",
        "The identity provider's settings are not valid.",
        detailed,
    )


def provider_not_found(service: str) -> AppError:
    return AppError(
        404,
        "api.sso.provider_settings.not_found.app_error",
        f"This tenant has no {service} provider of its own.",
    )


def ldap_disabled() -> AppError:
    return AppError(501, "ent.ldap.disabled.app_error", "LDAP is not enabled on this server.")


def ldap_unreachable(detailed: str = "") -> AppError:
    return AppError(
        502,
        "ent.ldap.do_login.unable_to_connect.app_error",
        "The LDAP server could not be reached (address, port, TLS or its certificate).",
        detailed,
    )


def ldap_bind_failed(detailed: str = "") -> AppError:
    return AppError(
        500,
        "ent.ldap.do_login.bind_admin_user.app_error",
        "Roost could not bind to the LDAP server with the bind username and password.",
        detailed,
    )


def ldap_search_failed(detailed: str = "") -> AppError:
    return AppError(
        500,
        "ent.ldap.syncronize.search_failure.app_error",
        "The LDAP search failed (base DN or user filter).",
        detailed,
    )


def switch_not_available(detailed: str) -> AppError:
    return AppError(
        400,
        "api.user.auth_switch.not_available.app_error",
        "This account cannot switch between these sign-in methods.",
        detailed,
    )


def switch_other_user() -> AppError:
    return AppError(
        403,
        "api.user.oauth_to_email.context.app_error",
        "Only the account's own user may switch it to a password.",
    )


def saml_disabled() -> AppError:
    return AppError(501, "api.user.saml.not_available.app_error", "SAML is not enabled here.")


def saml_refused(detailed: str) -> AppError:
    return AppError(
        400,
        "ent.saml.do_login.validate.app_error",
        "The identity provider's answer was refused (signature, issuer, audience, time, or "
        "not for a sign-in started here).",
        detailed,
    )


# Switching an account between a password and LDAP (Mattermost's emailToLdap / ldapToEmail;
# ``direction`` is ``email_to_ldap``, ``ldap_to_email``, ``email_to_oauth`` or
# ``oauth_to_email``, as in its error ids).


def switch_transfer_disabled(direction: str) -> AppError:
    return AppError(
        403,
        f"api.user.{direction}.not_available.app_error",
        "Switching sign-in methods is turned off on this server.",
    )


def ldap_invalid_password() -> AppError:
    return AppError(
        401, "ent.ldap.do_login.invalid_password.app_error", "Invalid AD/LDAP password."
    )


def not_ldap_account() -> AppError:
    return AppError(
        400,
        "api.user.ldap_to_email.not_ldap_account.app_error",
        "This user account does not use AD/LDAP.",
    )


def missing_account() -> AppError:
    return AppError(404, "app.user.missing_account.const", "Unable to find the user.")


def ldap_not_available() -> AppError:
    return AppError(
        501, "api.admin.ldap.not_available.app_error", "AD/LDAP is not available on this server."
    )


def migrate_refused(detailed: str) -> AppError:
    # Mattermost's id for a refused migration (its AccountMigration's error, wrapped).
    return AppError(
        500, "api.migrate_to_saml.error", "Unable to migrate the accounts to AD/LDAP.", detailed
    )

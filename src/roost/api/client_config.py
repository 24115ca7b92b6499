"""The client configuration (``GET /config/client?format=old``): every key of
``ClientConfig`` in ``@mattermost/types`` 11.9, as the strings Mattermost sends.

The apps test keys with ``=== "true"``, so a missing key reads as "off"; every key is
sent. Each value tells the truth about this server: a feature Roost lacks says "false"
(several such keys make the apps call endpoints Roost does not have), and limits come
from Roost's settings and constants. The keys are grouped below by what they are about;
``docs/mattermost-apps.md`` says which the apps read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from roost import MATTERMOST_COMPAT_VERSION
from roost.app.accounts.sso.providers import Provider
from roost.app.posts.reactions import MAX_EMOJI_PER_POST
from roost.config import Settings
from roost.config.sso import SsoSettings
from roost.tenancy import DEFAULT_TENANT_ID

# Mattermost's release builds send their version as the build number too, and so
# X-Version-Id reads "<version>.<build number>.<config hash>.<licensed>".
BUILD_NUMBER = MATTERMOST_COMPAT_VERSION

# Roost's hashtag rule (app/posts/text.py) takes a letter and at least one more
# character after the '#': the clients highlight tags at least this long.
MINIMUM_HASHTAG_LENGTH = 2

# How often the web app polls the statuses and profiles of the users on screen.
STATUS_POLL_MS = 3000
# How often a client repeats its typing event while the user types.
TYPING_REPEAT_MS = 5000


def version_id() -> str:
    """The X-Version-Id header: Mattermost's "<version>.<build>.<config hash>.<licensed>";
    clients take the leading x.y.z. The hash part is fixed: clients do not read it."""
    return f"{MATTERMOST_COMPAT_VERSION}.{BUILD_NUMBER}.roost.false"


@dataclass(frozen=True, slots=True)
class ConfigFacts:
    """What the configuration depends on besides the settings."""

    settings: Settings
    tenant_id: str
    site_url: str
    installed_at: int  # the tenant's creation, epoch ms (0 when unknown)
    open_signup: bool = True  # whether anyone may sign up on this tenant
    no_accounts: bool = False  # no user yet: the first to sign up may, and is its admin
    # The tenant's sign-in services (roost.app.accounts.sso), by Mattermost's names.
    providers: dict[str, Provider] = field(default_factory=dict)
    # The tenant's LDAP and SAML settings (its own or the deployment's); None: the
    # deployment's, for the default tenant only.
    ldap: SsoSettings | None = None
    saml: SsoSettings | None = None


def _flag(value: bool) -> str:
    return "true" if value else "false"


def client_config(facts: ConfigFacts) -> dict[str, str]:
    config: dict[str, str] = {}
    for group in (
        _server(facts),
        _sign_in(facts.settings, facts.open_signup, facts.no_accounts),
        _messaging(facts.settings),
        _files(facts.settings),
        _integrations(facts.settings),
        _people(facts.settings),
        _look(),
        _mobile_and_links(),
        _not_in_roost(),
        _messaging_features(facts.settings),
        _auth_providers(facts.providers),
        _ldap(facts.ldap or _default_only(facts.settings.sso, facts.tenant_id)),
        _saml(facts.saml or _default_only(facts.settings.sso, facts.tenant_id)),
        _licensed(),
        _feature_flags(),
        _roost_extras(facts.settings),
        _notifications(facts.settings),
    ):
        config.update(group)
    return config


def _server(facts: ConfigFacts) -> dict[str, str]:
    """Which server this is. Version is what the mobile app checks (it warns below 10.11
    and refuses below 9.11) and what X-Version-Id begins with."""
    s = facts.settings
    return {
        "Version": MATTERMOST_COMPAT_VERSION,
        "BuildNumber": BUILD_NUMBER,
        "BuildDate": "",
        "BuildHash": "roost",
        "BuildHashEnterprise": "none",
        "BuildEnterpriseReady": "false",
        "IsFipsEnabled": "false",
        "SchemaVersion": "",
        "ServiceEnvironment": "production",
        "SiteName": s.serving.site_name,
        "SiteURL": facts.site_url,
        "DiagnosticId": facts.tenant_id,
        "TelemetryId": facts.tenant_id,
        "DiagnosticsEnabled": "false",
        "EnableDiagnostics": "false",
        "InstallationDate": str(facts.installed_at) if facts.installed_at else "",
        "SQLDriverName": "sqlite" if s.effective_database_url.startswith("sqlite") else "postgres",
        # The socket lives at /api/v4/websocket on the site URL.
        "WebsocketURL": "",
        "WebsocketPort": "80",
        "WebsocketSecurePort": "443",
        "EnableReliableWebSockets": "true",  # seq, connection_id and replay on resume
        "EnableCluster": "false",
        "EnableMetrics": "false",
        "RunJobs": "true",
        "FileLevel": "INFO",
        "UpgradedFromTE": "false",
        "EnableDeveloper": "false",  # true would make the apps post their errors to /logs
        "EnableTesting": "false",
        "EnableClientMetrics": "false",  # no /client_perf collection worth the calls
        "EnableClientPerformanceDebugging": "false",
        "AllowDownloadLogs": "false",
        "DisableRefetchingOnBrowserFocus": "false",
        "DisableWakeUpReconnectHandler": "false",
    }


def _sign_in(s: Settings, open_signup: bool, no_accounts: bool = False) -> dict[str, str]:
    """Email or username with a password is Roost's only way in."""
    return {
        "EnableSignInWithEmail": "true",
        "EnableSignInWithUsername": "true",
        "EnableSignUpWithEmail": "true",
        "EnableUserCreation": "true",
        "EnableOpenServer": _flag(open_signup),
        "NoAccounts": _flag(no_accounts),
        "PasswordMinimumLength": str(s.accounts.password_minimum_length),
        "PasswordRequireLowercase": _flag(s.accounts.password_lowercase),
        "PasswordRequireNumber": _flag(s.accounts.password_number),
        "PasswordRequireSymbol": _flag(s.accounts.password_symbol),
        "PasswordRequireUppercase": _flag(s.accounts.password_uppercase),
        "ForgotPasswordLink": "",
        "EnableUserDeactivation": _flag(s.accounts.enable_user_deactivation),
        "DeleteAccountLink": "",
        "EnableUserAccessTokens": _flag(s.accounts.enable_user_access_tokens),
        "MaximumPersonalAccessTokenLifetimeDays": "0",
        "EnableMultifactorAuthentication": _flag(s.accounts.enable_multifactor_authentication),
        "EnforceMultifactorAuthentication": _flag(
            s.accounts.enable_multifactor_authentication
            and s.accounts.enforce_multifactor_authentication
        ),
        "ExperimentalEnableAuthenticationTransfer": "false",
        "EnableCustomTermsOfService": "false",
        "CustomTermsOfServiceId": "",
        "CustomTermsOfServiceReAcceptancePeriod": "0",
        "EmailLoginButtonBorderColor": "",
        "EmailLoginButtonColor": "",
        "EmailLoginButtonTextColor": "",
    }


def _messaging(s: Settings) -> dict[str, str]:
    """Posting, threads, typing, statuses: what basic chat needs on."""
    return {
        "MaxPostSize": str(s.posts.max_post_size),
        "PostEditTimeLimit": "-1",  # Roost does not limit editing in time
        "CollapsedThreads": "default_off",  # Roost has the threads API; users opt in
        "ExperimentalEnablePostMetadata": "true",
        "AllowSyncedDrafts": "true",  # /drafts and its events
        "EnableUserTypingMessages": _flag(s.realtime.enable_user_typing_messages),
        "TimeBetweenUserTypingUpdatesMilliseconds": str(TYPING_REPEAT_MS),
        "MaxNotificationsPerChannel": str(s.realtime.max_notifications_per_channel),
        "EnableChannelViewedMessages": "true",  # Roost sends multiple_channels_viewed
        "EnableUserStatuses": "true",
        "EnableLastActiveTime": "true",
        "EnableTimedDND": "true",  # statuses keep dnd_end_time
        "UsersStatusAndProfileFetchingPollIntervalMilliseconds": str(STATUS_POLL_MS),
        "EnableConfirmNotificationsToChannel": "true",
        "EnableEmojiPicker": "true",
        "UniqueEmojiReactionLimitPerPost": str(MAX_EMOJI_PER_POST),
        # Served: /emoji (create needs create_emojis) and /users/{id}/status/custom.
        "EnableCustomEmoji": "true",
        "EnableCustomUserStatuses": "true",
        "MinimumHashtagLength": str(MINIMUM_HASHTAG_LENGTH),
        "EnableChannelCategorySorting": "true",
        "ExperimentalGroupUnreadChannels": "disabled",
        "EnableJoinLeaveMessageByDefault": "true",  # the default of a display preference
        "ExperimentalEnableDefaultChannelLeaveJoinMessages": _flag(
            s.messaging.enable_default_channel_leave_join_messages
        ),
        "ExperimentalPrimaryTeam": "",
        "DelayChannelAutocomplete": "false",
        "RestrictDirectMessage": "any",
        # Search takes one team: /files/search across teams does not exist.
        "EnableCrossTeamSearch": "false",
    }


def _files(s: Settings) -> dict[str, str]:
    return {
        "EnableFileAttachments": "true",
        "EnableFile": "true",
        "EnableMobileFileUpload": "true",
        "EnableMobileFileDownload": "true",
        "MaxFileSize": str(s.files.max_file_size),
        "EnablePublicLink": _flag(s.files.enable_public_link),
        "EnableSVGs": "false",
        "HasImageProxy": "false",
    }


def _integrations(s: Settings) -> dict[str, str]:
    """Webhooks, commands, bots, HTTP apps (the Apps Framework's bindings and calls are
    served at /plugins/com.mattermost.apps/...), server plugins (none has a web-app part:
    /plugins/webapp answers [])."""
    i = s.integrations
    return {
        "EnableIncomingWebhooks": _flag(i.enable_incoming_webhooks),
        "EnableOutgoingWebhooks": _flag(i.enable_outgoing_webhooks),
        "EnableCommands": _flag(i.enable_commands),
        "EnablePostUsernameOverride": _flag(i.enable_post_username_override),
        "EnablePostIconOverride": _flag(i.enable_post_icon_override),
        "EnableBotAccountCreation": _flag(s.accounts.enable_bot_account_creation),
        "AppsPluginEnabled": "true",
        "FeatureFlagAppsEnabled": "true",
        "PluginsEnabled": _flag(s.plugins.plugins_enable),
        "EnableMarketplace": "false",
        "IsDefaultMarketplace": "false",
        "EnableOAuthServiceProvider": "false",
        "EnableOutgoingOAuthConnections": "false",
        "AsymmetricSigningPublicKey": "",
        "CustomUrlSchemes": "",
        "ManagedResourcePaths": "",
        "DisableAppBar": "false",
    }


def _people(s: Settings) -> dict[str, str]:
    """How people are shown."""
    return {
        "ShowEmailAddress": _flag(s.accounts.show_email_address),
        "TeammateNameDisplay": "username",
        "LockTeammateNameDisplay": "false",
        "DefaultClientLocale": "en",
        "AvailableLocales": "",  # all of the apps' locales
        "EnableExperimentalLocales": "false",
        "HideGuestTags": "false",
    }


def _look() -> dict[str, str]:
    """Themes, branding and the announcement banner."""
    return {
        "DefaultTheme": "default",
        "EnableThemeSelection": "true",
        "AllowCustomThemes": "true",
        "AllowedThemes": "",
        "EnableCustomBrand": "false",
        "CustomBrandText": "",
        "CustomDescriptionText": "",
        "EnableBanner": "false",
        "BannerText": "",
        "BannerColor": "",
        "BannerTextColor": "",
        "AllowBannerDismissal": "true",
        "EnablePreviewModeBanner": "false",
        "EnableTutorial": "false",
        "EnableOnboardingFlow": "false",
        "EnableDesktopLandingPage": "true",
    }


def _mobile_and_links() -> dict[str, str]:
    """App versions (none enforced) and help links (none configured)."""
    return {
        "AndroidLatestVersion": "",
        "AndroidMinVersion": "",
        "IosLatestVersion": "",
        "IosMinVersion": "",
        "AppDownloadLink": "",
        "AndroidAppDownloadLink": "",
        "IosAppDownloadLink": "",
        "AboutLink": "",
        "HelpLink": "",
        "PrivacyPolicyLink": "",
        "TermsOfServiceLink": "",
        "SupportEmail": "",
        "ReportAProblemLink": "",
        "ReportAProblemType": "default",
        "ReportAProblemMail": "",
        "EnableAskCommunityLink": "false",
    }


def _notifications(s: Settings) -> dict[str, str]:
    """Push and email (roost.app.notifications): the apps show their notification
    settings (and the email digest choices) by these."""
    n = s.notifications
    return {
        "SendPushNotifications": _flag(
            n.send_push_notifications and bool(n.push_notification_server)
        ),
        "SendEmailNotifications": _flag(n.send_email_notifications and bool(n.smtp_server)),
        "EmailNotificationContentsType": n.email_notification_contents_type,
        "EnableEmailBatching": _flag(n.enable_email_batching),
        "RequireEmailVerification": _flag(n.require_email_verification),
        # Password reset and team invitations by email need an SMTP server.
        "PasswordEnableForgotLink": _flag(bool(n.smtp_server)),
        "EnableEmailInvitations": _flag(bool(n.smtp_server)),
    }


def _messaging_features(s: Settings) -> dict[str, str]:
    """The everyday messaging features Roost has (link previews, scheduled posts,
    priority and acknowledgements, custom groups, guests): the apps show them when these
    say so, and call their endpoints only then."""
    m = s.messaging
    return {
        "EnableLinkPreviews": _flag(m.enable_link_previews),
        "ScheduledPosts": _flag(m.scheduled_posts),
        "PostPriority": _flag(m.post_priority),
        "PostAcknowledgements": _flag(m.post_priority),
        "EnableCustomGroups": "true",
        "EnableGuestAccounts": _flag(m.guest_accounts_enable),
    }


def _not_in_roost() -> dict[str, str]:
    """Features Roost does not have: on, several would make the apps call endpoints that
    do not exist."""
    return {
        "EnableGifPicker": "false",
        "GiphySdkKey": "",
        "GoogleDeveloperKey": "",
        "YoutubeReferrerPolicy": "false",
        "EnableLatex": "false",
        "EnableInlineLatex": "false",
        "EnableGuestMagicLink": "false",
        "GuestAccountsEnforceMultifactorAuthentication": "false",
        "ExperimentalEnableAutomaticReplies": "false",
        "AllowPersistentNotifications": "false",
        "PersistentNotificationMaxRecipients": "5",
        "PersistentNotificationIntervalMinutes": "5",
        "AllowPersistentNotificationsForGuests": "false",
        "EnableBurnOnRead": "false",
        "BurnOnReadDurationSeconds": "",
        "BurnOnReadMaximumTimeToLiveSeconds": "",
        "EnableAutoTranslation": "false",
        "AutoTranslationLanguages": "",
        "RestrictDMAndGMAutotranslation": "false",
        "ContentFlaggingEnabled": "false",
        "UseAnonymousURLs": "false",
        "ExperimentalSharedChannels": "false",
        "ExperimentalRemoteClusterService": "false",
        "WranglerPermittedWranglerRoles": "",
        "WranglerAllowedEmailDomain": "",
        "WranglerMoveThreadMaxCount": "",
        "WranglerMoveThreadFromPrivateChannelEnable": "false",
        "WranglerMoveThreadFromDirectMessageChannelEnable": "false",
        "WranglerMoveThreadFromGroupMessageChannelEnable": "false",
        "EnableUserManagedAttributes": "false",
        "EnableAttributeBasedAccessControl": "false",
    }


def _auth_providers(providers: dict[str, Provider]) -> dict[str, str]:
    """Single sign-on: the OAuth / OpenID Connect buttons the login page and the apps
    show (a service is on once it is enabled and complete)."""

    def on(service: str) -> str:
        provider = providers.get(service)
        return _flag(provider is not None and provider.usable)

    gitlab, openid = providers.get("gitlab"), providers.get("openid")
    return {
        "EnableSignUpWithGitLab": on("gitlab"),
        "EnableSignUpWithGoogle": on("google"),
        "EnableSignUpWithOffice365": on("office365"),
        "EnableSignUpWithOpenId": on("openid"),
        "GitLabButtonText": gitlab.button_text if gitlab else "",
        "GitLabButtonColor": gitlab.button_color if gitlab else "",
        "OpenIdButtonText": openid.button_text if openid else "",
        "OpenIdButtonColor": openid.button_color if openid else "",
    }


def _default_only(sso: SsoSettings, tenant_id: str) -> SsoSettings:
    """The deployment's directory and identity provider are the default tenant's only."""
    if tenant_id == DEFAULT_TENANT_ID:
        return sso
    return replace(sso, ldap_enable=False, saml_enable=False)


def _ldap(ldap: SsoSettings) -> dict[str, str]:
    """LDAP sign-in (the tenant's directory): the login field's name, and which profile
    fields the directory owns (the clients lock them)."""
    on = ldap.ldap_enable and bool(ldap.ldap_server)
    return {
        "EnableLdap": _flag(on),
        "LdapLoginFieldName": ldap.ldap_login_field_name if on else "",
        "LdapLoginButtonBorderColor": "",
        "LdapLoginButtonColor": "",
        "LdapLoginButtonTextColor": "",
        "LdapFirstNameAttributeSet": _flag(on and bool(ldap.ldap_first_name_attribute)),
        "LdapLastNameAttributeSet": _flag(on and bool(ldap.ldap_last_name_attribute)),
        "LdapNicknameAttributeSet": _flag(on and bool(ldap.ldap_nickname_attribute)),
        "LdapPositionAttributeSet": _flag(on and bool(ldap.ldap_position_attribute)),
        "LdapPictureAttributeSet": "false",
    }


def _saml(saml: SsoSettings) -> dict[str, str]:
    """SAML sign-in (the tenant's identity provider)."""
    on = saml.saml_enable and bool(saml.saml_idp_url and saml.saml_idp_certificate_file)
    return {
        "EnableSaml": _flag(on),
        "SamlLoginButtonText": saml.saml_login_button_text if on else "",
        "SamlLoginButtonBorderColor": "",
        "SamlLoginButtonColor": "",
        "SamlLoginButtonTextColor": "",
        "SamlFirstNameAttributeSet": _flag(on and bool(saml.saml_first_name_attribute)),
        "SamlLastNameAttributeSet": _flag(on and bool(saml.saml_last_name_attribute)),
        "SamlNicknameAttributeSet": _flag(on and bool(saml.saml_nickname_attribute)),
        "SamlPositionAttributeSet": _flag(on and bool(saml.saml_position_attribute)),
    }


def _licensed() -> dict[str, str]:
    """Features of Mattermost's licensed editions: off (/license/client says unlicensed)."""
    return {
        "EnableCompliance": "false",
        "EnableComplianceExport": "false",
        "DataRetentionEnableMessageDeletion": "false",
        "DataRetentionEnableFileDeletion": "false",
        "DataRetentionMessageRetentionHours": "0",
        "DataRetentionFileRetentionHours": "0",
        "CWSURL": "",
        "CWSMock": "false",
    }


def _feature_flags() -> dict[str, str]:
    """Mattermost's feature flags: each would switch on calls Roost does not answer
    (managed categories -> /properties, profile attributes -> /custom_profile_attributes,
    calls, policies...). FeatureFlagAppsEnabled is with the integrations."""
    return {
        "FeatureFlagCallsEnabled": "false",
        "FeatureFlagCustomProfileAttributes": "false",
        "FeatureFlagAttributeBasedAccessControl": "false",
        "FeatureFlagTeamMembershipAccessControl": "false",
        "FeatureFlagPermissionPolicies": "false",
        "FeatureFlagChannelPermissionPolicies": "false",
        "FeatureFlagPolicySimulation": "false",
        "FeatureFlagWebSocketEventScope": "false",
        "FeatureFlagContentFlagging": "false",
        "FeatureFlagClassificationMarkings": "false",
        "FeatureFlagPropertyFieldRank": "false",
        "FeatureFlagManagedChannelCategories": "false",
        "FeatureFlagSessionAttributes": "false",
    }


def _roost_extras(s: Settings) -> dict[str, str]:
    """Keys older servers sent, outside the 11.9 type: older clients still read them."""
    return {
        "FeatureFlagCollapsedThreads": "true",
        "ShowFullName": _flag(s.accounts.show_full_name),
    }

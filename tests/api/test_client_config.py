"""The client configuration: every ClientConfig key of @mattermost/types 11.9, values that
tell the truth about the server's settings, and one version everywhere the apps read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.support.client import Api, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server
from tests.support.ws import WsClient

# Every key of ClientConfig in @mattermost/types 11.9.0 (lib/config.d.ts): the apps test
# keys with === "true", so a missing one reads as off.
KEYS_11_9 = frozenset(
    {
        "AboutLink",
        "AllowBannerDismissal",
        "AllowCustomThemes",
        "AllowSyncedDrafts",
        "AllowedThemes",
        "AndroidAppDownloadLink",
        "AndroidLatestVersion",
        "AndroidMinVersion",
        "AppDownloadLink",
        "AppsPluginEnabled",
        "AsymmetricSigningPublicKey",
        "AvailableLocales",
        "BannerColor",
        "BannerText",
        "BannerTextColor",
        "BuildDate",
        "BuildEnterpriseReady",
        "BuildHash",
        "BuildHashEnterprise",
        "BuildNumber",
        "IsFipsEnabled",
        "CollapsedThreads",
        "CustomBrandText",
        "CustomDescriptionText",
        "CustomTermsOfServiceId",
        "CustomTermsOfServiceReAcceptancePeriod",
        "CustomUrlSchemes",
        "CWSURL",
        "CWSMock",
        "DataRetentionEnableFileDeletion",
        "DataRetentionEnableMessageDeletion",
        "DataRetentionFileRetentionHours",
        "DataRetentionMessageRetentionHours",
        "DefaultClientLocale",
        "DefaultTheme",
        "DiagnosticId",
        "DiagnosticsEnabled",
        "DisableRefetchingOnBrowserFocus",
        "DisableWakeUpReconnectHandler",
        "EmailLoginButtonBorderColor",
        "EmailLoginButtonColor",
        "EmailLoginButtonTextColor",
        "EmailNotificationContentsType",
        "EnableAskCommunityLink",
        "EnableBanner",
        "EnableBotAccountCreation",
        "EnableChannelViewedMessages",
        "EnableClientMetrics",
        "EnableClientPerformanceDebugging",
        "EnableCluster",
        "EnableCommands",
        "EnableCompliance",
        "EnableConfirmNotificationsToChannel",
        "EnableCustomBrand",
        "EnableCustomEmoji",
        "EnableCustomGroups",
        "EnableCustomUserStatuses",
        "EnableExperimentalLocales",
        "EnableUserStatuses",
        "EnableLastActiveTime",
        "EnableChannelCategorySorting",
        "EnableTimedDND",
        "EnableCrossTeamSearch",
        "EnableCustomTermsOfService",
        "EnableDeveloper",
        "EnableDiagnostics",
        "EnableDesktopLandingPage",
        "EnableEmailBatching",
        "EnableEmailInvitations",
        "EnableEmojiPicker",
        "EnableFileAttachments",
        "EnableFile",
        "EnableGifPicker",
        "EnableGuestAccounts",
        "EnableGuestMagicLink",
        "EnableIncomingWebhooks",
        "EnableJoinLeaveMessageByDefault",
        "EnableLatex",
        "EnableInlineLatex",
        "EnableLdap",
        "EnableLinkPreviews",
        "EnableMarketplace",
        "EnableMetrics",
        "EnableMobileFileDownload",
        "EnableMobileFileUpload",
        "EnableMultifactorAuthentication",
        "EnableOAuthServiceProvider",
        "EnableOutgoingOAuthConnections",
        "EnableOpenServer",
        "EnableOutgoingWebhooks",
        "EnablePostIconOverride",
        "EnablePostUsernameOverride",
        "EnablePreviewModeBanner",
        "EnablePublicLink",
        "EnableReliableWebSockets",
        "EnableSaml",
        "EnableSignInWithEmail",
        "EnableSignInWithUsername",
        "EnableSignUpWithEmail",
        "EnableSignUpWithGitLab",
        "EnableSignUpWithGoogle",
        "EnableSignUpWithOffice365",
        "EnableSignUpWithOpenId",
        "EnableSVGs",
        "EnableTesting",
        "EnableThemeSelection",
        "EnableTutorial",
        "EnableOnboardingFlow",
        "EnableUserAccessTokens",
        "MaximumPersonalAccessTokenLifetimeDays",
        "EnableUserCreation",
        "EnableUserDeactivation",
        "EnableUserTypingMessages",
        "EnforceMultifactorAuthentication",
        "ExperimentalEnableAuthenticationTransfer",
        "ExperimentalEnableAutomaticReplies",
        "ExperimentalEnableDefaultChannelLeaveJoinMessages",
        "ExperimentalEnablePostMetadata",
        "ExperimentalGroupUnreadChannels",
        "ExperimentalPrimaryTeam",
        "FileLevel",
        "FeatureFlagAppsEnabled",
        "FeatureFlagCallsEnabled",
        "FeatureFlagCustomProfileAttributes",
        "FeatureFlagAttributeBasedAccessControl",
        "FeatureFlagTeamMembershipAccessControl",
        "FeatureFlagPermissionPolicies",
        "FeatureFlagChannelPermissionPolicies",
        "FeatureFlagPolicySimulation",
        "FeatureFlagWebSocketEventScope",
        "FeatureFlagContentFlagging",
        "FeatureFlagClassificationMarkings",
        "FeatureFlagPropertyFieldRank",
        "FeatureFlagManagedChannelCategories",
        "FeatureFlagSessionAttributes",
        "ForgotPasswordLink",
        "GiphySdkKey",
        "GoogleDeveloperKey",
        "GuestAccountsEnforceMultifactorAuthentication",
        "HasImageProxy",
        "HelpLink",
        "HideGuestTags",
        "IosAppDownloadLink",
        "IosLatestVersion",
        "IosMinVersion",
        "InstallationDate",
        "IsDefaultMarketplace",
        "LdapFirstNameAttributeSet",
        "LdapLastNameAttributeSet",
        "LdapLoginButtonBorderColor",
        "LdapLoginButtonColor",
        "LdapLoginButtonTextColor",
        "LdapLoginFieldName",
        "LdapNicknameAttributeSet",
        "LdapPositionAttributeSet",
        "LdapPictureAttributeSet",
        "LockTeammateNameDisplay",
        "ManagedResourcePaths",
        "MaxFileSize",
        "MaxPostSize",
        "MaxNotificationsPerChannel",
        "MinimumHashtagLength",
        "NoAccounts",
        "GitLabButtonText",
        "GitLabButtonColor",
        "OpenIdButtonText",
        "OpenIdButtonColor",
        "PasswordEnableForgotLink",
        "PasswordMinimumLength",
        "PasswordRequireLowercase",
        "PasswordRequireNumber",
        "PasswordRequireSymbol",
        "PasswordRequireUppercase",
        "PluginsEnabled",
        "PostEditTimeLimit",
        "PrivacyPolicyLink",
        "ReportAProblemLink",
        "ReportAProblemType",
        "ReportAProblemMail",
        "AllowDownloadLogs",
        "RequireEmailVerification",
        "RestrictDirectMessage",
        "RunJobs",
        "SamlFirstNameAttributeSet",
        "SamlLastNameAttributeSet",
        "SamlLoginButtonBorderColor",
        "SamlLoginButtonColor",
        "SamlLoginButtonText",
        "SamlLoginButtonTextColor",
        "SamlNicknameAttributeSet",
        "SamlPositionAttributeSet",
        "SchemaVersion",
        "SendEmailNotifications",
        "SendPushNotifications",
        "ShowEmailAddress",
        "SiteName",
        "SiteURL",
        "SQLDriverName",
        "SupportEmail",
        "TelemetryId",
        "TeammateNameDisplay",
        "TermsOfServiceLink",
        "TimeBetweenUserTypingUpdatesMilliseconds",
        "UpgradedFromTE",
        "Version",
        "WebsocketPort",
        "WebsocketSecurePort",
        "WebsocketURL",
        "ExperimentalSharedChannels",
        "ExperimentalRemoteClusterService",
        "DisableAppBar",
        "EnableComplianceExport",
        "PostPriority",
        "PostAcknowledgements",
        "AllowPersistentNotifications",
        "PersistentNotificationMaxRecipients",
        "PersistentNotificationIntervalMinutes",
        "AllowPersistentNotificationsForGuests",
        "DelayChannelAutocomplete",
        "WranglerPermittedWranglerRoles",
        "WranglerAllowedEmailDomain",
        "WranglerMoveThreadMaxCount",
        "WranglerMoveThreadFromPrivateChannelEnable",
        "WranglerMoveThreadFromDirectMessageChannelEnable",
        "WranglerMoveThreadFromGroupMessageChannelEnable",
        "ServiceEnvironment",
        "UniqueEmojiReactionLimitPerPost",
        "UsersStatusAndProfileFetchingPollIntervalMilliseconds",
        "YoutubeReferrerPolicy",
        "ScheduledPosts",
        "DeleteAccountLink",
        "ContentFlaggingEnabled",
        "UseAnonymousURLs",
        "EnableBurnOnRead",
        "BurnOnReadDurationSeconds",
        "BurnOnReadMaximumTimeToLiveSeconds",
        "EnableAttributeBasedAccessControl",
        "EnableUserManagedAttributes",
        "AutoTranslationLanguages",
        "EnableAutoTranslation",
        "RestrictDMAndGMAutotranslation",
    }
)

# Settings this server runs with, each away from its default, and the key that shows it.
TUNED = {
    "ROOST_SITE_NAME": ("SiteName", "Tuned Roost"),
    "ROOST_MAX_POST_SIZE": ("MaxPostSize", "5000"),
    "ROOST_MAX_FILE_SIZE": ("MaxFileSize", "1048576"),
    "ROOST_MAX_NOTIFICATIONS_PER_CHANNEL": ("MaxNotificationsPerChannel", "77"),
    "ROOST_ENABLE_OPEN_SERVER": ("EnableOpenServer", "false"),
    "ROOST_ENABLE_USER_ACCESS_TOKENS": ("EnableUserAccessTokens", "false"),
    "ROOST_ENABLE_BOT_ACCOUNT_CREATION": ("EnableBotAccountCreation", "false"),
    "ROOST_ENABLE_INCOMING_WEBHOOKS": ("EnableIncomingWebhooks", "false"),
    "ROOST_ENABLE_OUTGOING_WEBHOOKS": ("EnableOutgoingWebhooks", "false"),
    "ROOST_ENABLE_COMMANDS": ("EnableCommands", "false"),
    "ROOST_ENABLE_POST_USERNAME_OVERRIDE": ("EnablePostUsernameOverride", "false"),
    "ROOST_ENABLE_POST_ICON_OVERRIDE": ("EnablePostIconOverride", "false"),
    "ROOST_ENABLE_USER_TYPING_MESSAGES": ("EnableUserTypingMessages", "false"),
    "ROOST_PLUGINS_ENABLE": ("PluginsEnabled", "false"),
    "ROOST_ENABLE_LINK_PREVIEWS": ("EnableLinkPreviews", "false"),
    "ROOST_SCHEDULED_POSTS": ("ScheduledPosts", "false"),
    "ROOST_POST_PRIORITY": ("PostAcknowledgements", "false"),
    "ROOST_GUEST_ACCOUNTS_ENABLE": ("EnableGuestAccounts", "true"),
}

# Basic chat looks wrong in the apps unless these are on.
MUST_BE_ON = [
    # The everyday messaging features (on by default, as Mattermost's):
    "EnableLinkPreviews",
    "ScheduledPosts",
    "PostPriority",
    "PostAcknowledgements",
    "EnableCustomGroups",
    "EnableSignInWithEmail",
    "EnableSignInWithUsername",
    "EnableUserStatuses",
    "EnableEmojiPicker",
    "EnableFileAttachments",
    "EnableMobileFileUpload",
    "EnableMobileFileDownload",
    "EnableChannelViewedMessages",
    "AllowSyncedDrafts",
    "EnableJoinLeaveMessageByDefault",
    "EnableReliableWebSockets",
    "EnableTimedDND",
    "EnableThemeSelection",
    "AllowCustomThemes",
    "EnableChannelCategorySorting",
    "EnableConfirmNotificationsToChannel",
    "ExperimentalEnablePostMetadata",
    "EnableLastActiveTime",
]

# Off by default (guests, push without a proxy), or features Roost lacks whose keys, on,
# would send the apps to endpoints it does not have.
MUST_BE_OFF = [
    "FeatureFlagManagedChannelCategories",
    "FeatureFlagCustomProfileAttributes",
    "FeatureFlagCallsEnabled",
    "SendPushNotifications",
    "EnableGifPicker",
    "EnableBurnOnRead",
    "EnableAutoTranslation",
    "ContentFlaggingEnabled",
    "EnableGuestAccounts",
    "EnableCrossTeamSearch",
    "EnableDeveloper",
]


@pytest.fixture(scope="module", params=BACKENDS)
def tuned(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    backend = str(request.param)
    data_dir: Path = tmp_path_factory.mktemp(f"tuned-{backend}")
    env = {name: value for name, (_, value) in TUNED.items()}
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def _config(api: Api) -> dict[str, str]:
    config: dict[str, str] = expect(api.get("/config/client", params={"format": "old"}), 200)
    return config


def test_every_key_of_the_11_9_type_is_a_string(anon: Api) -> None:
    config = _config(anon)
    assert not KEYS_11_9 - set(config), sorted(KEYS_11_9 - set(config))
    assert all(isinstance(v, str) for v in config.values())


def test_the_keys_basic_chat_needs_are_on_and_missing_features_off(anon: Api) -> None:
    config = _config(anon)
    assert [k for k in MUST_BE_ON if config[k] != "true"] == []
    assert [k for k in MUST_BE_OFF if config[k] != "false"] == []
    assert config["CollapsedThreads"] in ("disabled", "default_on", "default_off", "always_on")
    assert config["PostEditTimeLimit"] == "-1"
    for key in (
        "MaxPostSize",
        "MaxFileSize",
        "TimeBetweenUserTypingUpdatesMilliseconds",
        "UsersStatusAndProfileFetchingPollIntervalMilliseconds",
        "PasswordMinimumLength",
        "MinimumHashtagLength",
        "UniqueEmojiReactionLimitPerPost",
    ):
        assert int(config[key]) > 0, key


def test_values_follow_the_settings(tuned: str) -> None:
    config = _config(Api(tuned))
    assert {key: config[key] for key, _ in TUNED.values()} == dict(TUNED.values())


def test_the_password_rule_is_the_one_sign_up_applies(anon: Api) -> None:
    shortest = int(_config(anon)["PasswordMinimumLength"])
    name = "pw" + str(shortest)
    body = {"username": name, "email": f"{name}@example.com", "password": "x" * (shortest - 1)}
    refused = expect(anon.post("/users", body), 400)
    assert refused["id"] == "model.user.is_valid.pwd_min_length.app_error"
    expect(anon.post("/users", {**body, "password": "x" * shortest}), 201)


def test_the_database_driver_is_the_real_one(server: str, backend: str) -> None:
    assert _config(Api(server))["SQLDriverName"] == backend


def test_one_version_in_config_header_and_hello(server: str) -> None:
    user = create_user(server)
    r = user.api.get("/config/client", params={"format": "old"})
    config = r.json()
    assert config["Version"] == "11.9.0"
    version_id = r.headers["x-version-id"]
    assert version_id.startswith(f"{config['Version']}.{config['BuildNumber']}.")
    assert version_id.endswith(".false")  # unlicensed, as /license/client says
    # Every response carries it, errors included.
    assert user.api.get("/no/such/route").headers["x-version-id"] == version_id
    with WsClient(server, user.token) as ws:
        hello = ws.wait_for("hello")
    assert hello["data"]["server_version"] == version_id


def test_license_is_unlicensed(anon: Api) -> None:
    assert expect(anon.get("/license/client", params={"format": "old"}), 200) == {
        "IsLicensed": "false"
    }

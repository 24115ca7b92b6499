"""Unmodified Mattermost clients against a real ``roost serve``, on each database backend.

Each client's scenario runs once per backend as a subprocess (in its own virtualenv, or
under Node.js) and reports every step by name; each step is one test here, so a failure
names the exact step and carries the client's own error.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.clients.runner import (
    Run,
    check_reports_every_step,
    check_step,
    run_as_admin_and_user,
    setup_clients,
)
from tests.support.client import LoggedIn

# The story every Python client plays (tests/clients/python/story.py), with the session
# steps around it.
PYTHON_STEPS = (
    "login_a",
    "login_b",
    "ws_connect",
    "bad_login_rejected",
    "users_me",
    "ws_hello",
    "client_config",
    "status_roundtrip",
    "preferences_roundtrip",
    "create_team",
    "add_team_member",
    "ws_added_to_team",
    "create_public_channel",
    "create_private_channel",
    "post_unseen_private",
    "add_channel_member_public",
    "ws_user_added_public",
    "add_channel_member_private",
    "ws_user_added_private",
    "lookups_by_name",
    "patch_channel",
    "ws_channel_updated",
    "post_root",
    "ws_posted",
    "post_reply",
    "ws_posted_reply",
    "add_reaction",
    "ws_reaction_added",
    "get_reactions",
    "remove_reaction",
    "ws_reaction_removed",
    "edit_post",
    "ws_post_edited",
    "delete_reply",
    "ws_post_deleted",
    "get_thread",
    "channel_posts",
    "open_dm",
    "ws_direct_added",
    "post_dm",
    "ws_posted_dm",
    "ws_no_leak",
    "ws_sequence",
    "token_login_pat",
    "token_login_bot",
    "bot_ws_hello",
    "bot_joins",
    "bot_ws_mentioned",
    "bot_reply",
    "ws_posted_bot_reply",
    "bot_ws_disconnect",
    "errors_map_to_exceptions",
    "ws_disconnect",
    "logout",
)


# tests/clients/js/scenario.js: Client4 and WebSocketClient.
JS_STEPS = (
    "client_config",
    "client_license",
    "login_a",
    "login_b",
    "server_version_header",
    "bad_login_rejected",
    "get_me",
    "ws_connect",
    "ws_hello",
    "ws_cookie_auth",
    "ws_ping",
    "ws_get_statuses",
    "ws_client_actions",
    "login_by_email",
    "status_roundtrip",
    "preferences_roundtrip",
    "create_team",
    "add_team_member",
    "ws_added_to_team",
    "create_public_channel",
    "create_private_channel",
    "post_unseen_private",
    "add_channel_member_public",
    "ws_user_added_public",
    "add_channel_member_private",
    "ws_user_added_private",
    "patch_channel",
    "ws_channel_updated",
    "ws_typing",
    "post_root",
    "ws_posted",
    "ws_posted_to_sender",
    "post_reply",
    "ws_posted_reply",
    "thread_reply_by_b",
    "ws_thread_updated",
    "get_user_threads",
    "thread_read_and_follow",
    "ws_typing_in_thread",
    "add_reaction",
    "ws_reaction_added",
    "get_reactions",
    "remove_reaction",
    "ws_reaction_removed",
    "edit_post",
    "ws_post_edited",
    "delete_reply",
    "ws_post_deleted",
    "get_thread",
    "channel_posts",
    "b_my_teams",
    "b_my_channels",
    "b_profiles_statuses",
    "b_member_lists",
    "cookie_session",
    "b_posts_since",
    "b_posts_before_after",
    "b_view_channel",
    "ws_channel_viewed",
    "open_dm",
    "ws_direct_added",
    "post_dm",
    "ws_posted_dm",
    "ws_no_leak",
    "ws_stable",
    "ws_resume",
    "token_login_pat",
    "token_login_bot",
    "bot_ws_hello",
    "bot_joins",
    "bot_ws_mentioned",
    "bot_reply",
    "ws_posted_bot_reply",
    "errors_map",
    "pin_post",
    "open_group",
    "ws_group_added",
    "ws_posted_group",
    "remove_member",
    "archive_channel",
    "logout",
)

STEPS: dict[str, tuple[str, ...]] = {
    # mattermostdriver also uploads a file, posts it, reads it back and finds it by search.
    "mmdriver": (*PYTHON_STEPS[:-2], "upload_file", "search_file_post", *PYTHON_STEPS[-2:]),
    "autodriver10": PYTHON_STEPS,
    "autodriver11": (*PYTHON_STEPS[:-2], "async_driver_me", *PYTHON_STEPS[-2:]),
    "js": JS_STEPS,
}

CASES = [(client, step) for client, steps in STEPS.items() for step in steps]

# One run per (server, client): every step test of that client reads the same result.
_RUNS: dict[tuple[str, str], Run] = {}


@pytest.fixture(scope="session")
def client_envs() -> None:
    setup_clients()


@pytest.fixture
def scenario(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn], client_envs: None
) -> Callable[[str], Run]:
    def get(client: str) -> Run:
        return run_as_admin_and_user(_RUNS, client, server, admin, make_user)

    return get


@pytest.mark.parametrize("client", list(STEPS))
def test_scenario_reports_every_step(client: str, scenario: Callable[[str], Run]) -> None:
    check_reports_every_step(scenario(client), list(STEPS[client]))


@pytest.mark.parametrize(("client", "step"), CASES)
def test_step(client: str, step: str, scenario: Callable[[str], Run]) -> None:
    check_step(scenario(client), client, step)

"""The official Mattermost apps' own code paths against a real ``roost serve``, per backend.

- ``redux``: the web and desktop apps' data layer, mattermost-redux 11.9.0 unmodified
  (tests/clients/js/redux_app.js): its store, its post-login sequence, and the selectors
  the apps render from (permissions, sidebar categories, posts, reactions, threads,
  unread counts).
- ``mobile``: a replay of the mobile app's start-up and channel-open calls
  (tests/clients/js/mobile_replay.js), each response checked against the
  @mattermost/types 11.9.0 type the app reads it as (checks derived from the .d.ts files).

Each scenario runs once per backend as a Node.js subprocess and reports every step by
name; each step is one test here.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator

import pytest

from tests.clients.runner import (
    HERE,
    Run,
    check_reports_every_step,
    check_step,
    run_as_admin_and_user,
    setup_clients,
)
from tests.support.client import LoggedIn, expect

REDUX_STEPS = (
    "setup",
    "login",
    "load_me",
    "server_limits",
    "server_version",
    "roles_loaded",
    "fetch_channels_and_members",
    "can_post_in_public_channel",
    "can_post_in_private_channel",
    "team_and_system_permissions",
    "fetch_my_categories",
    "categories_list_each_channel_once",
    "sidebar_renders_each_channel_once",
    "open_dm",
    "dm_in_direct_messages_category",
    "favorite_channel",
    "unread_counts",
    "get_posts_unread",
    "view_channel_clears_unread",
    "create_post_confirmed",
    "ws_role_updated",
    "permission_removed",
    "create_post_refused",
    "permission_restored",
    "create_post_after_restore",
    "add_reaction",
    "reply_and_fetch_threads",
    "thread_counts",
    "custom_emojis",
    "saved_post",
    "mark_post_unread",
    "custom_status",
    "everyday_lookups",
)

MOBILE_STEPS = (
    "setup",
    "login",
    "config_client",
    "license_client",
    "server_version_header",
    "websocket_hello",
    "users_me",
    "preferences",
    "my_teams",
    "my_team_members",
    "my_channels",
    "my_channel_members",
    "categories",
    "session_device",
    "ping_push_proxy",
    "agents",
    "roles_by_names",
    "users_by_ids_since",
    "teams_list",
    "group_channel_profiles",
    "channel_posts_page",
    "threads",
    "open_channel_posts_since",
    "open_channel_authors",
    "open_channel_statuses",
    "open_channel_view",
    "open_channel_stats",
    "emoji_list",
    "emoji_autocomplete",
    "flagged_posts",
    "set_unread",
    "custom_status",
    "users_known",
    "system_timezones",
    "channel_timezones",
    "plugins_webapp",
    "server_limits",
)

STEPS: dict[str, tuple[str, ...]] = {"redux": REDUX_STEPS, "mobile": MOBILE_STEPS}

CASES = [(client, step) for client, steps in STEPS.items() for step in steps]

# One run per (server, client): every step test of that client reads the same result.
_RUNS: dict[tuple[str, str], Run] = {}

# What the redux scenario patches; restored after it whatever happened inside it, since
# every other test on this server expects the default role.
PATCHED_ROLE = "channel_user"


@pytest.fixture(scope="session")
def client_envs() -> None:
    setup_clients()


@pytest.fixture(scope="module")
def restore_role(server: str, admin: LoggedIn) -> Iterator[None]:
    resp = admin.api.post("/roles/names", [PATCHED_ROLE])
    before = resp.json()[0] if resp.status_code == 200 and resp.json() else None
    yield
    if before is not None:
        patch = {"permissions": before["permissions"]}
        expect(admin.api.put(f"/roles/{before['id']}/patch", patch), 200)


@pytest.fixture
def scenario(
    server: str,
    admin: LoggedIn,
    make_user: Callable[..., LoggedIn],
    client_envs: None,
    restore_role: None,
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


# The checks themselves: derived from @mattermost/types, they must refuse a missing key, a
# mistyped one and a value outside a union, and accept what Mattermost's server sends.
SHAPE_PROBE = """
const {Shapes} = require('./shapes');
const s = new Shapes();
const post = {id: 'p', create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, is_pinned: false,
    user_id: 'u', channel_id: 'c', root_id: '', original_id: '', message: 'm', type: '',
    props: {}, hashtags: '', pending_post_id: '', reply_count: 0};
const {channel_id: _dropped, ...withoutChannel} = post;
const list = {order: ['p'], posts: {p: post}, next_post_id: '', prev_post_id: '',
    first_inaccessible_post_time: 0};
process.stdout.write(JSON.stringify({
    good: s.problems('posts:PostList', list),
    missing: s.problems('posts:PostList', {...list, posts: {p: withoutChannel}}),
    mistyped: s.problems('posts:Post', {...post, reply_count: '0'}),
    union: s.problems('channel_categories:ChannelCategory', {id: 'x', user_id: 'u', team_id: 't',
        type: 'sideways', display_name: 'd', sorting: '', channel_ids: [], muted: false,
        collapsed: false}),
}));
"""


def test_shape_checks_catch_missing_and_mistyped_keys(client_envs: None) -> None:
    proc = subprocess.run(
        ["node", "-e", SHAPE_PROBE],
        cwd=HERE / "js",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(proc.stdout)
    assert found["good"] == []
    assert found["missing"] == ['$.posts["p"].channel_id: missing (required by Post)']
    assert found["mistyped"] == ['$.reply_count: expected number, got string "0"']
    assert len(found["union"]) == 1 and found["union"][0].startswith("$.type: expected ")

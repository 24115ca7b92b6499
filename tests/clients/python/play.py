"""The session around the story: two logged-in drivers, B's WebSocket, token logins, a bot.

A bot (the way mmpy-bot and most integrations run) logs in with an access token, opens
its own WebSocket, is @-mentioned by A, sees its id in the event's ``mentions``, and
answers in the thread, which B sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from common import Config, EventLog, Listener, Steps, check, decoded, unique
from story import Chat, chat_story


class Kit(Protocol):
    """How one client library makes drivers, logs in, and runs its WebSocket."""

    login_error: type[Exception]
    # The library's exception for each of these statuses.
    errors: dict[int, type[Exception]]

    def new(self, **options: Any) -> Any: ...
    def login(self, driver: Any) -> dict[str, Any]: ...
    def session_token(self, driver: Any) -> str: ...
    def session_user_id(self, driver: Any) -> str: ...
    def chat(self, driver: Any) -> Chat: ...
    def run_socket(self, driver: Any, log: EventLog) -> None: ...
    def disconnect(self, driver: Any) -> None: ...
    def set_status(self, driver: Any, user_id: str, status: str) -> None: ...
    def logout(self, driver: Any) -> None: ...
    def create_access_token(self, driver: Any, user_id: str) -> dict[str, Any]: ...
    def create_bot(self, driver: Any, username: str) -> dict[str, Any]: ...


def play(
    kit: Kit, cfg: Config, extra: Callable[[Steps, Any], None] | None = None
) -> tuple[Steps, EventLog]:
    """Two logged-in clients; B listens on its WebSocket while A plays the story."""
    steps = Steps()
    log = EventLog()
    a = kit.new(login_id=cfg.user_a, password=cfg.password)
    b = kit.new(login_id=cfg.user_b, password=cfg.password)

    def login(driver: Any, username: str) -> dict[str, Any]:
        me = kit.login(driver)
        check(isinstance(me, dict) and me.get("username") == username, f"login gave {me!r}")
        check(len(kit.session_token(driver)) == 26, f"Token: {kit.session_token(driver)!r}")
        check(kit.session_user_id(driver) == me["id"], "the driver keeps the user id")
        return me

    me_a = steps.run("login_a", lambda: login(a, cfg.user_a)) or {}
    me_b = steps.run("login_b", lambda: login(b, cfg.user_b)) or {}
    listener = Listener(lambda log: kit.run_socket(b, log), log)
    steps.run("ws_connect", listener.start_and_wait, needs=("login_b",))

    def bad_login() -> None:
        try:
            kit.login(kit.new(login_id=cfg.user_a, password="wrong-password"))
        except kit.login_error:
            return
        raise AssertionError(f"a wrong password must raise {kit.login_error.__name__} (401)")

    steps.run("bad_login_rejected", bad_login)
    # Played even when a login failed: every step then reports its own failure.
    chat_story(steps, kit.chat(a), me_a.get("id", ""), cfg.user_a, me_b.get("id", ""), log)

    def token_login(user_id: str) -> tuple[dict[str, Any], Any]:
        made = kit.create_access_token(a, user_id)
        check(len(made.get("token", "")) == 26, f"access token: {made}")
        with_token = kit.new(token=made["token"])
        me = kit.login(with_token)
        check(me.get("id") == user_id, f"users/me with the token gave {me!r}")
        check(kit.session_user_id(with_token) == user_id, "the driver keeps the token's user")
        return me, with_token

    steps.run("token_login_pat", lambda: token_login(me_a["id"]), needs=("login_a",))

    def bot_login() -> tuple[dict[str, Any], Any]:
        bot = kit.create_bot(a, unique("bot"))
        check(len(bot.get("user_id", "")) == 26, f"bot: {bot}")
        me, driver = token_login(bot["user_id"])
        check(me.get("is_bot") is True, f"a bot's users/me must say is_bot: {me}")
        return me, driver

    bot = steps.run("token_login_bot", bot_login, needs=("login_a",))
    bot_story(steps, kit, a, bot, log)

    def errors() -> None:
        chat = kit.chat(a)
        expect_error(kit, 404, lambda: chat.get_user("a" * 26))
        expect_error(kit, 400, lambda: chat.get_user("tooshort"))
        root = steps["post_root"]
        # B is a plain member of the channel: deleting A's post needs a permission.
        expect_error(kit, 403, lambda: kit.chat(b).delete_post(root["id"]))

    steps.run("errors_map_to_exceptions", errors, needs=("post_root", "login_b"))
    if extra is not None:
        extra(steps, a)

    def disconnect() -> None:
        kit.disconnect(b)
        # The libraries only look at their stop flag after a frame arrives: make one.
        kit.set_status(b, me_b["id"], "away")

    steps.run("ws_disconnect", lambda: listener.stop(disconnect), needs=("ws_connect",))

    def logout() -> None:
        token = kit.session_token(b)
        kit.logout(b)
        check(kit.session_token(b) == "", "logout clears the driver's token")
        expect_error(kit, 401, lambda: kit.login(kit.new(token=token)))

    steps.run("logout", logout, needs=("login_b",))
    return steps, log


def expect_error(kit: Kit, status: int, call: Callable[[], Any]) -> None:
    expected = kit.errors[status]
    try:
        got = call()
    except expected:
        return
    except Exception as exc:
        raise AssertionError(f"expected {expected.__name__} ({status}), got {exc!r}") from exc
    raise AssertionError(f"expected {expected.__name__} ({status}), got a result: {got!r}")


def bot_story(
    steps: Steps, kit: Kit, a: Any, bot: tuple[dict[str, Any], Any] | None, log: EventLog
) -> None:
    """The bot listens on its own socket, is mentioned by A and answers in the thread."""
    run = steps.run
    me, driver = bot or ({}, None)
    bot_log = EventLog()
    listener = Listener(lambda log: kit.run_socket(driver, log), bot_log)

    def hello() -> None:
        listener.start_and_wait()
        frame = bot_log.wait_for("hello")
        check(frame.get("seq") == 0 and frame["broadcast"]["user_id"] == me["id"], f"{frame}")

    run("bot_ws_hello", hello, ("token_login_bot",))
    chat = kit.chat(a)

    def joins() -> None:
        chat.add_team_member(steps["create_team"]["id"], me["id"])
        chat.add_channel_member(steps["create_public_channel"]["id"], me["id"])

    run("bot_joins", joins, ("token_login_bot", "add_channel_member_public"))
    channel_id = (steps.values.get("create_public_channel") or {}).get("id", "")

    def mentioned() -> dict[str, Any]:
        post = chat.create_post(channel_id, f"@{me['username']} ping?")
        frame = bot_log.wait_for("posted", lambda f: decoded(f, "post")["id"] == post["id"])
        # Bots look for their own id in the JSON-encoded mentions list.
        mentions = json.loads(frame["data"].get("mentions", "[]"))
        check(me["id"] in mentions, f"mentions must list the bot: {frame['data']}")
        return post

    mention = run("bot_ws_mentioned", mentioned, ("bot_joins", "bot_ws_hello")) or {}

    attachment = {"fallback": "pong", "color": "#36a64f", "text": "pong", "fields": []}

    def reply() -> dict[str, Any]:
        post = kit.chat(driver).create_post(
            channel_id, "pong", root_id=mention["id"], props={"attachments": [attachment]}
        )
        check(post.get("user_id") == me["id"] and post.get("root_id") == mention["id"], f"{post}")
        check(post.get("props", {}).get("attachments") == [attachment], f"props: {post}")
        return post

    answer = run("bot_reply", reply, ("bot_ws_mentioned",)) or {}

    def seen_by_b() -> None:
        frame = log.wait_for("posted", lambda f: decoded(f, "post")["id"] == answer["id"])
        check(frame["data"].get("sender_name") == "@" + me["username"], f"{frame['data']}")
        props = decoded(frame, "post").get("props", {})
        check(props.get("attachments") == [attachment], f"the attachment must reach B: {props}")

    run("ws_posted_bot_reply", seen_by_b, ("bot_reply", "ws_hello"))

    def disconnect() -> None:
        kit.disconnect(driver)
        # The loop looks at its stop flag when a frame arrives: post one it will see.
        chat.create_post(channel_id, "bye")

    run("bot_ws_disconnect", lambda: listener.stop(disconnect), ("bot_ws_hello", "bot_joins"))

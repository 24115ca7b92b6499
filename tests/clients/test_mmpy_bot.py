"""mmpy-bot, unmodified, answering a message on Roost: the bot logs in with its access
token, listens on the WebSocket, and replies in the thread (and reacts) through the REST
API (tests/clients/python/mmpy_bot_echo.py, in its own virtualenv)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.clients.runner import HERE, ROOT, VENVS, setup_clients
from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import LoggedIn, expect, unique
from tests.support.posting import post

ANSWER_WITHIN_SECONDS = 30.0
ASK_EVERY_SECONDS = 1.0


@pytest.fixture(scope="session")
def mmpy_env() -> None:
    setup_clients()


@contextmanager
def running_bot(base: str, token: str, team: str, log_path: Path) -> Iterator[None]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env.update({"ROOST_URL": base, "ROOST_BOT_TOKEN": token, "ROOST_TEAM": team})
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(VENVS / "mmpybot" / "bin" / "python"), str(HERE / "python" / "mmpy_bot_echo.py")],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def thread_of(user: LoggedIn, post_id: str) -> list[dict[str, Any]]:
    thread = expect(user.api.get(f"/posts/{post_id}/thread"), 200)
    return [thread["posts"][i] for i in thread["order"]]


def test_mmpy_bot_answers_a_message(
    server: str,
    admin: LoggedIn,
    make_user: Callable[..., LoggedIn],
    mmpy_env: None,
    tmp_path: Path,
) -> None:
    user = make_user()
    bot = expect(
        admin.api.post("/bots", {"username": unique("mmpy"), "display_name": "Pinger"}), 201
    )
    token = expect(admin.api.post(f"/users/{bot['user_id']}/tokens", {"description": "mmpy"}), 200)
    team = make_team(user)
    channel = make_channel(user, team["id"])
    bot_user = LoggedIn(bot["user_id"], bot["username"], "", "", user.api, {})
    join_team(user, team["id"], bot_user)
    add_to_channel(user, channel["id"], bot_user)

    log_path = tmp_path / "mmpy-bot.log"
    with running_bot(server, token["token"], team["name"], log_path):
        # The bot hears only what is posted after its WebSocket connects, so ask until
        # an answer comes (each question with its own word).
        deadline = time.monotonic() + ANSWER_WITHIN_SECONDS
        asked: dict[str, str] = {}
        answer: dict[str, Any] | None = None
        while answer is None and time.monotonic() < deadline:
            word = unique("w")
            asked[post(user, channel["id"], f"ping {word}")["id"]] = word
            time.sleep(ASK_EVERY_SECONDS)
            for root_id, asked_word in asked.items():
                replies = [p for p in thread_of(user, root_id) if p["id"] != root_id]
                if replies:
                    answer, word = replies[0], asked_word
                    break
        assert answer is not None, log_path.read_text()[-3000:]
        assert answer["user_id"] == bot["user_id"]
        assert answer["message"] == f"pong {word}"
        assert answer["root_id"] in asked and answer["channel_id"] == channel["id"]
        reactions = expect(user.api.get(f"/posts/{answer['root_id']}/reactions"), 200)
        for _ in range(20):
            if reactions:
                break
            time.sleep(0.2)
            reactions = expect(user.api.get(f"/posts/{answer['root_id']}/reactions"), 200)
        assert [(r["user_id"], r["emoji_name"]) for r in reactions] == [
            (bot["user_id"], "white_check_mark")
        ]

        # A direct message reaches it too (its WebSocket is up now), answered in the DM.
        dm = expect(user.api.post("/channels/direct", [user.id, bot["user_id"]]), 201)
        question = post(user, dm["id"], "ping direct")
        replies = []
        for _ in range(int(ANSWER_WITHIN_SECONDS / 0.2)):
            replies = [p for p in thread_of(user, question["id"]) if p["id"] != question["id"]]
            if replies:
                break
            time.sleep(0.2)
        assert [(p["user_id"], p["message"], p["channel_id"]) for p in replies] == [
            (bot["user_id"], "pong direct", dm["id"])
        ]

"""Polls. ``/poll "Question" "Option" "Option"`` (or POST .../api/v1/polls) posts a poll;
``POST .../api/v1/polls/{id}/vote {"option": n}`` votes (once per user; voting again
moves the vote). Each poll is one key-value entry, changed by compare-and-set, so
votes arriving at once on any nodes are all counted. The post shows the tally and a
``custom_roost.polls_poll_updated`` WebSocket event tells the channel."""

from __future__ import annotations

import json
import re
import secrets
import shlex
from typing import Any

from roost.plugin import (
    APIError,
    Command,
    CommandArgs,
    CommandResponse,
    HttpRequest,
    HttpResponse,
    Plugin,
    Post,
)

QUESTION_MAX = 300
OPTION_MAX = 100
CAS_ATTEMPTS = 20
_POLL_PATH = re.compile(r"^/api/v1/polls/([a-z0-9]{16})(/vote)?$")


class PollError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(status=status, body=json.dumps(body).encode())


def _body(request: HttpRequest) -> dict[str, Any]:
    body = json.loads(request.body or b"{}")
    if not isinstance(body, dict):
        raise PollError(400, "The body is a JSON object.")
    return body


def render(poll: dict[str, Any]) -> str:
    counts = [0] * len(poll["options"])
    for choice in poll["votes"].values():
        counts[choice] += 1
    lines = [f"#### Poll: {poll['question']}"]
    lines += [f"- {option}: **{n}**" for option, n in zip(poll["options"], counts, strict=True)]
    lines.append(f"_{len(poll['votes'])} voted_")
    return "\n".join(lines)


class PollsPlugin(Plugin):
    async def on_activate(self) -> None:
        await self.api.register_command(
            Command(
                trigger="poll",
                display_name="Poll",
                description="Ask the channel a question",
                hint='"Question" "Option 1" "Option 2" ...',
            )
        )

    def _max_options(self) -> int:
        return int(self.settings.get("max_options", 10))

    async def create(
        self, user_id: str, channel_id: str, question: Any, options: Any, root_id: str = ""
    ) -> dict[str, Any]:
        if not isinstance(question, str) or not 0 < len(question.strip()) <= QUESTION_MAX:
            raise PollError(400, f"A question is 1 to {QUESTION_MAX} characters.")
        if (
            not isinstance(options, list)
            or not 2 <= len(options) <= self._max_options()
            or not all(isinstance(o, str) and 0 < len(o.strip()) <= OPTION_MAX for o in options)
        ):
            raise PollError(400, f"A poll has 2 to {self._max_options()} options.")
        if not await self.api.has_permission_to_channel(user_id, channel_id, "create_post"):
            raise PollError(403, "You cannot post in this channel.")
        poll: dict[str, Any] = {
            "id": secrets.token_hex(8),
            "question": question.strip(),
            "options": [o.strip() for o in options],
            "votes": {},
            "channel_id": channel_id,
            "creator_id": user_id,
        }
        post = await self.api.create_post(
            Post(
                channel_id=channel_id,
                user_id=user_id,
                message=render(poll),
                root_id=root_id,
                props={"poll_id": poll["id"]},
            )
        )
        poll["post_id"] = post.id
        await self.api.kv_set(f"poll:{poll['id']}", json.dumps(poll).encode())
        return poll

    async def vote(self, poll_id: str, user_id: str, option: Any) -> dict[str, Any]:
        key = f"poll:{poll_id}"
        for _ in range(CAS_ATTEMPTS):
            raw = await self.api.kv_get(key)
            if raw is None:
                raise PollError(404, "No such poll.")
            poll: dict[str, Any] = json.loads(raw)
            if not await self.api.has_permission_to_channel(
                user_id, poll["channel_id"], "read_channel"
            ):
                raise PollError(403, "You cannot see this poll.")
            if isinstance(option, bool) or not isinstance(option, int):
                raise PollError(400, "option is the number of an option, from 0.")
            if not 0 <= option < len(poll["options"]):
                raise PollError(400, "No such option.")
            poll["votes"][user_id] = option
            new = json.dumps(poll).encode()
            if await self.api.kv_set_with_options(key, new, atomic=True, old_value=raw):
                await self._show(poll)
                return poll
        raise PollError(409, "Too many votes at once; try again.")

    async def _show(self, poll: dict[str, Any]) -> None:
        post = await self.api.get_post(poll["post_id"])
        if post is not None:
            post.message = render(poll)
            await self.api.update_post(post)
        payload = {"poll_id": poll["id"], "votes": len(poll["votes"])}
        await self.api.publish_websocket_event(
            "poll_updated", payload, channel_id=poll["channel_id"]
        )

    async def execute_command(self, args: CommandArgs) -> CommandResponse:
        try:
            words = shlex.split(args.text)
        except ValueError:
            words = []
        if len(words) < 3:
            return CommandResponse(text='Usage: /poll "Question" "Option 1" "Option 2" ...')
        try:
            await self.create(args.user_id, args.channel_id, words[0], words[1:], args.root_id)
        except (PollError, APIError) as exc:
            return CommandResponse(text=exc.message)
        return CommandResponse(text="")

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        if not request.user_id:
            return _json(401, {"error": "Log in first."})
        try:
            return await self._route(request)
        except PollError as exc:
            return _json(exc.status, {"error": exc.message})
        except APIError as exc:
            return _json(exc.status, {"error": exc.message})
        except ValueError:
            return _json(400, {"error": "The body is not valid JSON."})

    async def _route(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/api/v1/polls" and request.method == "POST":
            body = _body(request)
            created = await self.create(
                request.user_id,
                str(body.get("channel_id", "")),
                body.get("question"),
                body.get("options"),
            )
            return _json(201, created)
        match = _POLL_PATH.match(request.path)
        if match is None:
            return _json(404, {"error": "Not found."})
        if match.group(2) and request.method == "POST":
            body = _body(request)
            return _json(200, await self.vote(match.group(1), request.user_id, body.get("option")))
        if not match.group(2) and request.method == "GET":
            raw = await self.api.kv_get(f"poll:{match.group(1)}")
            if raw is None:
                raise PollError(404, "No such poll.")
            found = json.loads(raw)
            if not await self.api.has_permission_to_channel(
                request.user_id, found["channel_id"], "read_channel"
            ):
                raise PollError(403, "You cannot see this poll.")
            return _json(200, found)
        return _json(405, {"error": "Method not allowed."})

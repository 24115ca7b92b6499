"""Built-in slash commands about messages and presence: /me, /shrug, /echo, /msg,
/away, /online, /dnd, /offline, /search. Each is a thin use of another service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from roost.app.accounts.statuses import Statuses
from roost.app.accounts.users import Users
from roost.app.channels.direct import DirectChannels
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.posts import PostDraft, Posts
from roost.app.posts.search import Search, SearchRequest
from roost.model.command import EPHEMERAL, CommandCall, CommandResponse, ProvidedCommand
from roost.store.channels import teams as team_store
from roost.store.db.database import Database

SHRUG = "¯\\\\\\_(ツ)\\_/¯"
SEARCH_RESULTS_SHOWN = 10
STATUS_TEXT = {
    "away": "You are now away",
    "online": "You are now online",
    "dnd": "Do Not Disturb is enabled. You will not receive notifications until it is turned off.",
    "offline": "You are now offline",
}

Run = Callable[[Actor, CommandCall], Awaitable[CommandResponse]]


def ephemeral(text: str = "") -> CommandResponse:
    return CommandResponse(response_type=EPHEMERAL, text=text)


async def team_name(db: Database, tenant_id: str, team_id: str) -> str:
    """For ``goto_location`` paths (``/team/channels/name``)."""
    if not team_id:
        return ""
    async with db.read() as conn:
        team = await team_store.get_team(conn, tenant_id, team_id)
    return team.name if team else ""


def username_arg(text: str) -> tuple[str, str]:
    """``@name rest`` → (name, rest)."""
    first, _, rest = text.partition(" ")
    return first.removeprefix("@").lower(), rest.strip()


class MessageCommands:
    """A ``CommandProvider`` for the built-ins that post, message and set status."""

    def __init__(
        self,
        db: Database,
        posts: Posts,
        statuses: Statuses,
        direct_channels: DirectChannels,
        users: Users,
        search: Search,
    ) -> None:
        self._db = db
        self._posts = posts
        self._statuses = statuses
        self._direct = direct_channels
        self._users = users
        self._search = search
        self._runs: dict[str, tuple[ProvidedCommand, Run]] = {
            "me": (ProvidedCommand("me", "me", "Do an action", "[message]"), self._me),
            "shrug": (
                ProvidedCommand("shrug", "shrug", "Adds ¯\\_(ツ)_/¯ to your message", "[message]"),
                self._shrug,
            ),
            "echo": (ProvidedCommand("echo", "echo", "Echo back text", "[message]"), self._echo),
            "msg": (
                ProvidedCommand("msg", "msg", "Send a direct message", "@[username] [message]"),
                self._msg,
            ),
            "search": (ProvidedCommand("search", "search", "Search posts", "[text]"), self._find),
        }
        for status in STATUS_TEXT:
            self._runs[status] = (
                ProvidedCommand(status, status, f"Set your status to {status}"),
                self._status,
            )

    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        return [provided for provided, _ in self._runs.values()]

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        found = self._runs.get(call.trigger)
        return None if found is None else await found[1](actor, call)

    async def _post(self, actor: Actor, call: CommandCall, message: str, kind: str = "") -> None:
        draft = PostDraft(
            channel_id=call.channel_id, message=message, root_id=call.root_id, type=kind
        )
        await self._posts.do_create_post(actor, draft)

    async def _me(self, actor: Actor, call: CommandCall) -> CommandResponse:
        await self._post(actor, call, f"*{call.text}*", "me")
        return ephemeral()

    async def _shrug(self, actor: Actor, call: CommandCall) -> CommandResponse:
        await self._post(actor, call, f"{call.text} {SHRUG}".strip())
        return ephemeral()

    async def _echo(self, actor: Actor, call: CommandCall) -> CommandResponse:
        text = call.text
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        if not text.strip():
            return ephemeral("A message must be provided with the /echo command.")
        await self._post(actor, call, text)
        return ephemeral()

    async def _msg(self, actor: Actor, call: CommandCall) -> CommandResponse:
        name, message = username_arg(call.text)
        if not name:
            return ephemeral("Use /msg @username [message].")
        try:
            user = await self._users.get_by_username(actor.tenant_id, name)
        except errors.AppError:
            return ephemeral(f"We couldn't find the user {name}.")
        channel = await self._direct.do_create_direct(actor, actor.user_id, user.id)
        if message:
            draft = PostDraft(channel_id=channel.id, message=message)
            await self._posts.do_create_post(actor, draft)
        response = ephemeral()
        team = await team_name(self._db, actor.tenant_id, call.team_id)
        response.goto_location = f"/{team}/messages/@{user.username}"
        return response

    async def _status(self, actor: Actor, call: CommandCall) -> CommandResponse:
        await self._statuses.do_set_manual(actor, actor.user_id, call.trigger)
        return ephemeral(STATUS_TEXT[call.trigger])

    async def _find(self, actor: Actor, call: CommandCall) -> CommandResponse:
        if not call.text:
            return ephemeral("Use /search [text].")
        request = SearchRequest(terms=call.text, per_page=SEARCH_RESULTS_SHOWN)
        found = await self._search.search_posts(actor, call.team_id or None, request)
        posts = [found.posts.posts[pid] for pid in found.posts.order]
        if not posts:
            return ephemeral(f'No results for "{call.text}".')
        lines = [f'Results for "{call.text}":']
        lines += [f"- {p.message[:200]}" for p in posts]
        return ephemeral("\n".join(lines))

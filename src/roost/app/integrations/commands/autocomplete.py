"""Suggestions for what a user has typed after ``/``: Mattermost's walk of the
commands' autocomplete trees (``app/command_autocomplete.go``), in Roost's words.

The typed text is split into what is already parsed and what is left. With no space
left, the commands (or sub-commands) whose trigger starts with it are offered; after a
trigger and a space, its sub-commands or its arguments are walked: ``--name`` for a
named argument, a hint for free text, the matching items of a fixed list or of a list
fetched as the user types. An optional argument is walked both taken and skipped, and
the suggestions of both come back.

A fetch is the caller's (``Fetch``): it may fail, hang or answer nonsense, in which case
that argument offers nothing and the rest of the answer still comes back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from roost.model.autocomplete import (
    DYNAMIC_LIST,
    STATIC_LIST,
    SYSTEM_ADMIN,
    TEXT_INPUT,
    AutocompleteArg,
    AutocompleteData,
    AutocompleteListItem,
)

# (fetch URL, what is parsed so far, the whole input): the list's items; [] when the
# fetch failed in any way (the fetcher logs why and keeps within its time).
Fetch = Callable[[str, str, str], Awaitable[list[AutocompleteListItem]]]


@dataclass(slots=True)
class Suggestion:
    complete: str
    suggestion: str
    hint: str = ""
    description: str = ""
    icon_data: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "Complete": self.complete,
            "Suggestion": self.suggestion,
            "Hint": self.hint,
            "Description": self.description,
            "IconData": self.icon_data,
        }


# One step of the walk: (found suggestions here, parsed, left to parse, suggestions).
Step = tuple[bool, str, str, list[Suggestion]]


def _visible(data: AutocompleteData, role: str) -> bool:
    return role in ("", SYSTEM_ADMIN) or data.role_id == role


async def suggest(
    commands: Sequence[tuple[AutocompleteData, str]], typed: str, role: str, fetch: Fetch
) -> list[Suggestion]:
    """``commands``: each command's tree and icon; ``typed`` without its leading slash;
    ``role``: system_admin or system_user (who sees role-bound sub-commands)."""
    ordered = sorted(commands, key=lambda c: c[0].trigger.lower())
    found = await _walk([d for d, _ in ordered], "", typed, role, fetch)
    for s in found:
        # As Mattermost: the icon of the first command whose trigger starts the completion.
        s.icon_data = next((icon for d, icon in ordered if s.complete.startswith(d.trigger)), "")
    return found


async def _walk(
    commands: Sequence[AutocompleteData], parsed: str, rest: str, role: str, fetch: Fetch
) -> list[Suggestion]:
    space = rest.find(" ")
    if space < 0:
        word = rest.lower()
        return [
            Suggestion(parsed + c.trigger, c.trigger, c.hint, c.help_text)
            for c in commands
            if c.trigger.startswith(word) and _visible(c, role)
        ]
    found: list[Suggestion] = []
    word = rest[:space].lower()
    for command in commands:
        if command.trigger != word or not _visible(command, role):
            continue
        now_parsed, left = parsed + rest[: space + 1], rest[space + 1 :]
        if not command.arguments:
            found += await _walk(command.sub_commands, now_parsed, left, role, fetch)
            continue
        hit, _, _, more = await _arguments(command.arguments, now_parsed, left, fetch)
        if hit:
            found += more
    return found


async def _arguments(args: Sequence[AutocompleteArg], parsed: str, rest: str, fetch: Fetch) -> Step:
    # Memoised by (argument, parsed, rest): walking each optional argument both ways is
    # exponential in their number otherwise, and a keystroke must stay cheap.
    memo: dict[tuple[int, str, str], Step] = {}

    async def walk(i: int, parsed: str, rest: str) -> Step:
        key = (i, parsed, rest)
        if key not in memo:
            memo[key] = await _from(i, parsed, rest)
        return memo[key]

    async def _from(i: int, parsed: str, rest: str) -> Step:
        if i == len(args):
            return False, parsed, rest, []
        first = args[i]
        if first.required:
            hit, p, r, found = await _argument(first, parsed, rest, fetch)
            if hit:
                return True, p, r, found
            return await walk(i + 1, p, r)
        # Optional: walk it both as typed and as left out, and offer both.
        found = []
        hit_with, p_with, r_with, with_it = await _argument(first, parsed, rest, fetch)
        if hit_with:
            found += with_it
        else:
            hit_with, p_with, r_with, after = await walk(i + 1, p_with, r_with)
            if hit_with:
                found += after
        hit_without, p_without, r_without, without = await walk(i + 1, parsed, rest)
        if hit_without:
            found += without
        if hit_with or hit_without:
            return True, parsed + rest, "", found
        if p_with != parsed and r_with != rest:
            return False, p_with, r_with, found
        return hit_without, p_without, r_without, found

    return await walk(0, parsed, rest)


async def _argument(arg: AutocompleteArg, parsed: str, rest: str, fetch: Fetch) -> Step:
    if arg.name:
        hit, parsed, rest, named = _named(arg, parsed, rest)
        if hit:
            return True, parsed, rest, named
        if rest == "":
            return True, parsed, rest, []
        rest = "" if rest == " " else rest
    if arg.type == TEXT_INPUT:
        return _text(arg, parsed, rest)
    if arg.type == STATIC_LIST:
        return _list(arg.items, parsed, rest)
    if arg.type == DYNAMIC_LIST:
        items = await fetch(arg.fetch_url, parsed, parsed + rest)
        return _list(items, parsed, rest)
    return False, parsed, rest, []


def _named(arg: AutocompleteArg, parsed: str, rest: str) -> Step:
    typed = rest.removeprefix(" ")
    flag = "--" + arg.name
    if typed == "" or flag.lower().startswith(typed.lower()):
        complete = parsed + rest + flag[len(typed) :] + " "
        return True, parsed + rest, "", [Suggestion(complete, flag, "", arg.help_text)]
    if not typed.lower().startswith(flag.lower() + " "):
        return False, parsed + rest, "", []
    if typed.lower() == flag.lower() + " ":
        return False, parsed + flag + " ", " ", []
    return False, parsed + flag + " ", typed[len(flag) + 1 :], []


def _text(arg: AutocompleteArg, parsed: str, rest: str) -> Step:
    typed = rest.removeprefix(" ")
    hint = [Suggestion(parsed + rest, "", arg.hint, arg.help_text)]
    if typed.startswith('"'):
        close = typed.find('"', 1)
        if close < 0:  # a quoted argument still being typed
            return True, parsed + rest, "", hint
        end = close + 1
        if len(typed) > end and typed[end] == " ":
            end += 1
        return False, parsed + typed[:end], typed[end:], []
    space = typed.find(" ")
    if space < 0:  # one word still being typed (or none yet)
        return True, parsed + rest, "", hint
    return False, parsed + typed[: space + 1], typed[space + 1 :], []


def _list(items: Sequence[AutocompleteListItem], parsed: str, rest: str) -> Step:
    typed = rest.removeprefix(" ")
    lowered = typed.lower()
    # The longest item already typed out in full (followed by a space) is taken.
    done = max(
        (len(i.item) + 1 for i in items if lowered.startswith(i.item.lower() + " ")), default=0
    )
    if done:
        return False, parsed + typed[:done], typed[done:], []
    found = [
        Suggestion(parsed + i.item, i.item, i.hint, i.help_text)
        for i in items
        if i.item.lower().startswith(lowered)
    ]
    return True, parsed + rest, "", found

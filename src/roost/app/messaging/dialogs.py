"""Interactive dialogs (``POST /actions/dialogs/open`` and ``/submit``), as Mattermost's.

An integration called by a slash command or a message action gets a trigger id
(``roost.app.integrations.triggers``); within ``TRIGGER_TTL_MS`` it may open a dialog
with it, which reaches the sockets of the user who triggered it as ``open_dialog``. The
dialog is checked against Mattermost's limits first (title, elements: text, textarea,
select with static, user or channel options, bool, radio), so a broken form is refused
to the integration with a clear error instead of failing in the user's client.

A submission goes to the URL the dialog was opened with, and only to a URL a dialog
was opened with for that user (a client cannot make the server call anything else),
through the integrations' outbound client and its policy: the tenant's allow-listed
internal hosts only when a bot or an admin opened the dialog, public addresses
otherwise. The integration's answer (``error``, per-field ``errors``) goes back to the
client to show in the form.
"""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels import post_access
from roost.app.integrations.errors import action_failed
from roost.app.integrations.outbound import OutboundError, OutboundHttp
from roost.app.integrations.outbound_policy import is_valid_url
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import (
    dialog_invalid,
    dialog_not_opened,
    dialog_trigger_expired,
    dialog_trigger_unknown,
)
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id
from roost.model import dialog as limits
from roost.model.event import Broadcast, Event
from roost.model.events import OPEN_DIALOG
from roost.model.webhook import JSON_CONTENT
from roost.store.db.database import Database
from roost.store.messaging import dialogs as dialog_store

SUBMISSION = "dialog_submission"
# The answer's fields passed back to the client (Mattermost's SubmitDialogResponse).
ANSWER_ERROR_MAX = 3000


def _str(data: dict[str, Any], name: str, max_len: int, where: str, required: bool = False) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise dialog_invalid(f"{where}{name}: a string")
    if required and not value:
        raise dialog_invalid(f"{where}{name}: required")
    if len(value) > max_len:
        raise dialog_invalid(f"{where}{name}: at most {max_len} characters")
    return value


def _options(element: dict[str, Any], where: str) -> list[str]:
    options = element.get("options") or []
    if not isinstance(options, list) or len(options) > limits.OPTIONS_MAX:
        raise dialog_invalid(f"{where}options: a list of at most {limits.OPTIONS_MAX}")
    values: list[str] = []
    for option in options:
        if not isinstance(option, dict):
            raise dialog_invalid(f"{where}options: objects with text and value")
        _str(option, "text", limits.SELECT_MAX, f"{where}option ", required=True)
        values.append(_str(option, "value", limits.SELECT_MAX, f"{where}option ", required=True))
    return values


def check_element(element: object, index: int) -> str:
    """Mattermost's DialogElement.IsValid; returns the element's name."""
    where = f"elements[{index}]."
    if not isinstance(element, dict):
        raise dialog_invalid(f"{where}: an object")
    kind = element.get("type")
    if kind not in limits.ELEMENT_TYPES:
        raise dialog_invalid(f"{where}type: one of {', '.join(sorted(limits.ELEMENT_TYPES))}")
    name = _str(element, "name", limits.ELEMENT_NAME_MAX, where, required=True)
    _str(element, "display_name", limits.ELEMENT_DISPLAY_NAME_MAX, where, required=True)
    _str(element, "help_text", limits.HELP_TEXT_MAX, where)
    subtype = _str(element, "subtype", 16, where)
    lengths = [element.get("min_length", 0) or 0, element.get("max_length", 0) or 0]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in lengths):
        raise dialog_invalid(f"{where}min_length, max_length: numbers")
    if lengths[0] < 0 or (lengths[1] and lengths[0] > lengths[1]):
        raise dialog_invalid(f"{where}min_length: between 0 and max_length")
    if element.get("multiselect") and kind != "select":
        raise dialog_invalid(f"{where}multiselect: select elements only")
    cap = {
        "text": limits.TEXT_MAX,
        "textarea": limits.TEXTAREA_MAX,
        "select": limits.SELECT_MAX,
        "bool": limits.BOOL_MAX,
        "radio": limits.SELECT_MAX,
    }[str(kind)]
    default = _str(element, "default", cap, where)
    _str(element, "placeholder", cap, where)
    if kind in ("text", "textarea") and subtype not in limits.TEXT_SUBTYPES:
        raise dialog_invalid(f"{where}subtype: one of {', '.join(sorted(limits.TEXT_SUBTYPES))}")
    if kind == "bool" and default not in ("", "true", "false"):
        raise dialog_invalid(f"{where}default: true or false")
    if kind in ("select", "radio"):
        source = element.get("data_source") or ""
        if kind == "select" and source not in limits.SELECT_SOURCES:
            raise dialog_invalid(f"{where}data_source: users or channels")
        values = _options(element, where)
        if not source:
            wanted = (
                [v.strip() for v in default.split(",")] if element.get("multiselect") else [default]
            )
            if any(v and v not in values for v in wanted):
                raise dialog_invalid(f"{where}default: not among the options")
    return name


def check_dialog(dialog: object) -> dict[str, Any]:
    """Mattermost's Dialog.IsValid, with Roost's bounds on what Mattermost leaves open."""
    if not isinstance(dialog, dict):
        raise dialog_invalid("dialog: an object")
    _str(dialog, "title", limits.TITLE_MAX, "dialog.", required=True)
    for name in ("introduction_text", "callback_id", "state", "submit_label"):
        _str(dialog, name, limits.FREE_TEXT_MAX, "dialog.")
    icon = _str(dialog, "icon_url", 1024, "dialog.")
    if icon and not is_valid_url(icon):
        raise dialog_invalid("dialog.icon_url: an http or https URL")
    if not isinstance(dialog.get("notify_on_cancel", False), bool):
        raise dialog_invalid("dialog.notify_on_cancel: true or false")
    elements = dialog.get("elements") or []
    if not isinstance(elements, list) or len(elements) > limits.ELEMENTS_MAX:
        raise dialog_invalid(f"dialog.elements: a list of at most {limits.ELEMENTS_MAX}")
    names: set[str] = set()
    for index, element in enumerate(elements):
        name = check_element(element, index)
        if name in names:
            raise dialog_invalid(f"dialog.elements: {name!r} twice")
        names.add(name)
    return dialog


def _submission(value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > limits.ELEMENTS_MAX:
        raise errors.invalid_body_param("submission")
    for key, item in value.items():
        if len(key) > limits.ELEMENT_NAME_MAX:
            raise errors.invalid_body_param("submission")
        if item is None or isinstance(item, bool | int | float):
            continue
        if not isinstance(item, str) or len(item) > limits.SUBMISSION_VALUE_MAX:
            raise errors.invalid_body_param("submission", f"{key}: a value up to 3000 characters")
    return value


def _answer(body: bytes) -> dict[str, Any]:
    """The parts of the integration's answer a client uses: a general ``error`` and
    per-field ``errors`` (strings), as Mattermost passes them on."""
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise action_failed("the answer is not JSON") from None
    if not isinstance(data, dict):
        raise action_failed("the answer is not a JSON object")
    out: dict[str, Any] = {}
    error = data.get("error")
    if isinstance(error, str) and error:
        out["error"] = error[:ANSWER_ERROR_MAX]
    field_errors = data.get("errors")
    if isinstance(field_errors, dict):
        kept = {
            str(k)[: limits.ELEMENT_NAME_MAX]: v[:ANSWER_ERROR_MAX]
            for k, v in list(field_errors.items())[: limits.ELEMENTS_MAX]
            if isinstance(v, str)
        }
        if kept:
            out["errors"] = kept
    return out


class Dialogs:
    def __init__(self, db: Database, bus: Bus, http: OutboundHttp) -> None:
        self._db = db
        self._bus = bus
        self._http = http

    async def do_open(self, actor: Actor, body: dict[str, Any]) -> None:
        trigger_id = body.get("trigger_id")
        if not isinstance(trigger_id, str) or not trigger_id:
            raise errors.invalid_body_param("trigger_id")
        url = body.get("url")
        if not isinstance(url, str) or not is_valid_url(url):
            raise errors.invalid_param("url")
        dialog = check_dialog(body.get("dialog"))
        if not is_valid_id(trigger_id):
            raise dialog_trigger_unknown()
        now = now_ms()
        async with self._db.write() as conn:
            trigger = await dialog_store.get(conn, actor.tenant_id, trigger_id)
            if trigger is None:
                raise dialog_trigger_unknown()
            if now - trigger.create_at > limits.TRIGGER_TTL_MS:
                raise dialog_trigger_expired(limits.TRIGGER_TTL_MS / 1000)
            trusted = actor.is_bot or actor.is_system_admin
            await dialog_store.mark_opened(conn, actor.tenant_id, trigger_id, url, trusted, now)
        shown = {"trigger_id": trigger_id, "url": url, "dialog": dialog}
        data = {"dialog": orjson.dumps(shown).decode()}
        recipient = frozenset({trigger.user_id})
        broadcast = Broadcast(recipients=recipient, user_id=trigger.user_id)
        await self._bus.publish([Event(actor.tenant_id, OPEN_DIALOG, data, broadcast)])

    async def do_submit(self, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
        url = body.get("url")
        if not isinstance(url, str) or not is_valid_url(url):
            raise errors.invalid_param("url")
        channel_id = body.get("channel_id") or ""
        team_id = body.get("team_id") or ""
        if not isinstance(channel_id, str) or not is_valid_id(channel_id):
            raise errors.invalid_body_param("channel_id")
        if not isinstance(team_id, str) or (team_id and not is_valid_id(team_id)):
            raise errors.invalid_body_param("team_id")
        cancelled = body.get("cancelled", False)
        if not isinstance(cancelled, bool):
            raise errors.invalid_body_param("cancelled")
        callback_id = body.get("callback_id") or ""
        state = body.get("state") or ""
        if not isinstance(callback_id, str) or len(callback_id) > limits.FREE_TEXT_MAX:
            raise errors.invalid_body_param("callback_id")
        if not isinstance(state, str) or len(state) > limits.FREE_TEXT_MAX:
            raise errors.invalid_body_param("state")
        submission = _submission(body.get("submission"))
        since = now_ms() - limits.DIALOG_LIFETIME_MS
        async with self._db.read() as conn:
            access = await post_access.load(conn, actor, channel_id)
            post_access.check_read(actor, access)
            trusted = await dialog_store.opened_for(
                conn, actor.tenant_id, actor.user_id, url, since
            )
        if trusted is None:
            raise dialog_not_opened()
        request = {
            "type": SUBMISSION,
            "callback_id": callback_id,
            "state": state,
            "user_id": actor.user_id,
            "channel_id": channel_id,
            "team_id": team_id,
            "submission": submission,
            "cancelled": cancelled,
        }
        try:
            response = await self._http.request(
                "POST",
                url,
                body=orjson.dumps(request),
                content_type=JSON_CONTENT,
                user_written=not trusted,
            )
        except OutboundError as exc:
            raise exc.refusal or action_failed(str(exc)) from None
        if response.status != 200:
            raise action_failed(f"answered {response.status}")
        # A cancellation's answer is not shown: the form is already closed.
        return {} if cancelled else _answer(response.body)

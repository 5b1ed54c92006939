"""Newsroom commands: /editors (admins), /drafts, /draft N, /schedule N HH:MM, /stats."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.errors import NewsroomError
from bot.newsroom.models import DraftStatus, Person
from bot.newsroom.timing import format_local, parse_local
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_services import NewsroomServices, get_newsroom, person
from handlers.newsroom_views import message_link

logger = logging.getLogger(__name__)

OPEN = [
    DraftStatus.PENDING_REVIEW,
    DraftStatus.SCHEDULED,
    DraftStatus.PUBLISHING,
    DraftStatus.FAILED,
    DraftStatus.PARTLY_PUBLISHED,
]


async def editors_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/editors, /editors add ID|@username|(reply), /editors remove ID — admins only."""
    message, s, who = await context_of(update, context)
    if message is None or s is None or who is None:
        return
    if not s.roles.is_admin(who.id):
        await message.reply_text(s.texts.label("admins_only"))
        return
    args = context.args or []
    if not args:
        await _list_editors(message, s, context)
        return
    verb, rest = args[0].lower(), args[1:]
    if verb == "add":
        target = await _target(message, rest, s)
        if target is None:
            label = rest[0] if rest else "?"
            await say(message, s.texts.html("editor_changed", action="unknown", label=label))
            return
        added = await s.people.add_editor(target, added_by=who, at=s.clock())
        action = "added" if added else "already"
        await say(message, s.texts.html("editor_changed", action=action, label=target.label))
        return
    if verb == "remove" and rest and rest[0].lstrip("-").isdigit():
        user_id = int(rest[0])
        if s.roles.configured_editor(user_id):
            await say(message, s.texts.html("editor_changed", action="configured", label=rest[0]))
            return
        removed = await s.people.remove_editor(user_id)
        action = "removed" if removed else "absent"
        await say(message, s.texts.html("editor_changed", action=action, label=rest[0]))
        return
    await _list_editors(message, s, context)


async def drafts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/drafts: open drafts with links to their messages."""
    message, s, _who = await context_of(update, context, editors_only=True)
    if message is None or s is None:
        return
    entry = s.texts.entry
    now = s.clock()
    rows = [
        {
            "id": d.id,
            "icon": entry("status_icons", d.status.value),
            "status": entry("statuses", d.status.value),
            "title": d.content.headline,
            "link": message_link(d.preview_chat_id, d.preview_message_id),
            "when": format_local(d.scheduled_at, s.zone, now=now) if d.scheduled_at else "",
        }
        for d in await s.drafts.with_status(OPEN)
    ]
    await say(message, s.texts.html("drafts", rows=rows))


async def draft_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/draft N: one draft, its posts and its history."""
    message, s, _who = await context_of(update, context, editors_only=True)
    if message is None or s is None:
        return
    args = context.args or []
    draft = await s.drafts.get(int(args[0])) if args and args[0].isdigit() else None
    if draft is None:
        await message.reply_text(s.texts.label("not_found"))
        return
    entry = s.texts.entry
    now = s.clock()
    events = [
        {
            "when": format_local(e.at, s.zone, now=now),
            "who": e.actor.label,
            "what": _action(s, e.action),
            "detail": e.detail or "",
        }
        for e in await s.drafts.history(draft.id)
    ]
    posts = [
        {
            "name": entry("targets", item.kind.target.value),
            "status": entry("post_statuses", item.status.value),
            "url": item.external_url or "",
            "error": item.error if item.status.value in ("failed", "unknown") else "",
        }
        for item in await s.outbox.for_draft(draft.id)
        if item.kind.parent is None
    ]
    text = s.texts.html(
        "draft",
        id=draft.id,
        icon=entry("status_icons", draft.status.value),
        status=entry("statuses", draft.status.value),
        title=draft.content.headline,
        url=draft.article.url or "",
        link=message_link(draft.preview_chat_id, draft.preview_message_id) or "",
        targets=[t.value for t in draft.ordered_targets],
        events=events[-15:],
        posts=posts,
        x_text=draft.content.x_text,
    )
    await say(message, text)


async def schedule_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/schedule N HH:MM [YYYY-MM-DD], in the publisher's time zone."""
    message, s, who = await context_of(update, context, editors_only=True)
    if message is None or s is None or who is None:
        return
    args = context.args or []
    if len(args) < 2 or not args[0].isdigit():
        await say(message, s.texts.html("schedule_usage", zone=s.zone.key))
        return
    draft = await s.drafts.get(int(args[0]))
    if draft is None:
        await message.reply_text(s.texts.label("not_found"))
        return
    try:
        at = parse_local(args[1], args[2] if len(args) > 2 else None, now=s.clock(), zone=s.zone)
    except NewsroomError as error:
        await message.reply_text(error.message_ar)
        return
    outcome = await s.newsroom.schedule(draft.id, draft.version, by=who, at=at)
    if not outcome.ok:
        refusal = outcome.refusal.value if outcome.refusal else "not_allowed"
        await message.reply_text(s.texts.label(refusal))
        return
    s.scheduler.wake()
    when = format_local(at, s.zone, now=s.clock())
    await message.reply_text(s.texts.label("scheduled_toast", f"{when} ({s.zone.key})"))
    notifier = s.notifier
    assert isinstance(notifier, EditorsNotifier)
    if outcome.draft is not None:
        await notifier.refresh(outcome.draft)


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: this month's posts and their estimated cost on X."""
    message, s, _who = await context_of(update, context, editors_only=True)
    if message is None or s is None:
        return
    local = s.clock().astimezone(s.zone)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    posts, cost = await s.outbox.cost_since(month_start.astimezone(dt.UTC))
    counts = {
        status: len(await s.drafts.with_status([status], limit=100_000))
        for status in (DraftStatus.PUBLISHED, DraftStatus.FAILED)
    }
    open_count = len(
        await s.drafts.with_status(
            [DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED], limit=100_000
        )
    )
    text = s.texts.html(
        "stats",
        month=local.strftime("%Y-%m"),
        posts=posts,
        cost=f"{cost / 1_000_000:.2f}",
        open=open_count,
        published=counts[DraftStatus.PUBLISHED],
        failed=counts[DraftStatus.FAILED],
    )
    await say(message, text)


# ------------------------------------------------------------------------ helpers


async def context_of(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, editors_only: bool = False
) -> tuple[Message | None, NewsroomServices | None, Person | None]:
    message = update.effective_message
    s = get_newsroom(context)
    user = update.effective_user
    if message is None or s is None or user is None:
        return None, None, None
    who = person(user)
    await s.people.seen(who, at=s.clock())
    if editors_only and not await s.roles.is_editor(who.id):
        await message.reply_text(s.texts.label("editors_only"))
        return None, None, None
    return message, s, who


async def _target(message: Message, args: list[str], s: NewsroomServices) -> Person | None:
    replied = message.reply_to_message
    if not args and replied is not None and replied.from_user is not None:
        return person(replied.from_user)
    if not args:
        return None
    value = args[0]
    if value.startswith("@"):
        return await s.people.find(value)
    if value.lstrip("-").isdigit():
        return await s.people.known(int(value)) or Person(int(value), value)
    return None


async def _list_editors(
    message: Message, s: NewsroomServices, context: ContextTypes.DEFAULT_TYPE
) -> None:
    added = [(p.label, p.id) for p in await s.people.editors()]
    configured = sorted({str(i) for i in s.roles.configured_ids()} - {str(i) for _, i in added})
    await say(message, s.texts.html("editors", configured=configured, added=added))


def _action(s: NewsroomServices, action: str) -> str:
    try:
        return s.texts.entry("actions", action)
    except KeyError:
        return action


async def say(message: Message, text: str) -> None:
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )

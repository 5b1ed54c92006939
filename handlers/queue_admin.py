"""The posting schedule in chat: /slots, /queue, /move, /unschedule, /pause, /resume."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.errors import NewsroomError
from bot.newsroom.models import Target
from bot.newsroom.slots import WEEKDAYS_AR
from bot.newsroom.timing import format_local
from handlers.newsroom_admin import context_of, say, schedule_command
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_services import NewsroomServices
from handlers.newsroom_views import message_link


async def slots_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/slots; admins change them: set DAYS TIMES…, quiet HH:MM-HH:MM|off, spacing T N, cap T N."""
    message, s, who = await context_of(update, context, editors_only=True)
    if message is None or s is None or who is None:
        return
    args = context.args or []
    if args:
        if not s.roles.is_admin(who.id):
            await message.reply_text(s.texts.label("admins_only"))
            return
        try:
            rules = await s.queue.rules()
            verb = args[0].lower()
            if verb == "set" and len(args) >= 3:
                rules = rules.with_days(args[1], args[2:])
            elif verb == "quiet" and len(args) == 2:
                rules = rules.with_quiet(args[1])
            elif verb in {"spacing", "cap"} and len(args) == 3 and args[2].isdigit():
                target = Target(args[1].lower())
                if verb == "spacing":
                    rules = rules.with_spacing(target, int(args[2]))
                else:
                    rules = rules.with_cap(target, int(args[2]))
            else:
                raise NewsroomError(" ".join(args))
        except (NewsroomError, ValueError) as error:
            text = error.message_ar if isinstance(error, NewsroomError) else str(error)
            await message.reply_text(text)
            await _show_slots(message, s)
            return
        await s.queue.save_rules(rules)
    await _show_slots(message, s)


async def queue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/queue: the scheduled posts, in local time."""
    message, s, _ = await context_of(update, context, editors_only=True)
    if message is None or s is None:
        return
    now = s.clock()
    rows = [
        {
            "id": d.id,
            "when": format_local(d.scheduled_at, s.zone, now=now) if d.scheduled_at else "",
            "title": d.content.headline,
            "targets": " + ".join(s.texts.entry("targets", t.value) for t in d.ordered_targets),
            "auto": d.auto,
            "link": message_link(d.preview_chat_id, d.preview_message_id),
        }
        for d in await s.queue.upcoming()
    ]
    paused = (await s.queue.rules()).paused
    await say(message, s.texts.html("queue", rows=rows, zone=s.zone.key, paused=paused))


async def move_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/move N HH:MM [YYYY-MM-DD]: the same as /schedule for a queued draft."""
    await schedule_command(update, context)


async def unschedule_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unschedule N: back to review."""
    message, s, who = await context_of(update, context, editors_only=True)
    if message is None or s is None or who is None:
        return
    args = context.args or []
    draft = await s.drafts.get(int(args[0])) if args and args[0].isdigit() else None
    if draft is None:
        await message.reply_text(s.texts.label("not_found"))
        return
    outcome = await s.newsroom.unschedule(draft.id, draft.version, by=who)
    if not outcome.ok:
        await message.reply_text(
            s.texts.label(outcome.refusal.value if outcome.refusal else "not_allowed")
        )
        return
    await message.reply_text(s.texts.label("unscheduled_toast"))
    await _refresh(s, outcome.draft)


async def pause_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pause: nothing leaves the queue until /resume (admins)."""
    await _set_paused(update, context, paused=True)


async def resume_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_paused(update, context, paused=False)


async def _set_paused(update: Update, context: ContextTypes.DEFAULT_TYPE, *, paused: bool) -> None:
    message, s, who = await context_of(update, context, editors_only=True)
    if message is None or s is None or who is None:
        return
    if not s.roles.is_admin(who.id):
        await message.reply_text(s.texts.label("admins_only"))
        return
    rules = await s.queue.rules()
    await s.queue.save_rules(rules.paused_as(paused))
    if not paused:
        s.scheduler.wake()
    await message.reply_text(s.texts.label("paused_toast" if paused else "resumed_toast"))


async def _show_slots(message: Message, s: NewsroomServices) -> None:
    rules = await s.queue.rules()
    days = [
        (WEEKDAYS_AR[day], " ".join(t.strftime("%H:%M") for t in rules.slots.get(day, ())))
        for day in range(7)
    ]
    quiet = "-".join(t.strftime("%H:%M") for t in rules.quiet) if rules.quiet else ""
    await say(
        message,
        s.texts.html(
            "slots",
            days=days,
            quiet=quiet,
            spacing=[(s.texts.entry("targets", t.value), m) for t, m in rules.spacing.items()],
            caps=[(s.texts.entry("targets", t.value), c) for t, c in rules.daily_cap.items()],
            paused=rules.paused,
            zone=s.zone.key,
        ),
    )


async def _refresh(s: NewsroomServices, draft: object) -> None:
    notifier = s.notifier
    if isinstance(notifier, EditorsNotifier) and draft is not None:
        await notifier.refresh(draft)  # type: ignore[arg-type]

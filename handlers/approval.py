"""The editors' buttons under a draft, and their replies to the bot's questions.

The presser is checked on every press (never the chat): anyone else gets «غير مصرح لك» and
nothing changes. Quick actions answer the press with their result; slow ones (another
wording, a new card) answer at once and update the message when done.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import CallbackQuery, ForceReply, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.errors import TextTooLongError
from bot.models import Platform
from bot.newsroom.models import (
    DraftEvent,
    EditField,
    NewsroomDraft,
    PendingInput,
    Person,
    Target,
)
from bot.newsroom.timing import format_local, quick_slots
from bot.newsroom.workflow import HEADLINE_LIMIT, Outcome, Refusal
from bot.platforms import PLATFORMS
from bot.platforms.links import plain_text
from handlers.newsroom_keys import NewsroomButton, Verb
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_services import NewsroomServices, get_newsroom, person
from handlers.newsroom_views import (
    edit_keyboard,
    main_keyboard,
    reject_keyboard,
    schedule_keyboard,
)
from handlers.services import get_services
from handlers.submit import submit_saved_share

logger = logging.getLogger(__name__)

Handler = Callable[[CallbackQuery, NewsroomButton, Person, NewsroomServices], Awaitable[None]]
_REFUSAL_LABELS = {
    Refusal.STALE: "stale",
    Refusal.NOT_ALLOWED: "not_allowed",
    Refusal.NOT_FOUND: "not_found",
    Refusal.NO_TARGET: "no_target",
    Refusal.NO_VARIANT: "no_variant",
    Refusal.UNAVAILABLE: "unavailable",
}
_UNITS = {"weighted": "حرفاً محسوباً", "utf16": "وحدة", "characters": "حرفاً"}


async def on_newsroom_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any press of a newsroom button."""
    query = update.callback_query
    services = get_newsroom(context)
    if query is None or services is None:
        return
    button = NewsroomButton.decode(query.data)
    if button is None:
        await query.answer(services.texts.label("stale"), show_alert=True)
        return
    presser = person(query.from_user)
    if button.verb is Verb.SUBMIT_SHARE:
        desk = get_services(context).desk
        await submit_saved_share(query, button.value, presser, services, desk)
        return
    if not await services.roles.is_editor(presser.id):
        await query.answer(services.texts.label("unauthorized"), show_alert=True)
        return
    await _VERBS[button.verb](query, button, presser, services)


# ------------------------------------------------------------------------ decisions


async def _publish(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    outcome = await s.newsroom.approve(b.id, b.version, by=who)
    await _answer(query, outcome, s, s.texts.label("approved_toast"))
    await _show(outcome, s)


async def _schedule_at(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    at = dt.datetime.fromtimestamp(int(b.value), dt.UTC)
    outcome = await s.newsroom.schedule(b.id, b.version, by=who, at=at)
    when = format_local(at, s.zone, now=s.clock())
    await _answer(query, outcome, s, s.texts.label("scheduled_toast", when))
    if outcome.ok:
        s.scheduler.wake()
    await _show(outcome, s)


async def _unschedule(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    outcome = await s.newsroom.unschedule(b.id, b.version, by=who)
    await _answer(query, outcome, s, s.texts.label("unscheduled_toast"))
    await _show(outcome, s)


async def _reject_now(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    outcome = await s.newsroom.reject(b.id, b.version, by=who)
    await _answer(query, outcome, s, s.texts.label("rejected_toast"))
    await _show(outcome, s)


async def _toggle(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    outcome = await s.newsroom.toggle(b.id, b.version, by=who, target=Target(b.value))
    await _answer(query, outcome, s, "")
    await _show(outcome, s)


async def _retry(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    outcome = await s.newsroom.retry(b.id, b.version, by=who)
    await _answer(query, outcome, s, s.texts.label("retry_toast"))
    await _show(outcome, s)


async def _regenerate(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    draft = await _current(query, b, s)
    if draft is None:
        return
    # Answered before the slow part: Telegram stops the button's spinner at once.
    await query.answer(s.texts.label("regenerating"))
    outcome = await s.newsroom.regenerate(b.id, b.version, by=who)
    if not outcome.ok:
        await _tell_in_chat(query, _refusal_text(outcome, s, who))
    await _show(outcome, s, card_changed=outcome.ok)


# ------------------------------------------------------------------------ menus


async def _schedule_menu(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    draft = await _current(query, b, s)
    if draft is None:
        return
    now = s.clock()
    markup = schedule_keyboard(draft, s.texts, quick_slots(now, s.zone), zone=s.zone, now=now)
    await query.answer()
    await _set_markup(query, markup)


async def _edit_menu(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    draft = await _current(query, b, s)
    if draft is not None:
        await query.answer()
        await _set_markup(query, edit_keyboard(draft, s.texts))


async def _reject_menu(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    draft = await _current(query, b, s)
    if draft is not None:
        await query.answer()
        await _set_markup(query, reject_keyboard(draft, s.texts))


async def _back(query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices) -> None:
    draft = await _current(query, b, s)
    if draft is not None:
        await query.answer()
        await _set_markup(query, main_keyboard(draft, s.texts))


async def _edit_field(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    draft = await _current(query, b, s)
    if draft is None or query.message is None:
        return
    field = EditField(b.value)
    await query.answer()
    limit, unit, current = _field_rule(draft, field)
    text = s.texts.html(
        "edit_prompt",
        mention=s.texts.trusted(_mention(who)),
        field=s.texts.entry("fields", field.value),
        limit=limit,
        unit=unit,
        current=current,
    )
    await _ask(query, text, draft, who, s, kind="edit", field=field)
    await _set_markup(query, main_keyboard(draft, s.texts))


async def _reject_reason(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    draft = await _current(query, b, s)
    if draft is None or query.message is None:
        return
    await query.answer()
    text = s.texts.html("reason_prompt", mention=s.texts.trusted(_mention(who)), draft_id=draft.id)
    await _ask(query, text, draft, who, s, kind="reason", field=None)
    await _set_markup(query, main_keyboard(draft, s.texts))


# ------------------------------------------------------------------------ outbox answers


async def _confirm_sent(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    await _settle(query, b, s, sent=True)


async def _resend(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    await _settle(query, b, s, sent=False)


async def _settle(
    query: CallbackQuery, b: NewsroomButton, s: NewsroomServices, *, sent: bool
) -> None:
    draft = await s.worker.settle_unknown(b.id, sent=sent)
    if draft is None:
        await query.answer(s.texts.label("settled_already"), show_alert=True)
    else:
        await query.answer(s.texts.label("confirmed_toast" if sent else "resend_toast"))
    await _set_markup(query, None)


async def _submit_share(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    """«📨 أرسلها للتحرير» under a share reply: handled in handlers/submit.py."""
    from handlers.submit import submit_saved_share

    await submit_saved_share(query, b.value, who, s)


async def _delete_post(
    query: CallbackQuery, b: NewsroomButton, who: Person, s: NewsroomServices
) -> None:
    """🗑️ under the report of a post a feed made without review: remove it from the channel."""
    item = await s.outbox.get(b.id)
    draft = await s.drafts.get(item.draft_id) if item is not None else None
    channel = (draft.channel if draft else None) or s.channel
    if item is None or draft is None or not item.external_id or channel is None:
        await query.answer(s.texts.label("not_found"), show_alert=True)
        return
    try:
        await query.get_bot().delete_message(channel, int(item.external_id))
    except TelegramError:
        await query.answer(s.texts.label("delete_failed"), show_alert=True)
        return
    await s.drafts.note(
        DraftEvent(
            draft.id,
            draft.version,
            s.clock(),
            who,
            "delete:channel",
            draft.status,
            draft.status,
            before=item.external_url,
        )
    )
    await query.answer(s.texts.label("deleted_toast"))
    await _set_markup(query, None)


_VERBS: dict[Verb, Handler] = {
    Verb.PUBLISH: _publish,
    Verb.SCHEDULE_MENU: _schedule_menu,
    Verb.SCHEDULE_AT: _schedule_at,
    Verb.UNSCHEDULE: _unschedule,
    Verb.EDIT_MENU: _edit_menu,
    Verb.EDIT_FIELD: _edit_field,
    Verb.REGENERATE: _regenerate,
    Verb.REJECT_MENU: _reject_menu,
    Verb.REJECT_NOW: _reject_now,
    Verb.REJECT_REASON: _reject_reason,
    Verb.TOGGLE: _toggle,
    Verb.BACK: _back,
    Verb.RETRY: _retry,
    Verb.CONFIRM_SENT: _confirm_sent,
    Verb.RESEND: _resend,
    Verb.DELETE_POST: _delete_post,
}


# ------------------------------------------------------------------------ replies


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An editor's answer to the bot's question (a new text, a reason for rejecting).

    Runs before the other message handlers; a message that answers nothing goes on to them.
    """
    message = update.effective_message
    services = get_newsroom(context)
    user = update.effective_user
    if services is None or message is None or user is None or message.reply_to_message is None:
        return
    question = await services.conversations.waiting(message.chat_id, user.id)
    replied = message.reply_to_message
    if question is None or not _answers(question, replied, context.bot.id):
        return
    try:
        await _answer_question(message, question, person(user), services)
    finally:
        raise ApplicationHandlerStop


def _answers(question: PendingInput, replied: Message, bot_id: int) -> bool:
    """Whether a reply to ``replied`` answers ``question`` (a reply to its prompt, or to any
    of the bot's messages while the prompt is still on its way)."""
    if question.prompt_message_id:
        return question.prompt_message_id == replied.message_id
    return replied.from_user is not None and replied.from_user.id == bot_id


async def _answer_question(
    message: Message, question: PendingInput, who: Person, s: NewsroomServices
) -> None:
    if not await s.roles.is_editor(who.id):
        await message.reply_text(s.texts.label("unauthorized"))
        return
    if question.kind == "reason":
        reason = (message.text or "").strip() or None
        outcome = await s.newsroom.reject(
            question.draft_id, question.version, by=who, reason=reason
        )
        await s.conversations.answered(question.chat_id, question.user_id)
        if not outcome.ok:
            await message.reply_text(_refusal_text(outcome, s, who))
        await _show(outcome, s)
        return
    field = question.field or EditField.CHANNEL
    text = _channel_html(message) if field is EditField.CHANNEL else (message.text or "")
    try:
        outcome = await s.newsroom.edit(
            question.draft_id, question.version, by=who, field=field, text=text
        )
    except TextTooLongError as error:
        # Nothing changed and the question stays open: the editor can shorten and resend.
        await message.reply_text(error.message_ar)
        return
    await s.conversations.answered(question.chat_id, question.user_id)
    if not outcome.ok:
        await message.reply_text(_refusal_text(outcome, s, who))
    await _show(outcome, s, card_changed=outcome.ok and field is EditField.HEADLINE)


# ------------------------------------------------------------------------ helpers


async def _current(
    query: CallbackQuery, b: NewsroomButton, s: NewsroomServices
) -> NewsroomDraft | None:
    """The draft if the button is of its current version; otherwise tell the presser."""
    draft = await s.drafts.get(b.id)
    if draft is None:
        await query.answer(s.texts.label("not_found"), show_alert=True)
        return None
    if draft.version != b.version:
        await query.answer(s.texts.label("stale"), show_alert=True)
        return None
    return draft


async def _answer(query: CallbackQuery, outcome: Outcome, s: NewsroomServices, done: str) -> None:
    if outcome.ok:
        await query.answer(done or None)
    else:
        await query.answer(_refusal_text(outcome, s, person(query.from_user)), show_alert=True)


def _refusal_text(outcome: Outcome, s: NewsroomServices, who: Person) -> str:
    refusal = outcome.refusal or Refusal.NOT_ALLOWED
    draft = outcome.draft
    other = draft.decided_by if draft is not None else None
    if refusal is Refusal.STALE and other is not None and other.id != who.id:
        return s.texts.label("changed_by_other", other.label)
    return s.texts.label(_REFUSAL_LABELS[refusal])


async def _show(outcome: Outcome, s: NewsroomServices, *, card_changed: bool = False) -> None:
    """Whatever happened, the draft's message shows the draft as it now is."""
    if outcome.draft is not None:
        notifier = s.notifier
        assert isinstance(notifier, EditorsNotifier)
        await notifier.refresh(outcome.draft, card_changed=card_changed)


async def _set_markup(query: CallbackQuery, markup: object) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=markup)  # type: ignore[arg-type]
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def _ask(
    query: CallbackQuery,
    text: str,
    draft: NewsroomDraft,
    who: Person,
    s: NewsroomServices,
    *,
    kind: str,
    field: EditField | None,
) -> None:
    assert query.message is not None
    question = PendingInput(
        chat_id=query.message.chat.id,
        user_id=who.id,
        kind=kind,
        draft_id=draft.id,
        version=draft.version,
        field=field,
        prompt_message_id=0,  # not known until the prompt is sent
        created_at=s.clock(),
    )
    # Stored before the prompt goes out: an answer may come back before send_message does.
    await s.conversations.ask(question)
    prompt = await query.get_bot().send_message(
        query.message.chat.id,
        text,
        parse_mode=ParseMode.HTML,
        reply_parameters=ReplyParameters(
            query.message.message_id, allow_sending_without_reply=True
        ),
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=s.texts.label("reply_placeholder")
        ),
    )
    await s.conversations.ask(replace(question, prompt_message_id=prompt.message_id))


async def _tell_in_chat(query: CallbackQuery, text: str) -> None:
    if query.message is not None:
        await query.get_bot().send_message(query.message.chat.id, text)


def _channel_html(message: Message) -> str:
    """The editor's channel text as Telegram HTML: their formatting (bold, links) kept; with
    none at all, the first line is set bold like the headline of every channel post."""
    if message.entities:
        return message.text_html or ""
    first, _, rest = (message.text or "").strip().partition("\n")
    head = f"<b>{_escape(first.strip())}</b>" if first.strip() else ""
    return f"{head}\n{_escape(rest)}" if rest else head


def _field_rule(draft: NewsroomDraft, field: EditField) -> tuple[int, str, str]:
    if field is EditField.HEADLINE:
        return HEADLINE_LIMIT, _UNITS["characters"], draft.content.headline
    spec = PLATFORMS[Platform.TELEGRAM if field is EditField.CHANNEL else Platform.X]
    if field is EditField.CHANNEL:
        # What the editor copies is the text as readers see it, not its markup.
        return (
            spec.limit,
            _UNITS[spec.unit.value],
            plain_text(draft.content.channel_text, is_html=True),
        )
    return spec.limit, _UNITS[spec.unit.value], draft.content.x_text


def _mention(who: Person) -> str:
    return f'<a href="tg://user?id={who.id}">{_escape(who.name or who.label)}</a>'


def _escape(text: str) -> str:
    return html.escape(text, quote=False)

"""How a draft looks in the editors' group: its caption and its keyboards (pure helpers).

The caption is the channel post exactly as the channel will show it, then the X text and the
targets, under one status line. It must fit a photo caption (1024 UTF-16 units after entity
parsing); the channel text is composed to leave room, and should an edit leave too little,
the X text is shortened here with a pointer to ``/draft N`` — never the channel text.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.compose import trim_words
from bot.models import Platform
from bot.newsroom.models import (
    DraftStatus,
    EditField,
    NewsroomDraft,
    OutboxItem,
    OutboxStatus,
    PostKind,
    Target,
)
from bot.newsroom.timing import format_local
from bot.platforms import PLATFORMS
from bot.platforms.counting import telegram_html_length
from handlers.newsroom_keys import NewsroomButton, Verb
from handlers.texts import Texts

CAPTION_LIMIT = PLATFORMS[Platform.TELEGRAM].limit
X_SPEC = PLATFORMS[Platform.X]


def preview_caption(
    draft: NewsroomDraft, texts: Texts, *, zone: ZoneInfo, now: dt.datetime
) -> str:
    """The caption of the draft's message in the editors' group (≤ 1024 units)."""
    entry = texts.entry
    content = draft.content
    context = {
        "breaking": draft.breaking,
        "draft_id": draft.id,
        "icon": entry("status_icons", draft.status.value),
        "status": entry("statuses", draft.status.value),
        "when": _when(draft, zone, now),
        "who": draft.created_by.label,
        "decided": _decided(draft, zone, now),
        "reason": draft.reason if draft.status is DraftStatus.REJECTED else "",
        "channel_text": texts.trusted(content.channel_text),
        "x_count": X_SPEC.measure(content.x_text),
        "x_limit": X_SPEC.limit,
        "targets": [
            (entry("targets", target.value), target in draft.targets) for target in Target
        ],
    }
    caption = texts.html("preview", x_text=content.x_text, x_shortened=False, **context)
    if telegram_html_length(caption) <= CAPTION_LIMIT:
        return caption

    # Too long for one caption: shorten the X text in the preview only.
    def fits(candidate: str) -> bool:
        rendered = texts.html("preview", x_text=candidate, x_shortened=True, **context)
        return telegram_html_length(rendered) <= CAPTION_LIMIT

    shortened = trim_words(content.x_text, fits)
    return texts.html("preview", x_text=shortened, x_shortened=True, **context)


def main_keyboard(draft: NewsroomDraft, texts: Texts) -> InlineKeyboardMarkup | None:
    """The buttons under a draft, for its status (none once it is settled for good)."""
    label = texts.label
    status = draft.status
    if status in (DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED):
        first = [_button(label("publish"), Verb.PUBLISH, draft)]
        if status is DraftStatus.SCHEDULED:
            first += [
                _button(label("reschedule"), Verb.SCHEDULE_MENU, draft),
                _button(label("unschedule"), Verb.UNSCHEDULE, draft),
            ]
        else:
            first.append(_button(label("schedule"), Verb.SCHEDULE_MENU, draft))
        second = [
            _button(label("edit"), Verb.EDIT_MENU, draft),
            _button(label("regenerate"), Verb.REGENERATE, draft),
            _button(label("reject"), Verb.REJECT_MENU, draft),
        ]
        toggles = [
            _button(
                label("toggle", target.value, target in draft.targets),
                Verb.TOGGLE,
                draft,
                target.value,
            )
            for target in Target
        ]
        return InlineKeyboardMarkup([first, second, toggles])
    if status in (DraftStatus.FAILED, DraftStatus.PARTLY_PUBLISHED):
        row = [_button(label("retry"), Verb.RETRY, draft)]
        if status is DraftStatus.FAILED:
            row.append(_button(label("reject"), Verb.REJECT_MENU, draft))
        return InlineKeyboardMarkup([row])
    return None


def edit_keyboard(draft: NewsroomDraft, texts: Texts) -> InlineKeyboardMarkup:
    label = texts.label
    fields = [
        _button(label("field_button", field.value), Verb.EDIT_FIELD, draft, field.value)
        for field in EditField
    ]
    return InlineKeyboardMarkup([fields, [_button(label("back"), Verb.BACK, draft)]])


def schedule_keyboard(
    draft: NewsroomDraft,
    texts: Texts,
    slots: list[dt.datetime],
    *,
    zone: ZoneInfo,
    now: dt.datetime,
) -> InlineKeyboardMarkup:
    label = texts.label
    buttons = [
        _button(
            label("slot", format_local(slot, zone, now=now)),
            Verb.SCHEDULE_AT,
            draft,
            str(int(slot.timestamp())),
        )
        for slot in slots
    ]
    return InlineKeyboardMarkup([buttons, [_button(label("back"), Verb.BACK, draft)]])


def reject_keyboard(draft: NewsroomDraft, texts: Texts) -> InlineKeyboardMarkup:
    label = texts.label
    return InlineKeyboardMarkup(
        [
            [
                _button(label("reject_now"), Verb.REJECT_NOW, draft),
                _button(label("reject_reason"), Verb.REJECT_REASON, draft),
            ],
            [_button(label("back"), Verb.BACK, draft)],
        ]
    )


def unknown_keyboard(item_id: int, texts: Texts) -> InlineKeyboardMarkup:
    label = texts.label
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label("confirm_sent"),
                    callback_data=NewsroomButton(Verb.CONFIRM_SENT, item_id).encode(),
                ),
                InlineKeyboardButton(
                    label("resend"), callback_data=NewsroomButton(Verb.RESEND, item_id).encode()
                ),
            ]
        ]
    )


def report_keyboard(
    draft: NewsroomDraft, texts: Texts, *, failed: bool, items: list[OutboxItem]
) -> InlineKeyboardMarkup | None:
    """Under a publication report: retry what failed; for a post a feed made without review,
    delete it from the channel in one press."""
    row = []
    if failed:
        row.append(_button(texts.label("retry"), Verb.RETRY, draft))
    channel_post = next(
        (i for i in items if i.kind is PostKind.CHANNEL_POST and i.status is OutboxStatus.SENT),
        None,
    )
    if draft.auto and channel_post is not None:
        data = NewsroomButton(Verb.DELETE_POST, channel_post.id).encode()
        row.append(InlineKeyboardButton(texts.label("delete_post"), callback_data=data))
    return InlineKeyboardMarkup([row]) if row else None


def message_link(chat_id: int | None, message_id: int | None) -> str | None:
    """A t.me link to a message of a supergroup or channel (``-100…`` ids), else None."""
    if chat_id is None or message_id is None:
        return None
    text = str(chat_id)
    if not text.startswith("-100"):
        return None
    return f"https://t.me/c/{text[4:]}/{message_id}"


def _button(text: str, verb: Verb, draft: NewsroomDraft, value: str = "") -> InlineKeyboardButton:
    data = NewsroomButton(verb, draft.id, draft.version, value).encode()
    return InlineKeyboardButton(text, callback_data=data)


def _when(draft: NewsroomDraft, zone: ZoneInfo, now: dt.datetime) -> str:
    if draft.status is DraftStatus.SCHEDULED and draft.scheduled_at is not None:
        return f"{format_local(draft.scheduled_at, zone, now=now)} ({zone.key})"
    return ""


def _decided(draft: NewsroomDraft, zone: ZoneInfo, now: dt.datetime) -> str:
    if draft.decided_by is None or draft.decided_at is None:
        return ""
    verb = "رفضها" if draft.status is DraftStatus.REJECTED else "وافق عليها"
    return f"{verb} {draft.decided_by.label}، {format_local(draft.decided_at, zone, now=now)}"

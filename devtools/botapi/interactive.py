"""Answers to users' interactions: answerCallbackQuery and answerInlineQuery."""

from __future__ import annotations

import time

from devtools.botapi.objects import check_markup
from devtools.botapi.parse_mode import formatted
from devtools.botapi.protocol import (
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    JSONDict,
    bad_request,
)
from devtools.botapi.records import UploadedFile
from devtools.botapi.state import ServerState


class InteractiveMethods(ServerState):
    """Each query answered at most once, within its lifetime, with valid results."""

    def _m_answercallbackquery(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        with self._cond:
            query = self.callback_queries.get(query_id)
            expired = query is None or time.monotonic() - query["_at"] > self.callback_query_ttl
            if expired or query_id in self.callback_answers:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self.callback_answers[query_id] = params
        return True

    def _m_answerinlinequery(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH" if isinstance(results, list) else "results")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        button = params.get("button")
        if button is not None and not str(button.get("text", "")).strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        with self._cond:
            query = self.inline_queries.get(query_id)
            expired = query is None or time.monotonic() - query["_at"] > self.inline_query_ttl
            if expired or query_id in self.inline_answers:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self.inline_answers[query_id] = params
        return True

    def _check_inline_result(self, result: JSONDict, seen: set[str]) -> None:
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        kind = result.get("type")
        if "reply_markup" in result:
            check_markup(result["reply_markup"])
        content = result.get("input_message_content")
        if content is not None:
            text, _ = formatted(content, "message_text", "entities", MAX_TEXT, "MESSAGE_TOO_LONG")
            if not text:
                raise bad_request("MESSAGE_EMPTY")
        if kind == "article":
            if not str(result.get("title", "")).strip() or content is None:
                raise bad_request("RESULT_TYPE_INVALID: article needs title and content")
        elif kind == "photo":
            if "photo_file_id" in result:
                if result["photo_file_id"] not in self.files:
                    raise bad_request("wrong file identifier/HTTP URL specified")
            elif not result.get("photo_url") or not result.get("thumbnail_url"):
                raise bad_request("PHOTO_CONTENT_URL_EMPTY")
            formatted(result, "caption", "caption_entities", MAX_CAPTION, "CAPTION_TOO_LONG")
        else:
            raise bad_request(f"RESULT_TYPE_INVALID: {kind} is not served by the local server")

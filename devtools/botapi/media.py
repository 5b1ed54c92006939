"""Media methods: sendPhoto, sendDocument, sendMediaGroup (multipart uploads kept), getFile."""

from __future__ import annotations

from typing import Any

from devtools.botapi.chats import Chats
from devtools.botapi.objects import photo_sizes, upload_for
from devtools.botapi.protocol import JSONDict, bad_request
from devtools.botapi.records import StoredFile, UploadedFile


class MediaMethods(Chats):
    """Photos and documents by upload, ``attach://`` or earlier ``file_id``."""

    def _m_sendphoto(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        stored = self._input_file(params.get("photo"), files, "photo", "photo")
        message = self._bot_message(chat, params)
        message["photo"] = photo_sizes(stored)
        self._add_caption(message, params)
        return self._save_message(message)

    def _m_senddocument(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        value = params.get("document")
        upload = files.get("document") if value is None else upload_for(value, files)
        stored = self._input_file(value, files, "document", "document")
        message = self._bot_message(chat, params)
        message["document"] = document(stored, upload)
        self._add_caption(message, params)
        return self._save_message(message)

    def _m_sendmediagroup(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> list[JSONDict]:
        chat = self._chat(params)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("media must contain 2-10 items")
        group_id = str(next(self._media_groups) + 10**17)
        sent = []
        for item in media:
            if item.get("type") not in {"photo", "document"}:
                raise bad_request("unsupported media type in a media group")
            stored = self._input_file(item.get("media"), files, item["type"])
            message = self._bot_message(chat, params)
            message["media_group_id"] = group_id
            if item["type"] == "photo":
                message["photo"] = photo_sizes(stored)
            else:
                message["document"] = document(stored, upload_for(item.get("media"), files))
            self._add_caption(message, item)
            sent.append(self._save_message(message))
        return sent

    def _m_getfile(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": f"{stored.kind}s/{stored.file_unique_id}",
        }

    def _input_file(
        self, value: Any, files: dict[str, UploadedFile], kind: str, field: str | None = None
    ) -> StoredFile:
        # A file comes as a multipart part named after the field, as "attach://<part>",
        # or as the file_id of an earlier upload.
        upload = files.get(field) if field and value is None else upload_for(value, files)
        if upload is not None:
            return self._store_file(upload.data, kind)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # The real server would fetch it; a bot that uploads bytes never gets here.
            raise bad_request("failed to get HTTP URL content")
        stored = self.files.get(str(value)) if value else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored


def document(stored: StoredFile, upload: UploadedFile | None) -> JSONDict:
    """A Document object for a stored file (named after its upload when there was one)."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": upload.filename if upload else "file",
        "mime_type": upload.content_type if upload else "application/octet-stream",
        "file_size": len(stored.data),
    }

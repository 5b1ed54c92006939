"""Who may do what: admins and editors from settings, plus editors an admin added in chat.

Journalists (anyone in the editors' group) may submit articles; only editors decide on
drafts; only admins manage editors. The person who pressed a button is what counts, never
the chat the button is in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class EditorStore(Protocol):
    async def is_editor(self, user_id: int) -> bool: ...


class Roles:
    def __init__(
        self,
        *,
        editors: Iterable[int],
        admins: Iterable[int],
        store: EditorStore,
        editors_chat_id: int | None = None,
    ) -> None:
        self._editors = frozenset(editors)
        self._admins = frozenset(admins)
        self._store = store
        self.editors_chat_id = editors_chat_id

    def configured_ids(self) -> frozenset[int]:
        return self._editors | self._admins

    def is_admin(self, user_id: int) -> bool:
        return user_id in self._admins

    def configured_editor(self, user_id: int) -> bool:
        """An editor or admin from the settings (cannot be removed in chat)."""
        return user_id in self._editors or user_id in self._admins

    async def is_editor(self, user_id: int) -> bool:
        """Admins are editors; so are the settings' editors and those added in chat."""
        return self.configured_editor(user_id) or await self._store.is_editor(user_id)

    def may_submit(self, *, chat_id: int, is_editor: bool) -> bool:
        """Editors anywhere; anyone else only from the editors' group."""
        return is_editor or (self.editors_chat_id is not None and chat_id == self.editors_chat_id)

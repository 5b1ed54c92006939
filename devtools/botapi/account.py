"""The bot's own methods: getMe, logOut, close, and its command menus."""

from __future__ import annotations

import json
import re

from devtools.botapi.protocol import JSONDict, bad_request
from devtools.botapi.records import UploadedFile
from devtools.botapi.state import ServerState

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class AccountMethods(ServerState):
    """``getMe`` (with ``is_bot``), ``logOut``, ``close`` and ``*MyCommands`` per scope."""

    def _m_getme(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logout(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_close(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_setmycommands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            self.commands[_commands_key(params)] = commands
        return True

    def _m_getmycommands(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        with self._cond:
            return list(self.commands.get(_commands_key(params), []))

    def _m_deletemycommands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        with self._cond:
            self.commands.pop(_commands_key(params), None)
        return True


def _commands_key(params: JSONDict) -> tuple[str, str]:
    """Command menus are kept per scope and language."""
    return (
        json.dumps(params.get("scope") or {"type": "default"}),
        params.get("language_code", ""),
    )

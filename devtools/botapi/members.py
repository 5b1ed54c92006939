"""What a bot can ask about a chat: getChat, getChatMember, getChatAdministrators."""

from __future__ import annotations

from devtools.botapi.chats import Chats
from devtools.botapi.protocol import JSONDict, bad_request, int_param
from devtools.botapi.records import UploadedFile

# The rights an administrator holds (ChatMemberAdministrator's required fields); channels
# add the posting rights.
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


class MemberMethods(Chats):
    """Chat details and membership as the chat's state holds them (see :meth:`add_member`)."""

    def _m_getchat(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params, sending=False)
        info: JSONDict = {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        return info

    def _m_getchatmember(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params, sending=False)
        user_id = int_param(params, "user_id", required=True)
        with self._cond:
            if user_id == self.bot_user["id"]:
                user, status = self.bot_user, self._bot_status.get(chat["id"], "member")
            else:
                user = self._users.get(user_id)
                status = self._members.get(chat["id"], {}).get(user_id, "left")
        if user is None:
            raise bad_request("user not found")
        return chat_member(user, status, chat)

    def _m_getchatadministrators(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> list[JSONDict]:
        chat = self._chat(params, sending=False)
        if chat["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        with self._cond:
            found = [
                (self._users[user_id], status)
                for user_id, status in self._members.get(chat["id"], {}).items()
                if status in {"creator", "administrator"} and user_id in self._users
            ]
            if self._bot_status.get(chat["id"]) == "administrator":
                found.append((self.bot_user, "administrator"))
        return [chat_member(user, status, chat) for user, status in found]

    def _m_getchatmembercount(self, params: JSONDict, files: dict[str, UploadedFile]) -> int:
        chat = self._chat(params, sending=False)
        with self._cond:
            members = self._members.get(chat["id"], {}).values()
            count = sum(status in {"creator", "administrator", "member"} for status in members)
            bot_in = self._bot_status.get(chat["id"]) in {"member", "administrator"}
        return count + int(bot_in)


def chat_member(user: JSONDict, status: str, chat: JSONDict) -> JSONDict:
    """A ChatMember object of the given status, with the fields PTB requires for it."""
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member["can_be_edited"] = False
        member["is_anonymous"] = False
        member["can_promote_members"] = False
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        if chat["type"] == "channel":
            member.update(can_post_messages=True, can_edit_messages=True)
        else:
            member["can_pin_messages"] = True
    elif status == "kicked":
        member["until_date"] = 0  # for ever
    return member

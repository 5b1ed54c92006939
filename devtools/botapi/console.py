"""Try the bot by hand without a token: the local Bot API server with you as the user.

    .venv/bin/python -m devtools.botapi [--port 8081]

It prints the base URL to put in ``TELEGRAM_API_BASE_URL`` (and the token it accepts),
serves the bundled sample article on 127.0.0.1 so there is a link to share offline, then
reads what you type as messages from one user in a private chat with the bot. What the bot
sends, edits, deletes or answers is printed as it happens; photos are saved to a folder.
Lines starting with ``:`` are the console's own: ``:press N`` presses button N under the
bot's latest message with buttons, ``:inline TEXT`` types ``@bot TEXT``, ``:quit``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from devtools.botapi.flood import TELEGRAM_LIMITS
from devtools.botapi.objects import inline_buttons
from devtools.botapi.protocol import DEFAULT_TOKEN, JSONDict
from devtools.botapi.records import Call
from devtools.botapi.server import BotAPIServer
from devtools.pages import PageServer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-article.html"
QUIET = frozenset({"getupdates", "getme", "setmycommands", "setwebhook", "deletewebhook"})


class Console:
    """Prints the bot's side of the chat; turns typed lines into the user's actions."""

    def __init__(self, api: BotAPIServer, user: JSONDict, out: Path, echo: TextIO) -> None:
        self.api = api
        self.user = user
        self.out = out
        self.echo = echo
        self.keyboard: JSONDict | None = None  # the latest bot message with buttons
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        self._halt.set()

    def command(self, line: str) -> bool:
        """Act on one typed line; False once the user quits."""
        line = line.strip()
        if not line:
            return True
        if line in {":quit", ":q"}:
            return False
        if line.startswith(":press"):
            self._press(line.removeprefix(":press").strip())
        elif line.startswith(":inline"):
            self.api.inline_query(self.user, line.removeprefix(":inline").strip())
        elif line.startswith(":"):
            self._say("commands: :press N, :inline TEXT, :quit")
        else:
            self.api.send_message(self.user, line)
        return True

    def _press(self, number: str) -> None:
        buttons = list(inline_buttons(self.keyboard or {}))
        if not number.isdigit() or not 1 <= int(number) <= len(buttons):
            self._say(f"no button {number!r}: the latest keyboard has {len(buttons)}")
            return
        button = buttons[int(number) - 1]
        if "callback_data" in button:
            assert self.keyboard is not None
            self.api.press_button(self.user, self.keyboard, button["callback_data"])
        else:
            self._say(f"a link button: {button.get('url') or button}")

    def _watch(self) -> None:
        seen = self.api.mark()
        while not self._halt.is_set():
            calls = self.api.next_calls(seen, timeout=0.5)
            seen += len(calls)
            for call in calls:
                self._show(call)

    def _show(self, call: Call) -> None:
        if call.name in QUIET and call.ok:
            if call.name == "setmycommands":
                self._say(f"the bot is connected: @{self.api.bot_user['username']}")
            return
        if not call.ok:
            self._say(f"{call.method} refused: {call.status} {call.error or ''}".rstrip())
            return
        result = call.result
        if call.name == "answercallbackquery":
            kind = "alert" if str(call.params.get("show_alert")).lower() == "true" else "toast"
            self._say(f"({kind}) {call.params.get('text', '')}")
        elif call.name == "answerinlinequery":
            titles = [r.get("title") or r.get("id") for r in call.params.get("results", [])]
            self._say("inline results: " + " | ".join(map(str, titles)))
        elif call.name == "deletemessage":
            self._say(f"deleted message {call.params.get('message_id')}")
        elif call.name == "sendchataction":
            return
        elif isinstance(result, dict) and "message_id" in result:
            edited = call.name.startswith("edit")
            self._message(result, call, edited=edited)
        elif isinstance(result, list):
            for message in result:
                self._message(message, call, edited=False)

    def _message(self, message: JSONDict, call: Call, *, edited: bool) -> None:
        mark = "✎ " if edited else ""
        if "photo" in message:
            biggest = message["photo"][-1]
            path = self._save_photo(biggest["file_id"], message["message_id"])
            self._say(f"{mark}[photo {biggest['width']}×{biggest['height']}: {path}]")
        text = message.get("text") or message.get("caption")
        if text:
            self._say(f"{mark}{text}")
        buttons = list(inline_buttons(message))
        if buttons:
            self.keyboard = message
            for number, button in enumerate(buttons, start=1):
                self._say(f"  [{number}] {button['text']}{_target(button)}")

    def _save_photo(self, file_id: str, message_id: int) -> Path | str:
        stored = self.api.files.get(file_id)
        if stored is None:
            return "(not stored)"
        suffix = ".jpg" if stored.data.startswith(b"\xff\xd8\xff") else ".png"
        path = self.out / f"message-{message_id}-{stored.file_unique_id}{suffix}"
        path.write_bytes(stored.data)
        return path

    def _say(self, text: str) -> None:
        with self._lock:
            name = self.api.bot_user["first_name"]
            self.echo.write(f"{name} ▸ {text}\n")
            self.echo.flush()


def _target(button: JSONDict) -> str:
    """Where a link button leads, shortened to its site and path (:press shows it all)."""
    if "callback_data" in button:
        return ""
    parts = urlsplit(str(button.get("url", "")))
    return f" → {parts.netloc}{parts.path}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.botapi",
        description="A local Telegram Bot API server to try the bot without a token.",
    )
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--user-id", type=int, default=1001)
    parser.add_argument("--name", default="سلمى", help="your first name in the chat")
    parser.add_argument("--out", type=Path, help="where photos go (default: a temp folder)")
    parser.add_argument(
        "--no-flood-limits", action="store_true", help="do not enforce Telegram's limits"
    )
    args = parser.parse_args(argv)
    api = BotAPIServer(
        port=args.port,
        flood=None if args.no_flood_limits else TELEGRAM_LIMITS,
        allow_local_webhooks=True,
    ).start()
    pages = PageServer().start()
    out = args.out or Path(tempfile.mkdtemp(prefix="nashir-botapi-"))
    out.mkdir(parents=True, exist_ok=True)
    article = pages.add("/sample-article.html", body=SAMPLE.read_bytes())
    user = api.user(args.user_id, args.name)
    api.private_chat(user)
    print(f"Local Bot API server: {api.root}")
    print("Start the bot against it in another terminal:")
    print(
        f"  TELEGRAM_BOT_TOKEN={DEFAULT_TOKEN} TELEGRAM_API_BASE_URL={api.root} "
        "FETCH_ALLOW_PRIVATE_HOSTS=true .venv/bin/python main.py run"
    )
    print(f"An article to share: {article}")
    print(f"Photos the bot sends are saved in {out}")
    print(
        f"You are «{args.name}» (id {args.user_id}) in a private chat with "
        f"@{api.bot_user['username']}: type a message and press Enter "
        "(:press N, :inline TEXT, :quit)."
    )
    sys.stdout.flush()
    console = Console(api, user, out, sys.stdout)
    console.start()
    try:
        for line in sys.stdin:
            if not console.command(line):
                break
    except KeyboardInterrupt:
        pass
    finally:
        console.stop()
        api.stop()
        pages.stop()
    return 0

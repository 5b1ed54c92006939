"""The bot's words: Jinja2 templates under ``templates/messages/``.

``*.html.j2`` files are chat messages in Telegram HTML and are autoescaped, so nothing a user
or a web page wrote can break the markup. ``labels.txt.j2`` holds plain-text labels (buttons,
pop-ups, inline titles) that Telegram shows without parsing, so it is not escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bot.paths import TEMPLATES_DIR

MESSAGES_DIR = TEMPLATES_DIR / "messages"


class Texts:
    """Renders chat messages and labels in the configured language(s).

    Args:
        templates_dir: the folder holding ``*.html.j2`` and ``labels.txt.j2``.
        english: add an English line to chat messages (``BOT_LANGUAGE=ar+en``).
    """

    def __init__(self, templates_dir: Path = MESSAGES_DIR, *, english: bool = False) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            # The templates ship with the code: no stat() of the file on every message.
            auto_reload=False,
        )
        self.english = english
        self._labels = self._env.get_template("labels.txt.j2").make_module()

    def html(self, name: str, **context: Any) -> str:
        """A chat message in Telegram HTML, from ``templates/messages/<name>.html.j2``."""
        template = self._env.get_template(f"{name}.html.j2")
        return template.render(english=self.english, **context).strip()

    def trusted(self, markup: str) -> Markup:
        """Mark text that is already valid Telegram HTML (the engine's Telegram draft)."""
        return Markup(markup)

    def entry(self, table: str, key: str) -> str:
        """One entry of a ``{% set table = {...} %}`` mapping of labels."""
        return str(getattr(self._labels, table)[key])

    def label(self, name: str, *args: Any) -> str:
        """A plain label: a ``{% set %}`` value, a macro called with ``args``, or the entry
        ``args[0]`` of a ``{% set %}`` table."""
        value = getattr(self._labels, name)
        if callable(value):
            value = value(*args)
        elif args:
            value = value[args[0]]
        return str(value).strip()

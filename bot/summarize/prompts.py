"""The LLM's instructions, one Jinja2 template per platform, editable by the publisher.

``templates/prompts/system.j2`` holds the rules every answer must follow;
``templates/prompts/<platform>.j2`` (extending ``_base.j2``) says what to write for that
platform, and ``default.j2`` serves any platform without its own file. Prompts are plain
text, not HTML, so nothing is escaped.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import regex

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "templates" / "prompts"
MAX_ARTICLE_CHARS = 12_000
_PLATFORM_NAME = regex.compile(r"[a-z][a-z0-9_]*")


class PromptLibrary:
    """Renders the chat messages for one summary request."""

    def __init__(self, directory: Path = DEFAULT_DIRECTORY) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=False,  # plain-text prompts for a model, never HTML
            undefined=jinja2.StrictUndefined,
        )
        self._names = frozenset(self._env.list_templates(extensions=["j2"]))

    def messages(
        self,
        *,
        platform_name: str,
        article: str,
        title: str | None,
        problem: str | None = None,
    ) -> list[dict[str, str]]:
        """System and user messages for an OpenAI-compatible chat completion.

        Args:
            platform_name: ``Platform`` value such as "x" or "telegram".
            article: The article body; only its first ``MAX_ARTICLE_CHARS`` are sent.
            title: The headline, if known.
            problem: Arabic reason the previous answer was refused, for the one retry.

        Returns:
            ``[{"role": "system", ...}, {"role": "user", ...}]``.
        """
        name = platform_name.strip().lower()
        template = f"{name}.j2"
        if not _PLATFORM_NAME.fullmatch(name) or template not in self._names:
            template = "default.j2"
        user = self._env.get_template(template).render(
            article=article[:MAX_ARTICLE_CHARS].strip(),
            title=(title or "").strip(),
            problem=problem,
        )
        system = self._env.get_template("system.j2").render()
        return [
            {"role": "system", "content": system.strip()},
            {"role": "user", "content": user.strip()},
        ]

"""Where the project's own files live (templates, examples), independent of the working folder."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
SAMPLE_ARTICLE = EXAMPLES_DIR / "sample-article.html"

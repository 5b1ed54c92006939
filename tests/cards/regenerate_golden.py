"""Regenerate the card goldens on purpose, after a deliberate design change.

    .venv/bin/python tests/cards/regenerate_golden.py            # all themes and sizes
    .venv/bin/python tests/cards/regenerate_golden.py solid x    # one theme, one size

Writes the half-size PNGs and ``golden/regions.json`` (where each text line was drawn). Look
at every changed image before committing it: the golden test only proves that cards did not
change, not that they are right.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image

from bot.models import CardSize
from tests.cards.golden_cases import (
    THEMES,
    case_name,
    cases,
    golden_path,
    golden_renderer,
    load_regions,
    regions,
    render_case,
    save_regions,
)
from tests.cards.imagediff import difference, to_golden


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("theme", nargs="?", choices=THEMES)
    parser.add_argument("size", nargs="?", choices=[s.value for s in CardSize])
    args = parser.parse_args(argv)
    stored = load_regions()
    with tempfile.TemporaryDirectory() as tmp:
        renderer = golden_renderer(Path(tmp))
        for theme, size in cases():
            if (args.theme and theme != args.theme) or (args.size and size.value != args.size):
                continue
            path = golden_path(theme, size)
            composition = render_case(renderer, theme, size)
            image = to_golden(composition.image)
            if path.exists():
                with Image.open(path) as old:
                    change = difference(old, image)
                status = "unchanged" if change.mean == 0 else f"changed: {change}"
            else:
                status = "new"
            path.parent.mkdir(parents=True, exist_ok=True)
            image.save(path, "PNG", optimize=True)
            stored[case_name(theme, size)] = regions(composition)
            print(f"{path.name}: {status}")
    save_regions(stored)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

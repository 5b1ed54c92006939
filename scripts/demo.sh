#!/usr/bin/env bash
# Set up, then run `share` on the bundled sample article with the embedded defaults
# (SQLite under data/, the offline summarizer, no Telegram or X credentials needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py share examples/sample-article.html --out out "$@"

#!/usr/bin/env bash
# Set up, then run the linters and the whole test suite (offline: every peer is local).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-postgresql
if [ -z "${PG_TEST_DSN:-}" ] && [ -z "${NASHIR_REQUIRE_POSTGRES:-}" ] \
        && { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }; then
    # PostgreSQL is here: its tests must run, and fail rather than skip if it cannot start.
    export NASHIR_REQUIRE_POSTGRES=1
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    # pytest's "no tests collected": a suite that ran nothing has not passed.
    echo "test: pytest collected no tests; treating that as a failure." >&2
    exit 1
fi
exit "$status"

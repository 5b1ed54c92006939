#!/usr/bin/env bash
# Set up everything Nashir needs on a fresh Debian machine with Python 3.11+:
# the system library Pillow's Raqm layout loads (libfribidi0, when run as root), a virtual
# environment in .venv, a current pip, and the project's packages with the test tools.
# With --with-postgresql (scripts/test.sh passes it) it also installs the PostgreSQL server
# (and PgBouncer) when run as root, so that the tests cover both storage engines.
# Safe to run again: it reinstalls packages only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_POSTGRESQL=0
for arg in "$@"; do
    case "$arg" in
        --with-postgresql) WITH_POSTGRESQL=1 ;;
        *) echo "setup: unknown option $arg" >&2; exit 2 ;;
    esac
done

PYTHON="${PYTHON:-python3}"
VENV=".venv"

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "Nashir needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1 || echo missing)." >&2
    exit 1
fi

apt_install() {
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Debian packages: $*"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
        return 0
    fi
    return 1
}

# Pillow's wheel has Raqm built in but loads FriBiDi from the system.
if ! ldconfig -p 2>/dev/null | grep -q 'libfribidi\.so\.0'; then
    if ! apt_install libfribidi0; then
        echo "setup: libfribidi0 is missing and this is not root: cards will use the slower" >&2
        echo "       fallback text engine. Ask an administrator: apt-get install libfribidi0" >&2
    fi
fi

if [ "$WITH_POSTGRESQL" -eq 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
        && ! command -v initdb >/dev/null 2>&1; then
    # The tests start a throwaway server of their own (as the 'postgres' user when root).
    if ! apt_install postgresql; then
        echo "setup: PostgreSQL is not installed and this is not root (or apt failed): its" >&2
        echo "       tests will be skipped. Ask an administrator: apt-get install postgresql" >&2
    fi
fi
if [ "$WITH_POSTGRESQL" -eq 1 ] && ! command -v pgbouncer >/dev/null 2>&1 \
        && ! [ -x /usr/sbin/pgbouncer ]; then
    # The multi-worker deployment may sit behind PgBouncer (docs/deploy.md); one storage
    # test runs the lease and the claims through a real one in transaction mode.
    apt_install pgbouncer || echo "setup: PgBouncer is not installed: its one test is skipped." >&2
fi

if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian ships venv separately (python3-venv / python3.11-venv).
        rm -rf "$VENV"
        version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_install "python${version}-venv" || apt_install python3-venv || {
            echo "setup: '$PYTHON -m venv' failed; install python3-venv (as root) and retry." >&2
            exit 1
        }
        "$PYTHON" -m venv "$VENV"
    fi
fi

stamp="$VENV/.nashir-installed"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    # The pip that ships with Python 3.11 fails to resolve lxml[html-clean]: upgrade it first.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
    echo "$wanted" > "$stamp"
fi
echo "setup: ready ($("$VENV/bin/python" --version), raqm: $("$VENV/bin/python" -c 'from PIL import features; print(features.check("raqm"))'))"

"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temp dir.

The server refuses to run as root, so as root it runs as the ``postgres`` user (Debian's
package creates it). It listens on 127.0.0.1 and a socket in its own folder, trusts local
connections and skips fsync: it is thrown away with the run.

``PG_TEST_DSN`` (a server someone else runs) takes precedence over starting one;
:func:`unavailable_reason` says in one line why neither is possible, for a loud skip.

    python -m devtools.pgserver      # start one, print its DSN, stop on Ctrl+C
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devtools.ports import free_port

_SERVICE_USER = "postgres"


def find_bin() -> Path | None:
    """The newest PostgreSQL ``bin`` folder with initdb and pg_ctl (Debian's layout, or PATH)."""

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in folder.parent.name.split(".") if part.isdigit())

    found = Path("/usr/lib/postgresql").glob("*/bin")
    for folder in sorted(found, key=version, reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _as_root() -> bool:
    return os.geteuid() == 0


def unavailable_reason() -> str | None:
    """Why a server cannot be started here, or ``None`` when it can."""
    if os.environ.get("PG_TEST_DSN"):
        return None
    if find_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql, or set PG_TEST_DSN)"
    if _as_root():
        try:
            pwd.getpwnam(_SERVICE_USER)
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    try:
        import asyncpg  # noqa: F401
    except ImportError:
        return "the asyncpg package is not installed"
    return None


@dataclass
class PostgresServer:
    """A running server; :meth:`stop` removes it and its files."""

    dsn: str
    folder: Path | None = None
    bin_dir: Path | None = None

    @classmethod
    def start(cls, *, settings: Sequence[str] = ()) -> PostgresServer:
        """Use ``PG_TEST_DSN`` when set, else start a private server (about a second).

        ``settings`` are more ``name=value`` server settings for a private server (a
        benchmark loads ``shared_preload_libraries=pg_stat_statements`` to count queries).
        """
        external = os.environ.get("PG_TEST_DSN")
        if external:
            return cls(dsn=external)
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        bin_dir = find_bin()
        assert bin_dir is not None
        folder = Path(tempfile.mkdtemp(prefix="nashir-pg-"))
        folder.chmod(0o755)
        if _as_root():
            account = pwd.getpwnam(_SERVICE_USER)
            os.chown(folder, account.pw_uid, account.pw_gid)
        port = free_port()
        server = cls(
            dsn=f"postgresql://postgres@127.0.0.1:{port}/postgres", folder=folder, bin_dir=bin_dir
        )
        server._run(
            str(bin_dir / "initdb"),
            *("-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            *("--no-sync", "--locale=C"),
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            + "".join(f" -c {setting}" for setting in settings)
        )
        server._run(
            str(bin_dir / "pg_ctl"),
            *("-D", str(folder / "data"), "-l", str(folder / "log"), "-w", "-o", options),
            "start",
        )
        return server

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", _SERVICE_USER, "--"] if _as_root() else []
        started = time.monotonic()
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            log = ""
            if self.folder and (self.folder / "log").exists():
                log = (self.folder / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(
                f"{Path(command[0]).name} failed after {time.monotonic() - started:.1f} s:"
                f" {result.stderr.strip()[-1500:]} {log}"
            )

    def stop(self) -> None:
        if self.folder is None or self.bin_dir is None:
            return
        try:
            self._run(
                str(self.bin_dir / "pg_ctl"),
                *("-D", str(self.folder / "data"), "-m", "immediate", "-w"),
                "stop",
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def main() -> int:
    server = PostgresServer.start()
    print(server.dsn, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())

"""A throwaway PgBouncer in transaction pooling mode, in front of a test PostgreSQL server.

In transaction mode a client's statements run on whichever server connection is free at
each transaction: nothing a session remembers (``SET``, ``LISTEN``, a session-level advisory
lock) survives from one transaction to the next. What must work through it — the leader
lease, the once-only claims — is checked against this. Like :mod:`devtools.pgserver` it
runs as the ``postgres`` user when started as root (PgBouncer refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from devtools.ports import free_port
from devtools.process_group import stop_group

_SERVICE_USER = "postgres"


def find_pgbouncer() -> str | None:
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )


@dataclass
class PgBouncer:
    """A running PgBouncer; :meth:`dsn` names a database behind it."""

    port: int
    user: str
    folder: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, upstream_dsn: str, *, server_connections: int = 2) -> PgBouncer:
        """Every database of the server at ``upstream_dsn``, ``server_connections`` server
        connections per database shared by all clients.

        Raises:
            RuntimeError: PgBouncer is not installed or did not start.
        """
        binary = find_pgbouncer()
        if binary is None:
            raise RuntimeError("PgBouncer is not installed (apt-get install pgbouncer)")
        upstream = urlsplit(upstream_dsn)
        user = upstream.username or _SERVICE_USER
        folder = Path(tempfile.mkdtemp(prefix="nashir-pgbouncer-"))
        as_root = os.geteuid() == 0
        if as_root:
            account = pwd.getpwnam(_SERVICE_USER)
            os.chown(folder, account.pw_uid, account.pw_gid)
        port = free_port()
        ini = folder / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host={upstream.hostname or '127.0.0.1'} port={upstream.port or 5432}"
            f" user={user}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            "auth_type = any\npool_mode = transaction\n"
            f"default_pool_size = {server_connections}\nmin_pool_size = 0\n"
            "reserve_pool_size = 0\nmax_client_conn = 200\n"
            f"logfile = {folder / 'pgbouncer.log'}\n",
            encoding="utf-8",
        )
        prefix = ["runuser", "-u", _SERVICE_USER, "--"] if as_root else []
        process = subprocess.Popen(
            [*prefix, binary, str(ini)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        bouncer = cls(port=port, user=user, folder=folder, process=process)
        deadline = time.monotonic() + 20
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = bouncer.log()
                bouncer.stop()
                raise RuntimeError(f"PgBouncer did not start: {log[-1500:]}")
            time.sleep(0.05)
        return bouncer

    def dsn(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        stop_group(self.process, timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0

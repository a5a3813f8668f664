"""Behind PgBouncer in transaction mode (the CloudNativePG Pooler of the API) the services'
database settings work: TRUST_DATABASE_PGBOUNCER=true turns off asyncpg's prepared-statement
cache, without which statements prepared on one server connection are looked for on another
(docs/operations.md#connection-budget). Needs the pgbouncer binary (Debian package pgbouncer)."""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from trust_common.db import create_engine, session_factory
from trust_common.settings import CommonSettings
from trust_common.testing.infrastructure import PG_ADMIN_URL, ensure_infrastructure

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
pytestmark = pytest.mark.skipif(not os.path.exists(PGBOUNCER), reason="pgbouncer is not installed")


@pytest.fixture(scope="module")
def pooler():
    """A PgBouncer in transaction mode with 2 server connections in front of the test PostgreSQL."""
    ensure_infrastructure()
    # Not under pytest's tmp (private to root): pgbouncer runs as another user when we are root.
    work = Path(tempfile.mkdtemp(prefix="trust-pgbouncer-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    user, password = PG_ADMIN_URL.split("//", 1)[1].split("@")[0].split(":")
    host, pg_port = PG_ADMIN_URL.split("@", 1)[1].split("/")[0].split(":")
    (work / "pgbouncer.ini").write_text(f"""
[databases]
trust = host={host} port={pg_port} dbname=postgres user={user} password={password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
logfile = {work}/pgbouncer.log
pidfile = {work}/pgbouncer.pid
""")
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        subprocess.run(["chown", "-R", "postgres", str(work)], check=True)
    cmd = [PGBOUNCER, *(["-u", "postgres"] if os.geteuid() == 0 else []), str(work / "pgbouncer.ini")]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert process.poll() is None and time.monotonic() < deadline, (work / "pgbouncer.log").read_text()
        time.sleep(0.1)
    yield f"postgresql+asyncpg://{user}:{password}@127.0.0.1:{port}/trust"
    process.terminate()
    process.wait(10)
    shutil.rmtree(work, ignore_errors=True)


async def _transactions(url: str, pgbouncer: bool, rounds: int = 20) -> list[BaseException]:
    """Many short transactions from 5 pooled client connections over 2 server connections."""
    engine = create_engine(CommonSettings(environment="test", database_url=url, database_pool_size=5,
                                          database_pgbouncer=pgbouncer))
    sessions = session_factory(engine)

    async def one(n: int) -> None:
        async with sessions() as session, session.begin():
            for i in range(3):
                value = (await session.execute(text("SELECT CAST(:n AS int) + :i"), {"n": n, "i": i})).scalar_one()
                assert value == n + i

    errors: list[BaseException] = []
    try:
        for _ in range(rounds):
            results = await asyncio.gather(*(one(n) for n in range(10)), return_exceptions=True)
            errors.extend(r for r in results if isinstance(r, BaseException))
    finally:
        await engine.dispose()
    return errors


async def test_the_services_run_through_transaction_pooling_with_the_pgbouncer_setting(pooler):
    assert await _transactions(pooler, pgbouncer=True) == []


async def test_without_it_prepared_statements_break_across_server_connections(pooler):
    errors = await _transactions(pooler, pgbouncer=False)
    assert errors, "the control should fail: otherwise the test above proves nothing"
    assert any("prepared statement" in str(e) for e in errors), [str(e)[:200] for e in errors[:3]]

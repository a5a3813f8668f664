"""Engine and sessions: created in bootstrap, never at import."""
from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from trust_common.settings import CommonSettings


def create_engine(settings: CommonSettings) -> AsyncEngine:
    url = settings.database_url.get_secret_value()
    connect_args: dict[str, Any] = {}
    if settings.database_pgbouncer:
        # PgBouncer's transaction pooling hands each transaction any server connection: a statement
        # prepared on one is unknown on the next. No caches, and unique names for the unnamed ones.
        connect_args = {"statement_cache_size": 0,
                        "prepared_statement_name_func": lambda: f"__asyncpg_{uuid4()}__"}
        url += ("&" if "?" in url else "?") + "prepared_statement_cache_size=0"
    return create_async_engine(
        url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        # No pre-ping: it costs a round trip on every checkout. A connection that died (a database
        # restart, a failover) fails its first statement, is invalidated by the pool, and the
        # request answers 503 / the worker waits the outage out (trust_common.outages).
        pool_pre_ping=False,
        connect_args=connect_args,
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def asyncpg_dsn(settings: CommonSettings) -> str:
    """The plain libpq URL (for LISTEN connections and admin tasks)."""
    return settings.database_url.get_secret_value().replace("postgresql+asyncpg://", "postgresql://", 1)

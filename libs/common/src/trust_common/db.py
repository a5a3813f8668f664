"""Engine and sessions: created in bootstrap, never at import."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from trust_common.settings import CommonSettings


def create_engine(settings: CommonSettings) -> AsyncEngine:
    return create_async_engine(
        settings.database_url.get_secret_value(),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        pool_pre_ping=True,
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def asyncpg_dsn(settings: CommonSettings) -> str:
    """The plain libpq URL (for LISTEN connections and admin tasks)."""
    return settings.database_url.get_secret_value().replace("postgresql+asyncpg://", "postgresql://", 1)

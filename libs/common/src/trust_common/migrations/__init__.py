"""Alembic support shared by every service: the `common` branch of infrastructure tables
(outbox, inbox, timers, idempotency keys, platform projections), and the one env.py and
revision template every service's migrations run with.

A service database holds two branches: `common` and the service's own; `upgrade heads`
applies both.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData

HERE = Path(__file__).parent
COMMON_VERSIONS = HERE / "versions"


def alembic_config(service_migrations: Path, database_url: str) -> Config:
    """An Alembic config for a service whose versions live in `service_migrations/versions`."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("version_locations", f"{service_migrations / 'versions'} {COMMON_VERSIONS}")
    config.set_main_option("path_separator", "space")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(service_migrations: Path, database_url: str) -> None:
    """Apply every migration of both branches (blocking; run in a thread from async code)."""
    command.upgrade(alembic_config(service_migrations, database_url), "heads")


def service_settings_url(reference: str) -> str:
    """The database URL of the service `module:attribute` names (for the alembic CLI)."""
    import importlib

    module, _, attribute = reference.partition(":")
    if not module or not attribute:
        raise SystemExit("alembic.ini needs `service = <package>.bootstrap:SERVICE` or a sqlalchemy.url")
    service = getattr(importlib.import_module(module), attribute)
    return str(service.settings().database_url.get_secret_value())


def run_env(target_metadata: MetaData | None = None) -> None:
    """The body of env.py (async engine, online mode only)."""
    from alembic import context
    from sqlalchemy.ext.asyncio import create_async_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database URL: set sqlalchemy.url or the service's TRUST_DATABASE_URL")

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run())

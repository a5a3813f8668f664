"""Alembic environment: the shared async runner with this service's URL."""
from alembic import context

from trust_common.migrations import run_env

if not context.config.get_main_option("sqlalchemy.url"):
    from notifier.settings import Settings

    context.config.set_main_option("sqlalchemy.url", Settings().database_url.get_secret_value())
run_env()

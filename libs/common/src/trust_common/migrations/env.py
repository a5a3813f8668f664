"""Alembic's environment for every service: the async runner, written once.

The service comes from the config: `sqlalchemy.url` when the caller gives it (the
`<service>-migrate` script, tests), otherwise the `service` option of the service's
alembic.ini (`shop_binding.bootstrap:SERVICE`) names whose settings hold the URL.
"""
from alembic import context

from trust_common.migrations import run_env, service_settings_url

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", service_settings_url(config.get_main_option("service") or ""))
run_env()

"""Settings of the notifier service."""
from __future__ import annotations

from pydantic import SecretStr

from trust_common.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "notifier"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/notifier")
    http_port: int = 8104

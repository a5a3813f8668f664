"""Settings of the shop-binding service."""
from __future__ import annotations

from pydantic import SecretStr

from trust_common.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "shop-binding"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/shop_binding")
    http_port: int = 8103

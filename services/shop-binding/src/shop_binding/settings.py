"""Settings of the shop-binding service."""
from __future__ import annotations

from pydantic import SecretStr

from trust_common.settings import CommonSettings

# LINK-1 beta markets: Asia-Pacific (ISO 3166-1 alpha-2).
ASIA_PACIFIC = ["AU", "BD", "BN", "CN", "HK", "ID", "IN", "JP", "KH", "KR", "LA", "LK", "MM", "MN", "MO", "MY",
                "NP", "NZ", "PG", "PH", "PK", "SG", "TH", "TW", "VN"]


class Settings(CommonSettings):
    service_name: str = "shop-binding"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/shop_binding")
    http_port: int = 8103
    # The edge gateway resolves the client's network location and passes it on in this header (SHOP-9).
    network_country_header: str = "X-Client-Country"
    # LINK-1: markets where business-centre links are enabled (TRUST_LINK_MARKETS='["SG","JP"]').
    link_markets: list[str] = ASIA_PACIFIC

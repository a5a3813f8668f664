"""Settings of the shop-binding service."""
from __future__ import annotations

from pydantic import SecretStr

from trust_common.settings import PLACEHOLDER_SECRETS, CommonSettings

# LINK-1 beta markets: Asia-Pacific (ISO 3166-1 alpha-2).
ASIA_PACIFIC = ["AU", "BD", "BN", "CN", "HK", "ID", "IN", "JP", "KH", "KR", "LA", "LK", "MM", "MN", "MO", "MY",
                "NP", "NZ", "PG", "PH", "PK", "SG", "TH", "TW", "VN"]

# Development key only: production refuses it (placeholder_problems).
DEV_BUSINESS_CENTRE_ASSERTION_KEY = SecretStr("dev-only-business-centre-assertion-key-not-for-production")


class Settings(CommonSettings):
    service_name: str = "shop-binding"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/shop_binding")
    http_port: int = 8103
    # The edge gateway resolves the client's network location and passes it on in this header (SHOP-9).
    network_country_header: str = "X-Client-Country"
    # LINK-1: markets where business-centre links are enabled (TRUST_LINK_MARKETS='["SG","JP"]').
    link_markets: list[str] = ASIA_PACIFIC
    # LINK-1: the key the business centre signs its proofs of control with (HMAC-SHA256), shared with us.
    business_centre_assertion_key: SecretStr = DEV_BUSINESS_CENTRE_ASSERTION_KEY
    # LINK-2: the version of the business centre's terms a user must accept to link (the centre publishes it).
    business_centre_terms_version: str = "2024-06"

    def placeholder_problems(self) -> list[str]:
        key = self.business_centre_assertion_key.get_secret_value()
        if key in PLACEHOLDER_SECRETS or key == DEV_BUSINESS_CENTRE_ASSERTION_KEY.get_secret_value():
            return ["TRUST_BUSINESS_CENTRE_ASSERTION_KEY is the development key or a placeholder"]
        return []

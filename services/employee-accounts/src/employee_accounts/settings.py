"""Settings of the employee-accounts service."""
from __future__ import annotations

from pydantic import SecretStr

from trust_common.settings import CommonSettings

# Development keys only: production refuses them (placeholder_problems).
DEV_PII_KEYS = {"dev-1": SecretStr("ZGV2LW9ubHktcGlpLWtleS0xLW5vdC1mb3ItcHJvZCE=")}
DEV_PII_HASH_KEY = SecretStr("dev-only-pii-hash-key-not-for-production")


class Settings(CommonSettings):
    service_name: str = "employee-accounts"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/employee_accounts")
    http_port: int = 8102

    # AES-256-GCM keys by id (base64 of 32 bytes); several may be present, one is active.
    pii_keys: dict[str, SecretStr] = DEV_PII_KEYS
    pii_active_key_id: str = "dev-1"
    # the keyed hash beside each ciphertext, for lookups and uniqueness.
    pii_hash_key: SecretStr = DEV_PII_HASH_KEY

    # Argon2id cost of stored passwords (EMP-5).
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    argon2_parallelism: int = 2

    employee_session_hours: int = 12
    # Issue 13: sign-in attempts are limited per client address. Behind an ingress the socket's peer is the
    # ingress: name the header it sets (e.g. `X-Forwarded-For`, `X-Real-IP`); its last entry is the address the
    # ingress saw. Unset: the socket's peer (development, tests, or an edge that hides nothing).
    sign_in_client_address_header: str | None = None

    def placeholder_problems(self) -> list[str]:
        problems = []
        dev_keys = {key.get_secret_value() for key in DEV_PII_KEYS.values()}
        if any(key.get_secret_value() in dev_keys for key in self.pii_keys.values()):
            problems.append("TRUST_PII_KEYS holds the development key")
        if self.pii_hash_key.get_secret_value() == DEV_PII_HASH_KEY.get_secret_value():
            problems.append("TRUST_PII_HASH_KEY is the development key")
        if self.pii_active_key_id not in self.pii_keys:
            problems.append("TRUST_PII_ACTIVE_KEY_ID names no key of TRUST_PII_KEYS")
        return problems

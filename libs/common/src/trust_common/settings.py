"""Typed settings shared by every service; nothing else reads the environment."""
from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that only make sense on a developer machine: refused anywhere else.
PLACEHOLDER_SECRETS = frozenset({"", "changethis", "dev-only-secret-not-for-production-use", "trust", "secret",
                                 "password"})

Environment = Literal["development", "test", "production"]


class CommonSettings(BaseSettings):
    """Settings every service has; each service subclasses it with its own defaults."""

    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore")

    service_name: str = "trust"
    environment: Environment = "development"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/trust")
    database_pool_size: int = 10
    # Connections beyond the pool break the connection budget (docs/operations.md#connection-budget).
    database_max_overflow: int = 0
    # Behind PgBouncer in transaction mode (the CloudNativePG Pooler): no server-side statement cache.
    database_pgbouncer: bool = False
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000

    jwt_algorithms: list[str] = ["HS256"]
    jwt_secret: SecretStr = SecretStr("dev-only-secret-not-for-production-use")
    jwt_public_key: str | None = None
    # Key rotation: tokens name their key with the `kid` header; during a rotation the old and
    # the new public key are both listed here (JSON object kid → PEM).
    jwt_public_keys: dict[str, str] = {}
    jwt_issuer: str = "https://auth.trust.local"
    jwt_audience: str = "trust-platform"

    otel_exporter: Literal["none", "console", "otlp", "memory"] = "none"
    trace_sample_ratio: float = 1.0
    log_level: str = "INFO"
    log_json: bool = True

    relay_batch_size: int = 200
    relay_poll_seconds: float = 1.0
    consumer_max_attempts: int = 3
    # Records handled per partition in one unit of work (one inbox insert, one commit).
    consumer_batch_size: int = 200
    # A worker loop that dies is restarted with back-off; this many failures in the window stop the process.
    worker_loop_max_failures: int = 5
    worker_loop_failure_window_seconds: int = 300
    worker_exit_grace_seconds: float = 10.0
    consumer_retry_backoff_seconds: float = 0.2
    # Durable timers (trust_common.timers): each loop claims due timers in batches of up to
    # `timer_batch_size`, one transaction each, cut short after `timer_batch_seconds` of handling.
    timer_poll_seconds: float = 0.5
    timer_batch_size: int = 100
    timer_batch_seconds: float = 0.2
    timer_concurrency: int = 4
    # A failing timer is never given up: retried after back-off doubling from the first, up to the cap.
    timer_retry_backoff_seconds: float = 30.0
    timer_retry_max_backoff_seconds: float = 900.0
    # A handler waiting longer than this on a row lock puts its timer back for the next claim.
    timer_lock_timeout_ms: int = 200
    # How often the pending and failing gauges are counted (one worker loop, not every poll).
    timer_gauge_seconds: float = 15.0
    # Stripe keeps keys for 24 hours: a retry within that replays, the worker removes older ones.
    idempotency_retention_hours: int = 24
    # Retention of infrastructure rows (trust_common.retention): removed in batches by the worker.
    retention_interval_seconds: float = 60.0
    retention_batch_size: int = 1000
    outbox_retention_hours: int = 24
    inbox_retention_days: int = 8  # longer than the topics keep messages (7 days): no redelivery after
    timer_retention_days: int = 30
    # Bodies sent with an Idempotency-Key are buffered (hashed, replayed to the app): bounded.
    idempotency_max_body_bytes: int = 11 * 1024 * 1024

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> CommonSettings:
        if self.environment == "development" or self.environment == "test":
            return self
        problems = []
        if "HS256" in self.jwt_algorithms and self.jwt_secret.get_secret_value() in PLACEHOLDER_SECRETS:
            problems.append("TRUST_JWT_SECRET is a placeholder")
        if (any(a.startswith(("RS", "ES", "PS")) for a in self.jwt_algorithms)
                and not (self.jwt_public_key or self.jwt_public_keys)):
            problems.append("TRUST_JWT_PUBLIC_KEY is required for asymmetric algorithms")
        url = self.database_url.get_secret_value()
        if ":trust@" in url or ":password@" in url:
            problems.append("TRUST_DATABASE_URL carries a placeholder password")
        problems.extend(self.placeholder_problems())
        if problems:
            raise ValueError(f"refusing to start in {self.environment}: " + "; ".join(problems))
        return self

    def placeholder_problems(self) -> list[str]:
        """Service settings add their own secret checks here."""
        return []

    def topic(self, name: str) -> str:
        """The physical topic of a logical one (a prefix isolates test runs and environments)."""
        return f"{self.topic_prefix}{name}"

    @property
    def dead_letter_topic(self) -> str:
        """Where this service parks messages it could not process."""
        return self.topic(f"{self.service_name}.dlt")

    @property
    def consumer_group(self) -> str:
        return f"{self.topic_prefix}{self.service_name}"

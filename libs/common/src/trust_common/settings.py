"""Typed settings shared by every service; nothing else reads the environment.

They fail closed: `TRUST_ENVIRONMENT` has no default (a process that does not say where it
runs refuses to start), and production refuses every development placeholder.
"""
from __future__ import annotations

import sys
from typing import Any, Literal, TypeVar

from pydantic import SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Values that only make sense on a developer machine: refused anywhere else.
PLACEHOLDER_SECRETS = frozenset({"", "changethis", "dev-only-secret-not-for-production-use", "trust", "secret",
                                 "password"})

Environment = Literal["development", "test", "production"]
# RFC 7518 3.2: an HMAC key at least as long as the hash output (an unknown HS* gets the longest).
MIN_HMAC_SECRET_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
ASYMMETRIC_PREFIXES = ("RS", "ES", "PS", "Ed")
MISSING_ENVIRONMENT = ("TRUST_ENVIRONMENT is not set: set it to development, test or production "
                       "(there is no default, so a production process can never start as development)")
# The CLIs' --help says it too.
ENVIRONMENT_HELP = ("Settings come from TRUST_* environment variables; TRUST_ENVIRONMENT (development, test or "
                    "production) is required: the local stack's is development.")

S = TypeVar("S", bound="CommonSettings")


class CommonSettings(BaseSettings):
    """Settings every service has; each service subclasses it with its own defaults."""

    # Errors never echo the values: they would print secrets into a crash log.
    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore", hide_input_in_errors=True)

    service_name: str = "trust"
    environment: Environment  # no default: see MISSING_ENVIRONMENT
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
    # /docs, /redoc, /openapi.json and /metrics on a port of their own, which only the cluster
    # reaches: always in production (9000 unless set; the public port then has none of them),
    # elsewhere only when set (docs/operations.md#api-surface).
    internal_port: int | None = None
    # Request bodies above this are refused with 413 before they are read; a route that takes
    # uploads declares its own limit (trust_common.limits.max_body).
    http_max_body_bytes: int = 1024 * 1024

    jwt_algorithms: list[str] = ["HS256"]
    jwt_secret: SecretStr = SecretStr("dev-only-secret-not-for-production-use")
    jwt_public_key: str | None = None
    # Key rotation: tokens name their key with the `kid` header; during a rotation the old and
    # the new public key are both listed here (JSON object kid → PEM).
    jwt_public_keys: dict[str, str] = {}
    jwt_issuer: str = "https://auth.trust.local"
    jwt_audience: str = "trust-platform"
    # A token whose lifetime (exp - iat) is longer is refused, however it was signed.
    jwt_max_lifetime_seconds: int = 24 * 3600

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

    @model_validator(mode="before")
    @classmethod
    def _require_environment(cls, values: Any) -> Any:
        if isinstance(values, dict) and values.get("environment") in (None, ""):
            raise ValueError(MISSING_ENVIRONMENT)
        return values

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> CommonSettings:
        if self.environment == "development" or self.environment == "test":
            return self
        problems = []
        hmac = [a for a in self.jwt_algorithms if a.upper().startswith("HS")]
        if hmac:
            secret = self.jwt_secret.get_secret_value()
            needed = max(MIN_HMAC_SECRET_BYTES.get(a.upper(), 64) for a in hmac)
            if secret in PLACEHOLDER_SECRETS:
                problems.append("TRUST_JWT_SECRET is a placeholder")
            elif len(secret.encode()) < needed:
                problems.append(f"TRUST_JWT_SECRET is shorter than the {needed} bytes {', '.join(hmac)} needs")
        if (any(a.startswith(ASYMMETRIC_PREFIXES) for a in self.jwt_algorithms)
                and not (self.jwt_public_key or self.jwt_public_keys)):
            problems.append("TRUST_JWT_PUBLIC_KEY is required for asymmetric algorithms")
        if _placeholder_password(self.database_url.get_secret_value()):
            problems.append("TRUST_DATABASE_URL carries a placeholder password")
        problems.extend(self.placeholder_problems())
        if problems:
            raise ValueError(f"refusing to start in {self.environment}: " + "; ".join(problems))
        return self

    def placeholder_problems(self) -> list[str]:
        """Service settings add their own secret checks here."""
        return []

    @property
    def operations_port(self) -> int | None:
        """Where the API serves its docs, schema and metrics apart from the public port, if anywhere."""
        return self.internal_port or (9000 if self.environment == "production" else None)

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


def _placeholder_password(url: str) -> bool:
    try:
        password = make_url(url).password
    except ArgumentError:
        return False  # not a URL at all: the engine refuses it with a clearer message
    return password is not None and str(password).lower() in PLACEHOLDER_SECRETS | {"postgres"}


def load_settings(settings_class: type[S], **values: Any) -> S:
    """The settings of a process, or exit with one readable line per problem (no traceback):
    what the console scripts call before doing anything."""
    try:
        return settings_class(**values)
    except ValidationError as error:
        lines = [f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg'].removeprefix('Value error, ')}"
                 for e in error.errors()]
        print("refusing to start:\n  " + "\n  ".join(lines), file=sys.stderr)
        raise SystemExit(2) from None

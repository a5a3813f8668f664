"""Settings of the notifier service."""
from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from notifier.domain.delivery import RetryPolicy
from trust_common.settings import CommonSettings

# Development key only: production refuses it (placeholder_problems).
DEV_WEBHOOK_SECRET_KEYS = {"dev-1": SecretStr("ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQta2V5LTAwMDE=")}


class Settings(CommonSettings):
    service_name: str = "notifier"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/notifier")
    http_port: int = 8104

    # NOTE-1: reminders this many hours before a 48-hour window closes.
    window_reminder_hours: list[float] = [24.0, 2.0]

    # NOTE-4: email over SMTP (the local stack runs deploy/local/smtp-sink.sh on 18025).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 18025
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 10.0
    email_from: str = "Trust Platform <no-reply@trust.local>"
    message_id_domain: str = "notifier.trust.local"

    # NOTE-4: webhooks and retries.
    webhook_timeout_seconds: float = 5.0
    webhook_allow_http: bool = True  # refused outside development and test below
    # Issue 13: webhooks to loopback addresses, for local receivers in development and tests only
    # (production refuses it; private, link-local, metadata … addresses are refused everywhere).
    webhook_allow_loopback: bool = False
    # Issue 13: endpoints one enterprise or shop may have active (each receives every notification).
    webhook_max_endpoints_per_tenant: int = 10
    webhook_secret_grace_hours: float = 24.0
    # signing secrets are sealed at rest with AES-256-GCM keys by id (base64 of 32 bytes);
    # several may open, the active one seals (trust_common.sealing).
    webhook_secret_keys: dict[str, SecretStr] = DEV_WEBHOOK_SECRET_KEYS
    webhook_secret_active_key_id: str = "dev-1"
    # The Fernet key material secrets were sealed with before key ids; read only by the migration
    # notifier_0002, which re-seals them under the keys above (not needed on a new database).
    webhook_secret_key: SecretStr = SecretStr("dev-only-secret-not-for-production-use")
    delivery_max_attempts: int = 6
    delivery_backoff_seconds: float = 30.0
    delivery_max_backoff_seconds: float = 3600.0
    # NOTE-4: a sending attempt's claim; renewed every third of it while the send runs, so an attempt
    # that died with its process is taken over this long after its last renewal at most.
    delivery_lease_seconds: float = 15.0

    def placeholder_problems(self) -> list[str]:
        problems = ["TRUST_WEBHOOK_ALLOW_HTTP must be false in production"] if self.webhook_allow_http else []
        if self.webhook_allow_loopback:
            problems.append("TRUST_WEBHOOK_ALLOW_LOOPBACK must be false in production")
        dev_keys = {key.get_secret_value() for key in DEV_WEBHOOK_SECRET_KEYS.values()}
        if any(key.get_secret_value() in dev_keys for key in self.webhook_secret_keys.values()):
            problems.append("TRUST_WEBHOOK_SECRET_KEYS holds the development key")
        if self.webhook_secret_active_key_id not in self.webhook_secret_keys:
            problems.append("TRUST_WEBHOOK_SECRET_ACTIVE_KEY_ID names no key of TRUST_WEBHOOK_SECRET_KEYS")
        return problems

    @property
    def reminder_offsets(self) -> list[timedelta]:
        return [timedelta(hours=h) for h in self.window_reminder_hours]

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.delivery_max_attempts,
                           base_delay=timedelta(seconds=self.delivery_backoff_seconds),
                           max_delay=timedelta(seconds=self.delivery_max_backoff_seconds))

    @property
    def delivery_lease(self) -> timedelta:
        return timedelta(seconds=self.delivery_lease_seconds)

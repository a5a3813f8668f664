"""Webhook endpoints of an enterprise or shop, and the signature of each delivery (NOTE-4).

A delivery carries `Trust-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, one v1 per
active secret, each HMAC-SHA256 over "<t>.<raw body>". During a rotation the old secret
stays active for a grace period, so receivers can switch without missing a delivery.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from notifier.domain.errors import InvalidEndpointUrl, TenantNotFound
from notifier.domain.notification import Notification
from trust_common.contracts.notifier import WebhookEndpointDisabled, WebhookEndpointRegistered, WebhookSecretRotated
from trust_common.domain import Aggregate
from trust_common.sealing import Sealed, Sealer

SIGNATURE_HEADER = "Trust-Signature"
EVENT_ID_HEADER = "Trust-Event-Id"
DELIVERY_ID_HEADER = "Trust-Delivery-Id"
SIGNATURE_TOLERANCE = timedelta(minutes=5)
# Bound to each sealed secret as associated data: a ciphertext copied to another column does not open.
SECRET_PURPOSE = "webhook_secret"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(active_secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in active_secrets)])


def verify_signature(header: str, body: bytes, secret: str, now: datetime,
                     tolerance: timedelta = SIGNATURE_TOLERANCE) -> bool:
    """What a receiver does: some v1 matches its secret, and t is recent (no replays of old bodies)."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, v) for k, v in parts if k == "v1")


def signed_delivery(notification: Notification, delivery_id: str, active_secrets: list[str],
                    now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one webhook delivery, signed by every active secret (NOTE-4)."""
    body = json.dumps({
        "id": notification.id, "type": notification.kind, "created_at": notification.created_at.isoformat(),
        "tenant": {"kind": notification.tenant_kind, "id": notification.tenant_id},
        "recipient_account_id": notification.recipient_account_id, "data": notification.params,
    }, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: signature_header(active_secrets, int(now.timestamp()), body),
        EVENT_ID_HEADER: notification.id, DELIVERY_ID_HEADER: delivery_id, "Idempotency-Key": delivery_id,
    }
    return body, headers


def check_url(url: str, *, allow_http: bool) -> str:
    schemes = {"https", "http"} if allow_http else {"https"}
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 - reading it checks the port is a number from 0 to 65535
    except ValueError as error:  # an unclosed IPv6 bracket, a port out of range
        raise InvalidEndpointUrl(f"the URL cannot be parsed: {error}") from error
    if parsed.scheme not in schemes or not parsed.hostname:
        raise InvalidEndpointUrl(f"the URL must be absolute and use {' or '.join(sorted(schemes))}")
    return url


@dataclass(eq=False)
class WebhookEndpoint(Aggregate):
    id: str
    tenant_kind: str  # "enterprise" | "shop"
    tenant_id: str
    url: str
    created_at: datetime
    created_by: str
    # [{"sealed": "<key id>:<base64>", "created_at": iso, "retires_at": iso | None}], newest last
    secrets: list[dict[str, Any]] = field(default_factory=list)
    active: bool = True

    @classmethod
    def register(cls, endpoint_id: str, tenant_kind: str, tenant_id: str, url: str, *,
                 owned: frozenset[tuple[str, str]], created_by: str, now: datetime, allow_http: bool,
                 sealer: Sealer) -> tuple[WebhookEndpoint, str]:
        """A new endpoint of one of the caller's `owned` tenants, and its signing secret (shown to the
        caller this once)."""
        if (tenant_kind, tenant_id) not in owned:  # another's enterprise or shop does not exist for them
            raise TenantNotFound(f"no {tenant_kind} {tenant_id} among yours")
        endpoint = cls(id=endpoint_id, tenant_kind=tenant_kind, tenant_id=tenant_id,
                       url=check_url(url, allow_http=allow_http), created_at=now, created_by=created_by)
        endpoint.record(WebhookEndpointRegistered(**endpoint._ids()))
        return endpoint, endpoint._add_secret(now, sealer)

    def rotate_secret(self, now: datetime, grace: timedelta, sealer: Sealer) -> str:
        """A new secret; the current ones stay valid for `grace` so receivers can switch."""
        retires = (now + grace).isoformat()
        self.secrets = [{**s, "retires_at": s["retires_at"] or retires} for s in self._live(now)]
        self.record(WebhookSecretRotated(**self._ids(), previous_valid_until=now + grace))
        return self._add_secret(now, sealer)

    def disable(self) -> None:
        if self.active:
            self.active = False
            self.record(WebhookEndpointDisabled(**self._ids()))

    def active_secrets(self, now: datetime, sealer: Sealer) -> list[str]:
        return [sealer.open(SECRET_PURPOSE, Sealed.parse(s["sealed"])) for s in self._live(now)]

    def _live(self, now: datetime) -> list[dict[str, Any]]:
        return [s for s in self.secrets if s["retires_at"] is None or datetime.fromisoformat(s["retires_at"]) > now]

    def _add_secret(self, now: datetime, sealer: Sealer) -> str:
        secret = new_secret()
        sealed = sealer.seal(SECRET_PURPOSE, secret).text()
        # Reassigned, not appended, so the ORM sees the JSON column change.
        self.secrets = [*self.secrets, {"sealed": sealed, "created_at": now.isoformat(), "retires_at": None}]
        return secret

    def _ids(self) -> dict[str, str]:
        return {"endpoint_id": self.id, "tenant_kind": self.tenant_kind, "tenant_id": self.tenant_id}

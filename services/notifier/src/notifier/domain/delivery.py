"""One notification to one recipient on one channel: the unit of exactly-once delivery (NOTE-4).

The lifecycle is claim → send → record. A claim is committed before the send and leased (a short
lease, renewed while the send runs); a crash between claim and record leaves the claim to expire
within seconds, and the next attempt re-sends under the same delivery id (Message-ID /
Idempotency-Key), so a receiver that keys on it sees one delivery per id.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from notifier.domain.errors import DeliveryClaimHeld, DeliveryNotDeadLettered
from trust_common.contracts.notifier import (
    Channel,
    NotificationDeadLettered,
    NotificationDelivered,
    NotificationFailed,
    NotificationReplayed,
)
from trust_common.domain import Aggregate


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by an attempt (leased until claimed_until)
    RETRYING = "retrying"  # an attempt failed; the next one is a timer
    DELIVERED = "delivered"
    DEAD_LETTERED = "dead_lettered"
    MUTED = "muted"  # the recipient muted this channel for a non-critical kind


FINAL = frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.MUTED})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: base, 2·base, 4·base … for max_attempts tries in all (NOTE-4)."""

    max_attempts: int = 6
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)

    def delay_after(self, attempt: int) -> timedelta:
        return min(self.base_delay * (2 ** (attempt - 1)), self.max_delay)


@dataclass(eq=False)
class Delivery(Aggregate):
    id: str
    notification_id: str
    kind: str
    channel: Channel
    recipient: str
    status: DeliveryStatus
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    generation: int = 0  # bumped by a replay so its timers get fresh keys
    claimed_until: datetime | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None

    @classmethod
    def create(cls, delivery_id: str, notification_id: str, kind: str, channel: Channel, recipient: str, *,
               now: datetime, muted: bool = False) -> Delivery:
        status = DeliveryStatus.MUTED if muted else DeliveryStatus.PENDING
        return cls(id=delivery_id, notification_id=notification_id, kind=kind, channel=channel,
                   recipient=recipient, status=status, created_at=now, updated_at=now)

    @property
    def timer_key(self) -> str:
        """Key of the timer for the next attempt; unique per replay generation and attempt."""
        return f"{self.id}:{self.generation}:{self.attempts + 1}"

    def is_final(self) -> bool:
        return self.status in FINAL

    def claim(self, now: datetime, lease: timedelta) -> bool:
        """Take the delivery for one attempt; False when there is nothing left to send."""
        if self.status in FINAL or self.status == DeliveryStatus.DEAD_LETTERED:
            return False
        if self.status == DeliveryStatus.SENDING and self.claimed_until and self.claimed_until > now:
            raise DeliveryClaimHeld(f"delivery {self.id} is claimed until {self.claimed_until.isoformat()}")
        # A SENDING row whose lease ran out was left by a crashed attempt: take it over.
        self.status = DeliveryStatus.SENDING
        self.attempts += 1
        self.claimed_until = now + lease
        self.updated_at = now
        return True

    def renew(self, attempt: int, now: datetime, lease: timedelta) -> bool:
        """Extend the lease of a running attempt; False when that attempt no longer holds the claim."""
        if self.status != DeliveryStatus.SENDING or self.attempts != attempt:
            return False
        self.claimed_until = now + lease
        return True

    def succeed(self, now: datetime) -> None:
        self.status = DeliveryStatus.DELIVERED
        self.delivered_at = now
        self.claimed_until = None
        self.last_error = None
        self.updated_at = now
        self.record(NotificationDelivered(**self._ids(), delivered_at=now))

    def fail(self, now: datetime, error: str, policy: RetryPolicy) -> datetime | None:
        """Record a failed attempt; returns when to try again, or None when dead-lettered. `error` is the
        outcome class (`timeout`, `http_5xx` …): tenants and recipients read it, never raw network errors."""
        self.claimed_until = None
        self.last_error = error[:1000]
        self.updated_at = now
        if self.attempts >= policy.max_attempts:
            self.status = DeliveryStatus.DEAD_LETTERED
            self.next_attempt_at = None
            self.record(NotificationDeadLettered(**self._ids(), error=self.last_error))
            return None
        self.status = DeliveryStatus.RETRYING
        self.next_attempt_at = now + policy.delay_after(self.attempts)
        self.record(NotificationFailed(**self._ids(), error=self.last_error, next_attempt_at=self.next_attempt_at))
        return self.next_attempt_at

    def replay(self, now: datetime) -> None:
        """An operator sends a dead-lettered delivery again, with a fresh set of attempts."""
        if self.status != DeliveryStatus.DEAD_LETTERED:
            raise DeliveryNotDeadLettered(f"delivery {self.id} is {self.status}")
        self.status = DeliveryStatus.PENDING
        self.generation += 1
        self.attempts = 0
        self.next_attempt_at = now
        self.updated_at = now
        self.record(NotificationReplayed(**self._ids()))

    def delivered_in_place(self, now: datetime) -> None:
        """Inbox deliveries complete in the transaction that stores the entry."""
        self.attempts = 1
        self.succeed(now)

    def _ids(self) -> dict[str, object]:
        return {"delivery_id": self.id, "notification_id": self.notification_id, "kind": self.kind,
                "channel": self.channel, "recipient": self.recipient, "attempt": self.attempts}

"""Deliveries (NOTE-4): a notification fans out to its channels, and email and webhook sends
run from a durable timer as claim → send → record.

The claim commits in a transaction of its own before anything leaves, so a second attempt
cannot start while the first holds it; its lease is short and renewed while the send runs. The
outcome is recorded the moment the send returns, in its own transaction (not with the timer's
batch). Only a process that dies (or loses the database) between the receiver's acceptance and
that commit leaves an attempt we cannot know the fate of: the timer, which its crash left
pending, then takes the claim over when the lease ends and re-sends under the same
Message-ID / delivery id — the only case in which a receiver sees a message twice.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from notifier.adapters import ChannelError
from notifier.adapters.email import Email, EmailTransport
from notifier.adapters.webhooks import WebhookTransport
from notifier.domain.commands import ReplayDeliveries, ReplayDelivery
from notifier.domain.delivery import Delivery, DeliveryStatus
from notifier.domain.errors import DeliveryClaimHeld, DeliveryNotFound
from notifier.domain.kinds import Kind
from notifier.domain.notification import Notification
from notifier.domain.templates import render
from notifier.domain.webhooks import signed_delivery
from notifier.metrics import DELIVERIES
from notifier.repository import UnitOfWork
from notifier.settings import Settings
from trust_common.contracts.notifier import Channel
from trust_common.projections import load_account
from trust_common.sealing import Sealer
from trust_common.timers import Timer

log = logging.getLogger(__name__)

ATTEMPT_TIMER = "notifier.delivery.attempt"
# Pauses between tries to record an accepted send while the database is away (None: the last try).
RECORD_RETRY_PAUSES = (0.5, 1.0, 2.0, None)


async def notify(notification: Notification, uow: UnitOfWork) -> bool:
    """Store the notification (its inbox entry) and its deliveries, and schedule the sends.
    A notification id seen before means a repeated cause: nothing happens twice (NOTE-4)."""
    if await uow.notifications.get(notification.id) is not None:
        return False
    now = uow.clock.now()
    preferences = await uow.preferences.get(notification.recipient_account_id)
    endpoints = await uow.endpoints.active_ids(notification.tenant)
    deliveries = notification.fan_out(preferences, endpoints, now)
    await uow.notifications.add(notification, deliveries)
    for delivery in deliveries:
        if delivery.status == DeliveryStatus.PENDING:
            await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=now,
                                      payload={"delivery_id": delivery.id})
        else:
            DELIVERIES.labels(channel=str(delivery.channel), outcome=str(delivery.status)).inc()
    return True


async def attempt_delivery(timer: Timer, uow: UnitOfWork, settings: Settings, email: EmailTransport,
                           webhooks: WebhookTransport, sealer: Sealer,
                           uow_factory: Callable[[], UnitOfWork]) -> None:
    """The `notifier.delivery.attempt` timer: one attempt at one email or webhook delivery.

    claim (commits) → send, the claim's short lease renewed while it runs → record (commits at
    once, in a transaction of its own, not with the timer's batch). Nothing is written in the
    timer's transaction except the next timer: a batch holds no delivery row while sending."""
    delivery_id = timer.payload["delivery_id"]
    claimed = await _claim(uow_factory(), delivery_id, settings)
    if claimed is None:
        return
    if isinstance(claimed, datetime):
        # NOTE-4: another attempt holds a live claim (a sender renewing it, or one that just died):
        # look again when its lease ends, not after the timers' back-off.
        await uow.timers.schedule(ATTEMPT_TIMER, f"{delivery_id}:held:{claimed.isoformat()}", due_at=claimed,
                                  payload={"delivery_id": delivery_id})
        return
    error = None
    async with _renewing(uow_factory, claimed, settings):
        try:
            notification = await uow.notifications.get(claimed.notification_id)
            assert notification is not None
            if claimed.channel == Channel.EMAIL:
                await _send_email(claimed, notification, uow, settings, email)
            elif claimed.channel == Channel.WEBHOOK:
                await _send_webhook(claimed, notification, uow, webhooks, sealer)
            else:
                raise ChannelError(f"channel {claimed.channel} is not sent by a timer")
        except ChannelError as failure:
            error = failure
    await _record(uow_factory, claimed, error, settings)


async def _claim(claim: UnitOfWork, delivery_id: str, settings: Settings) -> Delivery | datetime | None:
    """Commit the claim before sending. None: nothing left to send; a time: a live claim holds it until then."""
    async with claim:
        delivery = await claim.deliveries.get(delivery_id, for_update=True)
        if delivery is None:
            return None
        try:
            if not delivery.claim(claim.clock.now(), settings.delivery_lease):
                return None
        except DeliveryClaimHeld:
            assert delivery.claimed_until is not None
            return delivery.claimed_until
        await claim.commit()
        return delivery


@asynccontextmanager
async def _renewing(uow_factory: Callable[[], UnitOfWork], claimed: Delivery,
                    settings: Settings) -> AsyncIterator[None]:
    """Keep the claim's lease alive while the send runs (NOTE-4): the lease can then be short, so an
    attempt that died with its process is taken over seconds after its last renewal."""
    async def renew() -> None:
        while True:
            await asyncio.sleep(settings.delivery_lease_seconds / 3)
            async with uow_factory() as renewal:
                delivery = await renewal.deliveries.get(claimed.id, for_update=True)
                if delivery is None or not delivery.renew(claimed.attempts, renewal.clock.now(),
                                                          settings.delivery_lease):
                    return
                await renewal.commit()

    task = asyncio.create_task(renew())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task  # a renewal that failed only shortens the lease


async def _record(uow_factory: Callable[[], UnitOfWork], claimed: Delivery, error: ChannelError | None,
                  settings: Settings) -> None:
    """Record the attempt's outcome at once. A send that was accepted is re-sent only if this record is
    lost (the process dies or the database stays away for all tries); then with the same id."""
    for pause in RECORD_RETRY_PAUSES:
        try:
            async with uow_factory() as record:
                delivery = await record.deliveries.get(claimed.id, for_update=True)
                assert delivery is not None
                _apply(delivery, claimed.attempts, error, record.clock.now(), settings)
                if delivery.status == DeliveryStatus.RETRYING and delivery.next_attempt_at is not None:
                    await record.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=delivery.next_attempt_at,
                                                 payload={"delivery_id": delivery.id})
                await record.commit()
                return
        except (DBAPIError, OSError):
            if pause is None:
                raise
            await asyncio.sleep(pause)


def _apply(delivery: Delivery, attempt: int, error: ChannelError | None, now: datetime, settings: Settings) -> None:
    if delivery.status != DeliveryStatus.SENDING or delivery.attempts != attempt:
        return  # a later attempt took the claim over (this one outlived its lease): it records its own outcome
    if error is None:
        delivery.succeed(now)
        DELIVERIES.labels(channel=str(delivery.channel), outcome="delivered").inc()
        return
    log.warning("delivery %s attempt %s failed: %s", delivery.id, attempt, error)  # operators: the detail
    retry_at = delivery.fail(now, error.outcome, settings.retry_policy)  # tenants: the outcome class only
    DELIVERIES.labels(channel=str(delivery.channel), outcome="failed" if retry_at else "dead_lettered").inc()


async def _send_email(delivery: Delivery, notification: Notification, uow: UnitOfWork, settings: Settings,
                      email: EmailTransport) -> None:
    account = await load_account(uow.session, notification.recipient_account_id)
    address = (account.email if account else None) or notification.address_hint
    if not address:
        # The account projection may still be on its way; back-off gives it time.
        raise ChannelError("no email address known for the recipient", "no_address")
    text = render(Kind(notification.kind), account.locale if account else None, notification.params)
    await email.send(Email(to=address, subject=text.title, body=text.body, delivery_id=delivery.id,
                           message_id=f"<{delivery.id}@{settings.message_id_domain}>"))


async def _send_webhook(delivery: Delivery, notification: Notification, uow: UnitOfWork,
                        webhooks: WebhookTransport, sealer: Sealer) -> None:
    endpoint = await uow.endpoints.get(delivery.recipient)
    if endpoint is None or not endpoint.active:
        raise ChannelError("the webhook endpoint is gone or disabled", "endpoint_disabled")
    now = uow.clock.now()
    body, headers = signed_delivery(notification, delivery.id, endpoint.active_secrets(now, sealer), now)
    await webhooks.post(endpoint.url, body, headers)


async def replay_delivery(command: ReplayDelivery, uow: UnitOfWork) -> Delivery:
    """NOTE-4: an operator sends a dead-lettered delivery again."""
    delivery = await uow.deliveries.get(command.delivery_id, for_update=True)
    if delivery is None:
        raise DeliveryNotFound(f"no delivery {command.delivery_id}")
    await _replay(delivery, uow)
    await uow.commit()
    return delivery


async def replay_deliveries(command: ReplayDeliveries, uow: UnitOfWork) -> ReplayOutcome:
    """NOTE-4: a bulk replay in one transaction. A selection skips (and names) ids that are not dead letters,
    so a list copied a moment ago still works; an endpoint's replay takes its oldest `limit` dead letters."""
    outcome = ReplayOutcome()
    if command.endpoint_id is not None:
        ids = await uow.deliveries.dead_lettered_ids(command.endpoint_id, command.limit + 1)
        outcome.remaining = max(len(ids) - command.limit, 0)
        ids = ids[:command.limit]
    else:
        ids = list(dict.fromkeys(command.delivery_ids))
    for delivery_id in sorted(ids):  # one lock order, whatever the request's order
        delivery = await uow.deliveries.get(delivery_id, for_update=True)
        if delivery is None:
            outcome.skipped.append((delivery_id, "not_found"))
        elif delivery.status != DeliveryStatus.DEAD_LETTERED:
            outcome.skipped.append((delivery_id, "not_dead_lettered"))
        else:
            await _replay(delivery, uow)
            outcome.replayed.append(delivery_id)
    await uow.commit()
    return outcome


@dataclass
class ReplayOutcome:
    replayed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    remaining: int = 0


async def _replay(delivery: Delivery, uow: UnitOfWork) -> None:
    delivery.replay(uow.clock.now())
    await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=uow.clock.now(),
                              payload={"delivery_id": delivery.id})
    DELIVERIES.labels(channel=str(delivery.channel), outcome="replayed").inc()

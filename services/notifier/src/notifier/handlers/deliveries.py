"""Deliveries (NOTE-4): a notification fans out to its channels, and email and webhook sends
run from a durable timer as claim → send → mark.

The claim commits in a transaction of its own before anything leaves, so a second attempt
cannot start while the first holds the lease. The outcome is marked in the timer's unit of
work: if the process dies after the send and before that commit, the timer fires again and,
once the lease has run out, re-sends under the same Message-ID / Idempotency-Key.
"""
from __future__ import annotations

from collections.abc import Callable

from notifier.adapters import ChannelError
from notifier.adapters.email import Email, EmailTransport
from notifier.adapters.webhooks import WebhookTransport
from notifier.domain.commands import ReplayDelivery
from notifier.domain.delivery import Delivery, DeliveryStatus
from notifier.domain.errors import DeliveryNotFound
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

ATTEMPT_TIMER = "notifier.delivery.attempt"


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
                           webhooks: WebhookTransport, sealer: Sealer, claims: Callable[[], UnitOfWork]) -> None:
    """The `notifier.delivery.attempt` timer: one attempt at one email or webhook delivery."""
    delivery_id = timer.payload["delivery_id"]
    claimed = await _claim(claims(), delivery_id, settings)
    if claimed is None:
        return
    error = None
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
        error = str(failure)
    delivery = await uow.deliveries.get(delivery_id, for_update=True)
    assert delivery is not None
    now = uow.clock.now()
    if error is None:
        delivery.succeed(now)
        DELIVERIES.labels(channel=str(delivery.channel), outcome="delivered").inc()
        return
    retry_at = delivery.fail(now, error, settings.retry_policy)
    DELIVERIES.labels(channel=str(delivery.channel), outcome="failed" if retry_at else "dead_lettered").inc()
    if retry_at is not None:
        await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=retry_at,
                                  payload={"delivery_id": delivery.id})


async def _claim(claim: UnitOfWork, delivery_id: str, settings: Settings) -> Delivery | None:
    """Commit the claim before sending; a held claim raises, so the timer retries later."""
    async with claim:
        delivery = await claim.deliveries.get(delivery_id, for_update=True)
        if delivery is None or not delivery.claim(claim.clock.now(), settings.delivery_lease):
            return None
        await claim.commit()
        return delivery


async def _send_email(delivery: Delivery, notification: Notification, uow: UnitOfWork, settings: Settings,
                      email: EmailTransport) -> None:
    account = await load_account(uow.session, notification.recipient_account_id)
    address = (account.email if account else None) or notification.address_hint
    if not address:
        # The account projection may still be on its way; back-off gives it time.
        raise ChannelError("no email address known for the recipient")
    text = render(Kind(notification.kind), account.locale if account else None, notification.params)
    await email.send(Email(to=address, subject=text.title, body=text.body, delivery_id=delivery.id,
                           message_id=f"<{delivery.id}@{settings.message_id_domain}>"))


async def _send_webhook(delivery: Delivery, notification: Notification, uow: UnitOfWork,
                        webhooks: WebhookTransport, sealer: Sealer) -> None:
    endpoint = await uow.endpoints.get(delivery.recipient)
    if endpoint is None or not endpoint.active:
        raise ChannelError("the webhook endpoint is gone or disabled")
    now = uow.clock.now()
    body, headers = signed_delivery(notification, delivery.id, endpoint.active_secrets(now, sealer), now)
    await webhooks.post(endpoint.url, body, headers)


async def replay_delivery(command: ReplayDelivery, uow: UnitOfWork) -> Delivery:
    """NOTE-4: an operator sends a dead-lettered delivery again."""
    delivery = await uow.deliveries.get(command.delivery_id, for_update=True)
    if delivery is None:
        raise DeliveryNotFound(f"no delivery {command.delivery_id}")
    delivery.replay(uow.clock.now())
    await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=uow.clock.now(),
                              payload={"delivery_id": delivery.id})
    await uow.commit()
    DELIVERIES.labels(channel=str(delivery.channel), outcome="replayed").inc()
    return delivery

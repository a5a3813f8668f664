"""Sends one delivery over email or webhook: claim → send → mark (NOTE-4).

The claim commits in a transaction of its own before anything leaves, so a second attempt
cannot start while the first holds the lease. The outcome is marked in the timer's unit of
work: if the process dies after the send and before that commit, the timer fires again and,
once the lease has run out, re-sends under the same Message-ID / Idempotency-Key.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from trust_common.contracts.notifier import Channel
from trust_common.projections import load_account
from trust_common.timers import Timer
from trust_common.uow import UnitOfWork

from notifier import repository
from notifier.channels import ChannelError, Email, EmailTransport, WebhookTransport
from notifier.domain.delivery import Delivery
from notifier.domain.kinds import Kind
from notifier.domain.notification import Notification
from notifier.domain.templates import render
from notifier.domain.webhooks import (
    DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, SecretBox, signature_header,
)
from notifier.metrics import DELIVERIES
from notifier.notices import ATTEMPT_TIMER
from notifier.settings import Settings


class DeliveryAttempts:
    """The handler of the `notifier.delivery.attempt` timer."""

    def __init__(self, settings: Settings, uow_factory: Callable[[], UnitOfWork], email: EmailTransport,
                 webhooks: WebhookTransport, box: SecretBox) -> None:
        self._settings = settings
        self._box = box
        self._uow_factory = uow_factory
        self._email = email
        self._webhooks = webhooks

    async def __call__(self, timer: Timer, uow: UnitOfWork) -> None:
        delivery_id = timer.payload["delivery_id"]
        claimed = await self._claim(delivery_id)
        if not claimed:
            return
        error = None
        try:
            await self._send(claimed, uow)
        except ChannelError as failure:
            error = str(failure)
        delivery = await repository.get_delivery(uow.session, delivery_id, for_update=True)
        assert delivery is not None
        now = uow.clock.now()
        if error is None:
            delivery.succeed(now)
            DELIVERIES.labels(channel=str(delivery.channel), outcome="delivered").inc()
            return
        retry_at = delivery.fail(now, error, self._settings.retry_policy)
        DELIVERIES.labels(channel=str(delivery.channel), outcome="failed" if retry_at else "dead_lettered").inc()
        if retry_at is not None:
            await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=retry_at,
                                      payload={"delivery_id": delivery.id})

    async def _claim(self, delivery_id: str) -> Delivery | None:
        """Commit the claim before sending; a held claim raises, so the timer retries later."""
        async with self._uow_factory() as claim:
            delivery = await repository.get_delivery(claim.session, delivery_id, for_update=True)
            if delivery is None or not delivery.claim(claim.clock.now(), self._settings.delivery_lease):
                return None
            await claim.commit()
            return delivery

    async def _send(self, delivery: Delivery, uow: UnitOfWork) -> None:
        notification = await repository.get_notification(uow.session, delivery.notification_id)
        assert notification is not None
        if delivery.channel == Channel.EMAIL:
            await self._send_email(delivery, notification, uow)
        elif delivery.channel == Channel.WEBHOOK:
            await self._send_webhook(delivery, notification, uow)
        else:
            raise ChannelError(f"channel {delivery.channel} is not sent by a timer")

    async def _send_email(self, delivery: Delivery, notification: Notification, uow: UnitOfWork) -> None:
        account = await load_account(uow.session, notification.recipient_account_id)
        address = (account.email if account else None) or notification.address_hint
        if not address:
            # The account projection may still be on its way; back-off gives it time.
            raise ChannelError("no email address known for the recipient")
        text = render(Kind(notification.kind), account.locale if account else None, notification.params)
        await self._email.send(Email(to=address, subject=text.title, body=text.body, delivery_id=delivery.id,
                                     message_id=f"<{delivery.id}@{self._settings.message_id_domain}>"))

    async def _send_webhook(self, delivery: Delivery, notification: Notification, uow: UnitOfWork) -> None:
        endpoint = await repository.get_endpoint(uow.session, delivery.recipient)
        if endpoint is None or not endpoint.active:
            raise ChannelError("the webhook endpoint is gone or disabled")
        now = uow.clock.now()
        body = json.dumps({
            "id": notification.id, "type": notification.kind, "created_at": notification.created_at.isoformat(),
            "tenant": {"kind": notification.tenant_kind, "id": notification.tenant_id},
            "recipient_account_id": notification.recipient_account_id, "data": notification.params,
        }, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "content-type": "application/json",
            SIGNATURE_HEADER: signature_header(endpoint.active_secrets(now, self._box), int(now.timestamp()), body),
            EVENT_ID_HEADER: notification.id, DELIVERY_ID_HEADER: delivery.id, "Idempotency-Key": delivery.id,
        }
        await self._webhooks.post(endpoint.url, body, headers)

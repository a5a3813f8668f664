"""Use cases of the HTTP API: load, call one method, commit."""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from trust_common.uow import UnitOfWork

from notifier import repository
from notifier.domain.commands import (
    DisableEndpoint, MarkAllRead, MarkRead, RegisterEndpoint, ReplayDelivery, RotateEndpointSecret, SetMute,
)
from notifier.domain.delivery import Delivery
from notifier.domain.errors import DeliveryNotFound, EndpointNotFound, NotificationNotFound, TenantNotFound
from notifier.domain.notification import Notification
from notifier.domain.preferences import Preferences
from notifier.domain.webhooks import SecretBox, WebhookEndpoint
from notifier.metrics import DELIVERIES
from notifier.notices import ATTEMPT_TIMER
from notifier.settings import Settings


async def mark_read(command: MarkRead, uow: UnitOfWork) -> Notification:
    notification = await repository.get_notification(uow.session, command.notification_id)
    # someone else's notification does not exist for this caller.
    if notification is None or notification.recipient_account_id != command.account_id or not notification.in_inbox:
        raise NotificationNotFound(f"no notification {command.notification_id} in your inbox")
    notification.mark_read(uow.clock.now())
    await uow.commit()
    return notification


async def mark_all_read(command: MarkAllRead, uow: UnitOfWork) -> int:
    marked = await repository.mark_all_read(uow.session, command.account_id, uow.clock.now())
    await uow.commit()
    return marked


async def set_mute(command: SetMute, uow: UnitOfWork) -> Preferences:
    preferences = await repository.load_preferences(uow.session, command.account_id)
    if command.muted:
        entry = preferences.mute(command.channel, command.kind)  # NOTE-4: refuses critical kinds
    else:
        entry = preferences.unmute(command.channel, command.kind)
    await repository.save_preference(uow.session, command.account_id, entry, command.muted)
    await uow.commit()
    return preferences


def make_register_endpoint(settings: Settings, box: SecretBox
                           ) -> Callable[[RegisterEndpoint, UnitOfWork], Awaitable[tuple[WebhookEndpoint, str]]]:
    async def register_endpoint(command: RegisterEndpoint, uow: UnitOfWork) -> tuple[WebhookEndpoint, str]:
        if command.tenant not in command.owned:
            raise TenantNotFound(f"no {command.tenant[0]} {command.tenant[1]} among yours")
        endpoint, secret = WebhookEndpoint.register(
            str(uuid.uuid4()), command.tenant[0], command.tenant[1], command.url, created_by=command.created_by,
            now=uow.clock.now(), allow_http=settings.webhook_allow_http, box=box)
        uow.session.add(endpoint)
        await uow.commit()
        return endpoint, secret
    return register_endpoint


async def _owned_endpoint(uow: UnitOfWork, endpoint_id: str, owned: frozenset[tuple[str, str]]) -> WebhookEndpoint:
    endpoint = await repository.get_endpoint(uow.session, endpoint_id, for_update=True)
    if endpoint is None or (endpoint.tenant_kind, endpoint.tenant_id) not in owned:
        raise EndpointNotFound(f"no webhook endpoint {endpoint_id} among yours")
    return endpoint


def make_rotate_secret(settings: Settings, box: SecretBox
                       ) -> Callable[[RotateEndpointSecret, UnitOfWork], Awaitable[tuple[WebhookEndpoint, str]]]:
    async def rotate_secret(command: RotateEndpointSecret, uow: UnitOfWork) -> tuple[WebhookEndpoint, str]:
        endpoint = await _owned_endpoint(uow, command.endpoint_id, command.owned)
        secret = endpoint.rotate_secret(uow.clock.now(), timedelta(hours=settings.webhook_secret_grace_hours), box)
        await uow.commit()
        return endpoint, secret
    return rotate_secret


async def disable_endpoint(command: DisableEndpoint, uow: UnitOfWork) -> WebhookEndpoint:
    endpoint = await _owned_endpoint(uow, command.endpoint_id, command.owned)
    endpoint.disable()
    await uow.commit()
    return endpoint


async def replay_delivery(command: ReplayDelivery, uow: UnitOfWork) -> Delivery:
    """NOTE-4: an operator sends a dead-lettered delivery again."""
    delivery = await repository.get_delivery(uow.session, command.delivery_id, for_update=True)
    if delivery is None:
        raise DeliveryNotFound(f"no delivery {command.delivery_id}")
    delivery.replay(uow.clock.now())
    await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=uow.clock.now(),
                              payload={"delivery_id": delivery.id})
    await uow.commit()
    DELIVERIES.labels(channel=str(delivery.channel), outcome="replayed").inc()
    return delivery

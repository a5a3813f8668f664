"""Webhook endpoints of enterprises and shops (NOTE-4): registered, their secret rotated, disabled."""
from __future__ import annotations

import uuid
from datetime import timedelta

from notifier.adapters.egress import EgressGuard, EgressRefused
from notifier.domain.commands import DisableEndpoint, RegisterEndpoint, RotateEndpointSecret, TenantRef
from notifier.domain.errors import EndpointLimitReached, EndpointNotFound, InvalidEndpointUrl
from notifier.domain.notification import Tenant
from notifier.domain.webhooks import WebhookEndpoint
from notifier.repository import UnitOfWork
from notifier.settings import Settings
from trust_common.sealing import Sealer


async def register_endpoint(command: RegisterEndpoint, uow: UnitOfWork, settings: Settings,
                            sealer: Sealer, egress: EgressGuard) -> tuple[WebhookEndpoint, str]:
    if command.tenant in command.owned:  # X-3 first: another's tenant is a 404 whatever the URL
        try:
            await egress.check(command.url)  # issue 13: the host and every address it resolves to
        except EgressRefused as refused:
            raise InvalidEndpointUrl(refused.reason) from refused
        # Issue 13: each endpoint receives every notification of its tenant; bound how many.
        limit = settings.webhook_max_endpoints_per_tenant
        if len(await uow.endpoints.active_ids(Tenant(*command.tenant), for_update=True)) >= limit:
            raise EndpointLimitReached(f"{command.tenant[0]} {command.tenant[1]} has {limit} active endpoints "
                                       f"(TRUST_WEBHOOK_MAX_ENDPOINTS_PER_TENANT); disable one first")
    endpoint, secret = WebhookEndpoint.register(
        str(uuid.uuid4()), command.tenant[0], command.tenant[1], command.url, owned=command.owned,
        created_by=command.created_by, now=uow.clock.now(), allow_http=settings.webhook_allow_http, sealer=sealer)
    uow.endpoints.add(endpoint)
    await uow.commit()
    return endpoint, secret


async def rotate_secret(command: RotateEndpointSecret, uow: UnitOfWork, settings: Settings,
                        sealer: Sealer) -> tuple[WebhookEndpoint, str]:
    endpoint = await _owned_endpoint(uow, command.endpoint_id, command.owned)
    secret = endpoint.rotate_secret(uow.clock.now(), timedelta(hours=settings.webhook_secret_grace_hours), sealer)
    await uow.commit()
    return endpoint, secret


async def disable_endpoint(command: DisableEndpoint, uow: UnitOfWork) -> WebhookEndpoint:
    endpoint = await _owned_endpoint(uow, command.endpoint_id, command.owned)
    endpoint.disable()
    await uow.commit()
    return endpoint


async def _owned_endpoint(uow: UnitOfWork, endpoint_id: str, owned: frozenset[TenantRef]) -> WebhookEndpoint:
    endpoint = await uow.endpoints.get(endpoint_id, for_update=True)
    # another tenant's endpoint does not exist for this caller.
    if endpoint is None or (endpoint.tenant_kind, endpoint.tenant_id) not in owned:
        raise EndpointNotFound(f"no webhook endpoint {endpoint_id} among yours")
    return endpoint

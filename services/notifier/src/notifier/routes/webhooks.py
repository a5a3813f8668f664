"""For enterprises and shops: their webhook endpoints; for operators: the dead-letter list (NOTE-4)."""
from __future__ import annotations

from fastapi import APIRouter, Response

from notifier import views
from notifier.domain.commands import (
    DisableEndpoint,
    RegisterEndpoint,
    ReplayDeliveries,
    ReplayDelivery,
    RotateEndpointSecret,
)
from notifier.domain.errors import EndpointNotFound
from notifier.routes.deps import owned_tenants
from notifier.routes.schemas import (
    MAX_REPLAY_SELECTION,
    DeadLetterReplay,
    DeadLetterReplayResult,
    DeliveryPublic,
    EndpointCreate,
    EndpointPublic,
    EndpointWithSecret,
    SkippedReplay,
)
from trust_common.auth import CurrentPrincipal, Role, requires
from trust_common.dependencies import BusDep, SessionDep
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1", tags=["webhooks"])


@router.post("/webhook-endpoints", status_code=201)
async def register_endpoint(body: EndpointCreate, principal: CurrentPrincipal, bus: BusDep,
                            response: Response) -> EndpointWithSecret:
    """Register an endpoint for one of your enterprises or shops; the secret is shown only here."""
    response.headers["Cache-Control"] = "no-store"  # nor kept for Idempotency-Key replays
    endpoint, secret = await bus.handle(RegisterEndpoint(body.tenant, owned_tenants(principal), body.url,
                                                         principal.subject))
    return EndpointWithSecret.shown_once(endpoint, secret)


@router.get("/webhook-endpoints")
async def list_endpoints(principal: CurrentPrincipal, session: SessionDep, page: ListQuery) -> Page[EndpointPublic]:
    rows, next_cursor = await views.endpoint_page(session, owned_tenants(principal), page)
    return Page.of(EndpointPublic, rows, next_cursor)


@router.post("/webhook-endpoints/{endpoint_id}/rotate-secret")
async def rotate_secret(endpoint_id: Id, principal: CurrentPrincipal, bus: BusDep,
                        response: Response) -> EndpointWithSecret:
    """A new secret; deliveries carry signatures by old and new until the grace period ends."""
    response.headers["Cache-Control"] = "no-store"
    endpoint, secret = await bus.handle(RotateEndpointSecret(endpoint_id, owned_tenants(principal)))
    return EndpointWithSecret.shown_once(endpoint, secret)


@router.delete("/webhook-endpoints/{endpoint_id}")
async def disable_endpoint(endpoint_id: Id, principal: CurrentPrincipal, bus: BusDep) -> EndpointPublic:
    return EndpointPublic.model_validate(await bus.handle(DisableEndpoint(endpoint_id, owned_tenants(principal))))


@router.get("/webhook-endpoints/{endpoint_id}/deliveries")
async def endpoint_deliveries(endpoint_id: Id, principal: CurrentPrincipal, session: SessionDep,
                              page: ListQuery) -> Page[DeliveryPublic]:
    if await views.owned_endpoint_row(session, endpoint_id, owned_tenants(principal)) is None:
        raise EndpointNotFound(f"no webhook endpoint {endpoint_id} among yours")
    rows, next_cursor = await views.endpoint_deliveries_page(session, endpoint_id, page)
    return Page.of(DeliveryPublic, rows, next_cursor)


@router.get("/dead-letters", dependencies=[requires(Role.SUPPORT, Role.SERVICE)])
async def list_dead_letters(session: SessionDep, page: ListQuery, channel: Id | None = None) -> Page[DeliveryPublic]:
    """Deliveries whose last attempt failed, oldest first, for an operator."""
    rows, next_cursor = await views.dead_letter_page(session, page, channel=channel)
    return Page.of(DeliveryPublic, rows, next_cursor)


@router.post("/dead-letters/replay", status_code=202, dependencies=[requires(Role.SUPPORT, Role.SERVICE)])
async def replay_dead_letters(body: DeadLetterReplay, bus: BusDep) -> DeadLetterReplayResult:
    """Send again, in one go, a selection of dead-lettered deliveries (`delivery_ids`, at most 500; ids that
    are not dead letters are skipped and named) or all of one endpoint's (`endpoint_id`, oldest 500 per call;
    `remaining` says how many are left). Each keeps its delivery id and gets a fresh retry budget (NOTE-4)."""
    outcome = await bus.handle(ReplayDeliveries(delivery_ids=tuple(body.delivery_ids or ()),
                                                endpoint_id=body.endpoint_id, limit=MAX_REPLAY_SELECTION))
    return DeadLetterReplayResult(replayed=outcome.replayed, remaining=outcome.remaining,
                                  skipped=[SkippedReplay(id=i, reason=r) for i, r in outcome.skipped])


@router.post("/dead-letters/{delivery_id}/replay", status_code=202,
             dependencies=[requires(Role.SUPPORT, Role.SERVICE)])
async def replay_dead_letter(delivery_id: Id, bus: BusDep, session: SessionDep) -> DeliveryPublic:
    """Send a dead-lettered delivery again with a fresh set of attempts (NOTE-4)."""
    await bus.handle(ReplayDelivery(delivery_id))
    return DeliveryPublic.model_validate(await views.delivery_row(session, delivery_id))

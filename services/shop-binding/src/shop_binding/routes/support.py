"""Support routes: bindings stuck in `binding` (SHOP-10) and their resolution."""
from __future__ import annotations

from fastapi import APIRouter

from shop_binding import views
from shop_binding.domain import commands
from shop_binding.routes.schemas import BindingPublic, PendingResolution
from trust_common.auth import Role, requires
from trust_common.dependencies import BusDep, SessionDep
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1/support", tags=["support"], dependencies=[requires(Role.SUPPORT)])


@router.get("/pending-bindings")
async def pending_bindings(session: SessionDep, page: ListQuery) -> Page[BindingPublic]:
    rows, next_cursor = await views.pending_bindings(session, page)
    return Page.of(BindingPublic, rows, next_cursor)


@router.post("/bindings/{binding_id}/resolve")
async def resolve(binding_id: Id, body: PendingResolution, bus: BusDep) -> BindingPublic:
    """SHOP-10: complete the binding once its reason is fixed, or reject it."""
    command = commands.ResolvePendingBinding(binding_id, complete=body.outcome == "complete")
    return BindingPublic.model_validate(await bus.handle(command))

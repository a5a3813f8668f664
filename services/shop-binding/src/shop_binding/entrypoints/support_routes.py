"""Support routes: bindings stuck in `binding` (SHOP-10) and their resolution."""
from __future__ import annotations

from fastapi import APIRouter

from trust_common.auth import Role, requires
from trust_common.pagination import Page
from trust_common.validation import Id

from shop_binding import views
from shop_binding.domain import commands
from shop_binding.entrypoints.dependencies import BusDep, SessionDep
from shop_binding.entrypoints.schemas import BindingPublic, PendingResolution

router = APIRouter(prefix="/v1/support", tags=["support"], dependencies=[requires(Role.SUPPORT)])


@router.get("/pending-bindings")
async def pending_bindings(session: SessionDep, cursor: str | None = None,
                           limit: int | None = None) -> Page[BindingPublic]:
    rows, next_cursor = await views.pending_bindings(session, cursor=cursor, limit=limit)
    return Page(items=[BindingPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/bindings/{binding_id}/resolve")
async def resolve(binding_id: Id, body: PendingResolution, bus: BusDep) -> BindingPublic:
    """SHOP-10: complete the binding once its reason is fixed, or reject it."""
    command = commands.ResolvePendingBinding(binding_id, complete=body.outcome == "complete")
    return BindingPublic.model_validate(await bus.handle(command))

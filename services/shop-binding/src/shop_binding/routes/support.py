"""Support routes: bindings stuck in `binding` (SHOP-10) and the queue of support cases (SHOP-12)."""
from __future__ import annotations

from fastapi import APIRouter

from shop_binding import views
from shop_binding.domain import commands
from shop_binding.routes.schemas import BindingPublic, PendingResolution, SupportCaseAnswer, SupportCasePublic
from trust_common.auth import CurrentPrincipal, Role, requires
from trust_common.contracts.shop_binding import SupportCaseOutcome
from trust_common.dependencies import BusDep, SessionDep
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1/support", tags=["support"], dependencies=[requires(Role.SUPPORT)])


@router.get("/pending-bindings")
async def pending_bindings(session: SessionDep, page: ListQuery) -> Page[BindingPublic]:
    rows, next_cursor = await views.pending_bindings(session, page)
    return Page.of(BindingPublic, rows, next_cursor)


@router.post("/bindings/{binding_id}/resolve")
async def resolve(binding_id: Id, body: PendingResolution, principal: CurrentPrincipal,
                  bus: BusDep) -> BindingPublic:
    """SHOP-10: complete the binding once its reason is fixed, or reject it (an open SHOP-12 case for it is
    answered with it)."""
    command = commands.ResolvePendingBinding(binding_id, complete=body.outcome == "complete",
                                             answered_by=principal.subject)
    return BindingPublic.model_validate(await bus.handle(command))


@router.get("/cases")
async def case_queue(session: SessionDep, page: ListQuery, status: Id | None = None) -> Page[SupportCasePublic]:
    """SHOP-12: the queue, oldest first; open cases unless `status` says otherwise."""
    rows, next_cursor = await views.support_queue(session, status, page)
    return Page.of(SupportCasePublic, rows, next_cursor)


@router.get("/cases/{case_id}")
async def get_case(case_id: Id, session: SessionDep) -> SupportCasePublic:
    return SupportCasePublic.model_validate(await views.support_case(session, case_id))


async def _answer(case_id: str, outcome: SupportCaseOutcome, body: SupportCaseAnswer, principal: CurrentPrincipal,
                  bus: BusDep) -> SupportCasePublic:
    command = commands.AnswerSupportCase(case_id, outcome, body.note_code, body.note, principal.subject)
    return SupportCasePublic.model_validate(await bus.handle(command))


@router.post("/cases/{case_id}/resolve")
async def resolve_case(case_id: Id, body: SupportCaseAnswer, principal: CurrentPrincipal,
                       bus: BusDep) -> SupportCasePublic:
    """SHOP-12: resolved (a stuck binding becomes active); the merchant is notified (NOTE-5)."""
    return await _answer(case_id, SupportCaseOutcome.RESOLVED, body, principal, bus)


@router.post("/cases/{case_id}/decline")
async def decline_case(case_id: Id, body: SupportCaseAnswer, principal: CurrentPrincipal,
                       bus: BusDep) -> SupportCasePublic:
    """SHOP-12: declined (a stuck binding is rejected, its slot freed); the merchant is notified (NOTE-5)."""
    return await _answer(case_id, SupportCaseOutcome.DECLINED, body, principal, bus)

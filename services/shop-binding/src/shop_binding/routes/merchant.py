"""Merchant routes: eligibility, invitations, bindings, limits, unlink requests and support cases of owned
shops."""
from __future__ import annotations

from fastapi import APIRouter

from shop_binding import views
from shop_binding.domain import commands
from shop_binding.routes.deps import OwnedShop
from shop_binding.routes.schemas import (
    BindingPublic,
    EligibilityPublic,
    FailurePublic,
    InvitationCreate,
    InvitationPublic,
    LimitsPublic,
    SupportCaseCreate,
    SupportCasePublic,
    UnlinkAnswer,
    UnlinkRequestPublic,
)
from trust_common.dependencies import BusDep, NowDep, SessionDep
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1/shops/{shop_id}", tags=["merchant"])


@router.get("/eligibility")
async def check_eligibility(shop_id: OwnedShop, creator_account_id: Id, session: SessionDep,
                            now: NowDep) -> EligibilityPublic:
    """SHOP-5: every rule the account fails, at once, each saying whether support can resolve it (SHOP-12)."""
    failures = await views.eligibility(session, shop_id, creator_account_id, now)
    return EligibilityPublic(shop_id=shop_id, creator_account_id=creator_account_id, eligible=not failures,
                             failures=[FailurePublic(**f.as_dict()) for f in failures])


@router.post("/invitations", status_code=201)
async def invite(shop_id: OwnedShop, body: InvitationCreate, bus: BusDep) -> InvitationPublic:
    invitation = await bus.handle(commands.InviteCreator(shop_id, body.creator_account_id, body.role))
    return InvitationPublic.model_validate(invitation)


@router.get("/invitations")
async def list_invitations(shop_id: OwnedShop, session: SessionDep, page: ListQuery,
                           status: Id | None = None) -> Page[InvitationPublic]:
    rows, next_cursor = await views.invitations_of_shop(session, shop_id, status, page)
    return Page.of(InvitationPublic, rows, next_cursor)


@router.post("/invitations/{invitation_id}/withdraw")
async def withdraw(shop_id: OwnedShop, invitation_id: Id, bus: BusDep) -> InvitationPublic:
    return InvitationPublic.model_validate(await bus.handle(commands.WithdrawInvitation(shop_id, invitation_id)))


@router.get("/bindings")
async def list_bindings(shop_id: OwnedShop, session: SessionDep, page: ListQuery,
                        status: Id | None = None) -> Page[BindingPublic]:
    rows, next_cursor = await views.bindings_of_shop(session, shop_id, status, page)
    return Page.of(BindingPublic, rows, next_cursor)


@router.post("/bindings/{binding_id}/unbind")
async def unbind(shop_id: OwnedShop, binding_id: Id, bus: BusDep) -> BindingPublic:
    """SHOP-3 (24 h hold) and SHOP-7 (3 official unbinds ever) apply."""
    return BindingPublic.model_validate(await bus.handle(commands.UnbindCreator(shop_id, binding_id)))


@router.get("/limits")
async def limits(shop_id: OwnedShop, session: SessionDep, now: NowDep) -> LimitsPublic:
    """The limits ledger: slots (SHOP-1), official unbinds (SHOP-7), channel bindings in 180 days (SHOP-8)."""
    facts, ledger = await views.ledger(session, shop_id, now)
    return LimitsPublic.of(shop_id, facts.onboarding, ledger)


@router.get("/unlink-requests")
async def list_unlink_requests(shop_id: OwnedShop, session: SessionDep, page: ListQuery,
                               status: Id | None = None) -> Page[UnlinkRequestPublic]:
    rows, next_cursor = await views.unlink_requests_of_shop(session, shop_id, status, page)
    return Page.of(UnlinkRequestPublic, rows, next_cursor)


@router.post("/unlink-requests/{request_id}/answer")
async def answer_unlink_request(shop_id: OwnedShop, request_id: Id, body: UnlinkAnswer,
                                bus: BusDep) -> UnlinkRequestPublic:
    """SHOP-11: agree (the binding ends, the slot is free) or decline."""
    request = await bus.handle(commands.AnswerUnlinkRequest(shop_id, request_id, body.decision))
    return UnlinkRequestPublic.model_validate(request)


@router.post("/support-cases", status_code=201)
async def open_support_case(shop_id: OwnedShop, body: SupportCaseCreate, bus: BusDep) -> SupportCasePublic:
    """SHOP-12: take an ineligible creator or a binding stuck in `binding` to support; a case for a cause
    support cannot resolve is refused at once (422, `support-cannot-resolve`)."""
    command = commands.OpenSupportCase(shop_id, body.kind, creator_account_id=body.creator_account_id,
                                       binding_id=body.binding_id)
    return SupportCasePublic.model_validate(await bus.handle(command))


@router.get("/support-cases")
async def list_support_cases(shop_id: OwnedShop, session: SessionDep, page: ListQuery,
                             status: Id | None = None) -> Page[SupportCasePublic]:
    rows, next_cursor = await views.support_cases_of_shop(session, shop_id, status, page)
    return Page.of(SupportCasePublic, rows, next_cursor)


@router.get("/support-cases/{case_id}")
async def get_support_case(shop_id: OwnedShop, case_id: Id, session: SessionDep) -> SupportCasePublic:
    """The outcome and support's note (SHOP-12)."""
    return SupportCasePublic.model_validate(await views.support_case(session, case_id, shop_id))

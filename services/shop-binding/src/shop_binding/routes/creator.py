"""Creator routes: their own invitations and bindings, and unlink requests."""
from __future__ import annotations

from fastapi import APIRouter

from shop_binding import views
from shop_binding.domain import commands
from shop_binding.routes.deps import CreatorAccount, NetworkCountry
from shop_binding.routes.schemas import BindingPublic, InvitationPublic, UnlinkRequestPublic
from trust_common.dependencies import BusDep, SessionDep
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1/me", tags=["creator"])


@router.get("/invitations")
async def my_invitations(account_id: CreatorAccount, session: SessionDep, page: ListQuery,
                         status: Id | None = None) -> Page[InvitationPublic]:
    rows, next_cursor = await views.invitations_of_creator(session, account_id, status, page)
    return Page.of(InvitationPublic, rows, next_cursor)


@router.post("/invitations/{invitation_id}/confirm")
async def confirm(invitation_id: Id, account_id: CreatorAccount, country: NetworkCountry,
                  bus: BusDep) -> BindingPublic:
    """SHOP-6 within 48 hours; SHOP-9 reasons come back together, each with its code; the network
    location is the `X-Client-Country` header set by the edge gateway."""
    binding = await bus.handle(commands.ConfirmInvitation(invitation_id, account_id, country))
    return BindingPublic.model_validate(binding)


@router.post("/invitations/{invitation_id}/decline")
async def decline(invitation_id: Id, account_id: CreatorAccount, bus: BusDep) -> InvitationPublic:
    return InvitationPublic.model_validate(await bus.handle(commands.DeclineInvitation(invitation_id, account_id)))


@router.get("/bindings")
async def my_bindings(account_id: CreatorAccount, session: SessionDep, page: ListQuery) -> Page[BindingPublic]:
    rows, next_cursor = await views.bindings_of_creator(session, account_id, page)
    return Page.of(BindingPublic, rows, next_cursor)


@router.post("/bindings/{binding_id}/unlink-requests", status_code=201)
async def request_unlink(binding_id: Id, account_id: CreatorAccount, country: NetworkCountry,
                         bus: BusDep) -> UnlinkRequestPublic:
    """SHOP-11: ask the shop to end the binding, with network location (`X-Client-Country`) and account
    region in the shop's country; otherwise refused with the SHOP-9 code."""
    command = commands.RequestUnlink(binding_id, account_id, country)
    return UnlinkRequestPublic.model_validate(await bus.handle(command))

"""The free enterprise account (CERT-11): open it without documents or fee; read it; read an enterprise's badge."""
from __future__ import annotations

from fastapi import APIRouter

from certification import views
from certification.domain import commands
from certification.routes.deps import ApplicantDep, BusDep, SessionDep, holder_actor
from certification.routes.schemas import BadgePublic, EnterpriseAccountCreate, EnterpriseAccountPublic
from trust_common.auth import CurrentPrincipal
from trust_common.validation import Id

router = APIRouter(prefix="/v1/enterprise-accounts", tags=["enterprise accounts"])


@router.post("", status_code=201)
async def open_enterprise_account(body: EnterpriseAccountCreate, principal: ApplicantDep, bus: BusDep,
                                  session: SessionDep) -> EnterpriseAccountPublic:
    """CERT-11: the "0-yuan enterprise account" of the caller's platform account; `uncertified` until an
    enterprise certification of the account is approved."""
    account = await bus.handle(commands.OpenEnterpriseAccount(holder_actor(principal), principal.require_account(),
                                                              body.channel))
    return EnterpriseAccountPublic.of(account, await views.standing_certification(session, account.account_id))


@router.get("/me")
async def my_enterprise_account(principal: ApplicantDep, session: SessionDep) -> EnterpriseAccountPublic:
    return EnterpriseAccountPublic.of(*await views.enterprise_account(session, principal.require_account()))


@router.get("/{account_id}/badge")
async def enterprise_badge(account_id: Id, principal: CurrentPrincipal, session: SessionDep) -> BadgePublic:
    """CERT-11: the blue V is public; an uncertified enterprise account has none (422 naming CERT-11)."""
    certification = await views.badge(session, account_id)
    return BadgePublic(account_id=account_id, certification_id=certification.id,
                       badge_active=certification.badge_active, valid_until=certification.valid_until)

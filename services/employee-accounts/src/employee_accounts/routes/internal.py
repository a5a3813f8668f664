"""Questions other platform systems ask (service tokens only)."""
from __future__ import annotations

from fastapi import APIRouter

from employee_accounts.domain.errors import EmployeeAccountNotFound
from employee_accounts.routes.schemas import EligibilityPublic, EntitlementsPublic
from employee_accounts.views import entitlements_of, is_employee_account
from trust_common.auth import Role, requires
from trust_common.dependencies import NowDep, SessionDep
from trust_common.validation import Id

router = APIRouter(prefix="/v1/internal", tags=["internal"], dependencies=[requires(Role.SERVICE)])


@router.get("/creator-marketplace-eligibility/{account_id}")
async def creator_marketplace_eligibility(account_id: Id, session: SessionDep) -> EligibilityPublic:
    """EMP-14: an employee account (of either kind) cannot take the creator-marketplace identity."""
    if await is_employee_account(session, account_id):
        return EligibilityPublic(account_id=account_id, eligible=False, rule="EMP-14",
                                 reason="the account is an employee account")
    return EligibilityPublic(account_id=account_id, eligible=True, rule="EMP-14")


@router.get("/affiliations/{account_id}")
async def affiliation(account_id: Id, session: SessionDep, now: NowDep) -> list[EntitlementsPublic]:
    """EMP-22: the enterprise each employee account of this platform account belongs to (always shown) and what it
    is entitled to now: tools and modules in force, the main account's marketing exemptions. 404: not an employee
    account. The same facts travel as `employee-accounts.account.entitlements` events."""
    found = await entitlements_of(session, account_id, now)
    if not found:
        raise EmployeeAccountNotFound(f"{account_id} holds no employee account")
    return [EntitlementsPublic(**e.model_dump()) for e in found]

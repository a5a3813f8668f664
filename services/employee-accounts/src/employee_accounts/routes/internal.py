"""Questions other platform systems ask (service tokens only)."""
from __future__ import annotations

from fastapi import APIRouter

from employee_accounts.routes.schemas import EligibilityPublic
from employee_accounts.views import is_employee_account
from trust_common.auth import Role, requires
from trust_common.dependencies import SessionDep
from trust_common.validation import Id

router = APIRouter(prefix="/v1/internal", tags=["internal"], dependencies=[requires(Role.SERVICE)])


@router.get("/creator-marketplace-eligibility/{account_id}")
async def creator_marketplace_eligibility(account_id: Id, session: SessionDep) -> EligibilityPublic:
    """EMP-14: an employee account (of either kind) cannot take the creator-marketplace identity."""
    if await is_employee_account(session, account_id):
        return EligibilityPublic(account_id=account_id, eligible=False, rule="EMP-14",
                                 reason="the account is an employee account")
    return EligibilityPublic(account_id=account_id, eligible=True, rule="EMP-14")

"""Questions other platform systems ask (service tokens only)."""
from __future__ import annotations

from fastapi import APIRouter

from trust_common.auth import Role, requires
from trust_common.validation import Id

from employee_accounts.entrypoints.schemas import EligibilityPublic
from employee_accounts.repository import Repository
from employee_accounts.routes.deps import ReadSession

router = APIRouter(prefix="/v1/internal", tags=["internal"], dependencies=[requires(Role.SERVICE)])


@router.get("/creator-marketplace-eligibility/{account_id}")
async def creator_marketplace_eligibility(account_id: Id, session: ReadSession) -> EligibilityPublic:
    """EMP-14: an employee account (of either kind) cannot take the creator-marketplace identity."""
    if await Repository(session).is_employee_account(account_id):
        return EligibilityPublic(account_id=account_id, eligible=False, rule="EMP-14",
                                 reason="the account is an employee account")
    return EligibilityPublic(account_id=account_id, eligible=True, rule="EMP-14")

"""Enterprise employee accounts for the enterprise's admins, and their review by platform staff."""
from __future__ import annotations

from fastapi import APIRouter

from trust_common.pagination import Page
from trust_common.validation import Id

from employee_accounts.domain import commands as c
from employee_accounts.domain.account import Status
from employee_accounts.entrypoints.schemas import (
    DepartureIn, DetailsIn, EmployeeAccountCreate, EmployeeAccountPublic, GrantsPublic, HandOverIn, ReviewIn,
    password_of,
)
from employee_accounts.queries import LISTINGS, grants_view, page_of
from employee_accounts.repository import Repository
from employee_accounts.routes.deps import BusDep, EnterpriseId, Now, ReadSession, Reviewer

router = APIRouter(tags=["employee accounts"])
ENTERPRISE = "/v1/enterprises/{enterprise_id}/employee-accounts"


@router.post(ENTERPRISE, status_code=201)
async def apply_employee_account(body: EmployeeAccountCreate, enterprise_id: EnterpriseId,
                                 bus: BusDep) -> EmployeeAccountPublic:
    """EMP-5 within the EMP-2 quota; the new account is `reviewing`."""
    return EmployeeAccountPublic.of(await bus.handle(c.ApplyEmployeeAccount(
        enterprise_id=enterprise_id, login_email=body.login_email, password=password_of(body.password),
        details=body.employee.to_domain(), position_id=body.position_id, department_id=body.department_id)))


@router.get(ENTERPRISE)
async def list_employee_accounts(enterprise_id: EnterpriseId, session: ReadSession, cursor: str | None = None,
                                 limit: int | None = None, status: Status | None = None) -> Page[EmployeeAccountPublic]:
    entity, table = LISTINGS["employee_accounts"]
    items, next_cursor = await page_of(session, entity, table, enterprise_id, cursor=cursor, limit=limit,
                                       status=status)
    return Page(items=[EmployeeAccountPublic.of(a) for a in items], next_cursor=next_cursor)


@router.get(ENTERPRISE + "/{employee_account_id}")
async def get_employee_account(employee_account_id: Id, enterprise_id: EnterpriseId,
                               session: ReadSession) -> EmployeeAccountPublic:
    account = await Repository(session).employee_account(employee_account_id, enterprise_id=enterprise_id,
                                                          lock=False)
    return EmployeeAccountPublic.of(account)


@router.get(ENTERPRISE + "/{employee_account_id}/grants")
async def get_grants(employee_account_id: Id, enterprise_id: EnterpriseId, session: ReadSession,
                     now: Now) -> GrantsPublic:
    """EMP-18 suspension, EMP-12 validity and EMP-16 merchant-page visibility."""
    account = await Repository(session).employee_account(employee_account_id, enterprise_id=enterprise_id,
                                                          lock=False)
    return GrantsPublic.of(await grants_view(session, account, now))


@router.put(ENTERPRISE + "/{employee_account_id}/employee-information")
async def resubmit(employee_account_id: Id, body: DetailsIn, enterprise_id: EnterpriseId,
                   bus: BusDep) -> EmployeeAccountPublic:
    """EMP-12: correct a failed review and resubmit."""
    return EmployeeAccountPublic.of(await bus.handle(c.ResubmitInformation(
        employee_account_id, body.to_domain(), enterprise_id=enterprise_id)))


@router.post(ENTERPRISE + "/{employee_account_id}/departure")
async def depart(employee_account_id: Id, body: DepartureIn, enterprise_id: EnterpriseId,
                 bus: BusDep) -> EmployeeAccountPublic:
    """EMP-9: `vacant` at once, or `departure_pending` while unsettled assets wait for the real-name unbinding."""
    return EmployeeAccountPublic.of(await bus.handle(
        c.DepartEmployee(enterprise_id, employee_account_id, body.agreement_accepted)))


@router.post(ENTERPRISE + "/{employee_account_id}/handover")
async def hand_over(employee_account_id: Id, body: HandOverIn, enterprise_id: EnterpriseId,
                    bus: BusDep) -> EmployeeAccountPublic:
    """EMP-9: re-enable a departed account for a new employee."""
    return EmployeeAccountPublic.of(await bus.handle(c.HandOverAccount(
        enterprise_id=enterprise_id, employee_account_id=employee_account_id, login_email=body.login_email,
        password=password_of(body.password), details=body.employee.to_domain(), position_id=body.position_id,
        department_id=body.department_id)))


@router.delete(ENTERPRISE + "/{employee_account_id}")
async def deregister(employee_account_id: Id, enterprise_id: EnterpriseId, bus: BusDep) -> None:
    """EMP-10: always the "not supported" problem."""
    await bus.handle(c.DeregisterEmployeeAccount(enterprise_id, employee_account_id))


@router.post(ENTERPRISE + "/{employee_account_id}/conversion")
async def convert(employee_account_id: Id, enterprise_id: EnterpriseId, session: ReadSession) -> None:
    """EMP-13: the two kinds never convert into each other."""
    account = await Repository(session).employee_account(employee_account_id, enterprise_id=enterprise_id,
                                                          lock=False)
    account.convert()


@router.post("/v1/reviews/employee-accounts/{employee_account_id}")
async def review(employee_account_id: Id, body: ReviewIn, reviewer: Reviewer, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-5/EMP-12: platform staff approve or fail the employee information."""
    return EmployeeAccountPublic.of(await bus.handle(
        c.ReviewEmployeeAccount(employee_account_id, body.approved, body.reason)))


@router.post("/v1/reviews/employee-accounts/{employee_account_id}/merchant-page-modules/{tool}")
async def approve_merchant_module(employee_account_id: Id, tool: Id, reviewer: Reviewer,
                                  bus: BusDep) -> EmployeeAccountPublic:
    """EMP-16: platform staff approve a configured merchant-page module."""
    return EmployeeAccountPublic.of(await bus.handle(c.ApproveMerchantModule(employee_account_id, tool)))

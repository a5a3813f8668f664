"""Enterprise employee accounts for the enterprise's admins, and their review by platform staff."""
from __future__ import annotations

from fastapi import APIRouter

from employee_accounts import views
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import Status
from employee_accounts.routes.deps import Client, EnterpriseId, Reviewer
from employee_accounts.routes.schemas import (
    AuthorisationChangeIn,
    AuthorisationChangePublic,
    DepartureIn,
    DetailsIn,
    EmployeeAccountCreate,
    EmployeeAccountPublic,
    GrantsPublic,
    HandOverIn,
    ReviewIn,
    password_of,
)
from trust_common.auth import CurrentPrincipal
from trust_common.dependencies import BusDep, NowDep, SessionDep
from trust_common.pagination import Page, PageRequest
from trust_common.validation import Id

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
async def list_employee_accounts(enterprise_id: EnterpriseId, session: SessionDep, cursor: str | None = None,
                                 limit: int | None = None, status: Status | None = None) -> Page[EmployeeAccountPublic]:
    # cursor and limit spelled out, not `ListQuery`: it would list them after `status` in the published document.
    page = PageRequest(cursor, limit)
    items, next_cursor = await views.employee_accounts_page(session, enterprise_id, page, status=status)
    return Page(items=[EmployeeAccountPublic.of(a) for a in items], next_cursor=next_cursor)


@router.get(ENTERPRISE + "/{employee_account_id}")
async def get_employee_account(employee_account_id: Id, enterprise_id: EnterpriseId,
                               session: SessionDep) -> EmployeeAccountPublic:
    return EmployeeAccountPublic.of(await views.employee_account(session, employee_account_id, enterprise_id))


@router.get(ENTERPRISE + "/{employee_account_id}/grants")
async def get_grants(employee_account_id: Id, enterprise_id: EnterpriseId, session: SessionDep,
                     now: NowDep) -> GrantsPublic:
    """EMP-18 suspension, EMP-12 validity and EMP-16 merchant-page visibility."""
    account = await views.employee_account(session, employee_account_id, enterprise_id)
    return GrantsPublic.of(await views.grants_view(session, account, now))


@router.patch(ENTERPRISE + "/{employee_account_id}/authorisation")
async def change_authorisation(employee_account_id: Id, body: AuthorisationChangeIn, enterprise_id: EnterpriseId,
                               principal: CurrentPrincipal, client: Client, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-19: edit an account's authorisation (position and department; or modules, tools (EMP-20) and, from the
    PC back office, the validity period (EMP-21)); in force at once, audited, the employee notified."""
    return EmployeeAccountPublic.of(await bus.handle(c.ChangeAuthorisation(
        enterprise_id=enterprise_id, employee_account_id=employee_account_id, actor=principal.subject, client=client,
        position_id=body.position_id, department_id=body.department_id, modules=body.modules, tools=body.tools,
        valid_until=body.valid_until)))


@router.get(ENTERPRISE + "/{employee_account_id}/authorisation-changes")
async def authorisation_changes(employee_account_id: Id, enterprise_id: EnterpriseId,
                                session: SessionDep) -> list[AuthorisationChangePublic]:
    """EMP-19: the audit trail of the account's authorisation, oldest first."""
    await views.employee_account(session, employee_account_id, enterprise_id)
    return [AuthorisationChangePublic(**row) for row in await views.authorisation_changes(session, employee_account_id)]


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
async def convert(employee_account_id: Id, enterprise_id: EnterpriseId, bus: BusDep) -> None:
    """EMP-13: the two kinds never convert into each other."""
    await bus.handle(c.ConvertEmployeeAccount(enterprise_id, employee_account_id))


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

"""Authorising personal accounts (EMP-12): the enterprise invites, the invitee answers within 48 hours."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from employee_accounts import views
from employee_accounts.domain import commands as c
from employee_accounts.domain.invitation import InvitationStatus
from employee_accounts.domain.values import ClientInfo
from employee_accounts.routes.deps import Client, EnterpriseId, InviteeAccount
from employee_accounts.routes.schemas import (
    AcceptIn,
    AffiliationIn,
    BatchResult,
    BatchRowResult,
    DetailsIn,
    EmployeeAccountPublic,
    GrantsPublic,
    InvitationBatchIn,
    InvitationIn,
    InvitationPublic,
    MerchantModuleIn,
)
from trust_common.dependencies import BusDep, NowDep, SessionDep
from trust_common.messagebus import MessageBus
from trust_common.pagination import ListQuery, Page, PageRequest
from trust_common.problems import Invalid, Problem
from trust_common.validation import ID_MAX_LENGTH, Id, Instant, is_id

router = APIRouter(tags=["invitations"])
ENTERPRISE = "/v1/enterprises/{enterprise_id}/invitations"
MAX_CSV_ROWS = 500


@router.post(ENTERPRISE, status_code=201)
async def invite(body: InvitationIn, enterprise_id: EnterpriseId, client: Client, bus: BusDep) -> InvitationPublic:
    """EMP-12: one personal account; a validity period only from the PC back office."""
    return InvitationPublic.of(await bus.handle(c.InvitePersonalAccount(
        enterprise_id, body.personal_account_id, body.modules, body.agreement_accepted, body.valid_until, client)))


@router.post(ENTERPRISE + "/batch")
async def invite_batch(body: InvitationBatchIn, enterprise_id: EnterpriseId, client: Client,
                       bus: BusDep) -> BatchResult:
    """EMP-12: a list of personal accounts; each row is invited or refused on its own."""
    return await _invite_rows(bus, enterprise_id, list(enumerate(body.personal_account_ids, start=1)), body.modules,
                              body.agreement_accepted, body.valid_until, client)


@router.post(ENTERPRISE + "/batch-csv")
async def invite_batch_csv(enterprise_id: EnterpriseId, client: Client, bus: BusDep,
                           file: Annotated[UploadFile, File(description="CSV with a personal_account_id column")],
                           modules: Annotated[str, Form(description="comma-separated EMP-4 modules")],
                           agreement_accepted: Annotated[bool, Form()],
                           valid_until: Annotated[Instant | None, Form()] = None) -> BatchResult:
    """EMP-12: batch upload; the result names each data row by its line number."""
    try:
        text = (await file.read()).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid("the CSV file must be UTF-8", rule="EMP-12") from error
    reader = csv.DictReader(io.StringIO(text))
    try:
        if reader.fieldnames is None or "personal_account_id" not in [f.strip() for f in reader.fieldnames]:
            raise Invalid("the CSV file needs a personal_account_id header", rule="EMP-12")
        rows = [(reader.line_num, (row.get("personal_account_id") or "").strip()) for row in reader]
    except csv.Error as error:  # a field over the csv module's size limit, a malformed line
        raise Invalid(f"the CSV file cannot be read at line {reader.line_num}: {error}", rule="EMP-12") from error
    if len(rows) > MAX_CSV_ROWS:
        raise Invalid(f"at most {MAX_CSV_ROWS} rows per upload", rule="EMP-12")
    chosen = [m.strip() for m in modules.split(",") if m.strip()]
    return await _invite_rows(bus, enterprise_id, rows, chosen, agreement_accepted, valid_until, client)


async def _invite_rows(bus: MessageBus, enterprise_id: str, rows: list[tuple[int, str]], modules: list[str],
                       agreement_accepted: bool, valid_until: datetime | None, client: ClientInfo) -> BatchResult:
    results: list[BatchRowResult] = []
    for row, account_id in rows:
        try:
            if not account_id:
                raise Invalid("the personal account id is empty", rule="EMP-12")
            if not is_id(account_id):
                raise Invalid(f"the personal account id must be 1 to {ID_MAX_LENGTH} characters without control "
                              "characters", rule="EMP-12")
            invitation = await bus.handle(c.InvitePersonalAccount(
                enterprise_id, account_id, modules, agreement_accepted, valid_until, client))
            results.append(BatchRowResult(row=row, personal_account_id=account_id, outcome="invited",
                                          invitation=InvitationPublic.of(invitation)))
        except Problem as problem:  # one bad row never stops the others
            results.append(BatchRowResult(row=row, personal_account_id=account_id, outcome="refused",
                                          problem=problem.body()))
    invited = sum(r.outcome == "invited" for r in results)
    return BatchResult(invited=invited, refused=len(results) - invited, results=results)


@router.get(ENTERPRISE)
async def list_invitations(enterprise_id: EnterpriseId, session: SessionDep, cursor: str | None = None,
                           limit: int | None = None,
                           status: InvitationStatus | None = None) -> Page[InvitationPublic]:
    # cursor and limit spelled out, not `ListQuery`: it would list them after `status` in the published document.
    page = PageRequest(cursor, limit)
    items, next_cursor = await views.invitations_page(session, enterprise_id, page, status=status)
    return Page(items=[InvitationPublic.of(i) for i in items], next_cursor=next_cursor)


@router.post(ENTERPRISE + "/{invitation_id}/withdrawal")
async def withdraw(invitation_id: Id, enterprise_id: EnterpriseId, bus: BusDep) -> InvitationPublic:
    return InvitationPublic.of(await bus.handle(c.WithdrawInvitation(enterprise_id, invitation_id)))


@router.get("/v1/me/invitations")
async def my_invitations(account_id: InviteeAccount, session: SessionDep, page: ListQuery) -> Page[InvitationPublic]:
    """X-3: a personal account sees only its own invitations."""
    items, next_cursor = await views.my_invitations_page(session, account_id, page)
    return Page(items=[InvitationPublic.of(i) for i in items], next_cursor=next_cursor)


@router.get("/v1/me/invitations/{invitation_id}")
async def my_invitation(invitation_id: Id, account_id: InviteeAccount, session: SessionDep) -> InvitationPublic:
    """X-3: an invitee sees only their own invitations."""
    return InvitationPublic.of(await views.my_invitation(session, invitation_id, account_id))


@router.post("/v1/me/invitations/{invitation_id}/acceptance", status_code=201)
async def accept(invitation_id: Id, body: AcceptIn, account_id: InviteeAccount, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-12: fill in the details and submit within 48 hours; the authorisation goes to review."""
    return EmployeeAccountPublic.of(await bus.handle(
        c.AcceptInvitation(invitation_id, account_id, body.employee.to_domain())))


@router.post("/v1/me/invitations/{invitation_id}/decline")
async def decline(invitation_id: Id, account_id: InviteeAccount, bus: BusDep) -> InvitationPublic:
    return InvitationPublic.of(await bus.handle(c.DeclineInvitation(invitation_id, account_id)))


@router.get("/v1/me/employee-account")
async def my_authorisation(account_id: InviteeAccount, session: SessionDep) -> EmployeeAccountPublic:
    return EmployeeAccountPublic.of(await views.my_authorisation(session, account_id))


@router.put("/v1/me/employee-account/employee-information")
async def resubmit_mine(body: DetailsIn, account_id: InviteeAccount, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-12: the invitee corrects a failed review and resubmits."""
    return EmployeeAccountPublic.of(await bus.handle(c.ResubmitAuthorisation(account_id, body.to_domain())))


@router.delete("/v1/me/employee-account")
async def unbind_mine(account_id: InviteeAccount, bus: BusDep) -> None:
    """EMP-13: an authorisation cannot be unbound; it ends only with the account's deletion."""
    await bus.handle(c.UnbindAuthorisation(account_id))


@router.put("/v1/me/employee-account/affiliation")
async def set_my_affiliation(body: AffiliationIn, account_id: InviteeAccount, session: SessionDep,
                             bus: BusDep) -> AffiliationIn:
    """EMP-22: an authorised personal account also always shows its enterprise; hiding it is refused."""
    account = await views.my_authorisation(session, account_id)
    if not body.shown:
        await bus.handle(c.HideAffiliation(account.id))
    return AffiliationIn(shown=True)


@router.get("/v1/me/employee-account/grants")
async def my_grants(account_id: InviteeAccount, session: SessionDep, now: NowDep) -> GrantsPublic:
    """EMP-20: the tools and modules in force of the authorised personal account, and its merchant page (EMP-16)."""
    account = await views.my_authorisation(session, account_id)
    return GrantsPublic.of(await views.grants_view(session, account, now))


@router.post("/v1/me/employee-account/merchant-page/modules")
async def configure_my_merchant_module(body: MerchantModuleIn, account_id: InviteeAccount, session: SessionDep,
                                       bus: BusDep) -> EmployeeAccountPublic:
    """EMP-20 / EMP-16: an authorised personal account granted a tool configures its merchant-page module."""
    account = await views.my_authorisation(session, account_id)
    return EmployeeAccountPublic.of(await bus.handle(c.ConfigureMerchantModule(account.id, body.tool)))

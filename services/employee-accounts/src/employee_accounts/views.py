"""The read side: accounts, grants in force, quota, listings and employee sessions; no changes here.
Tenancy is part of every read (X-3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from employee_accounts.domain.account import EmployeeAccount, Status
from employee_accounts.domain.catalogue import quota_for
from employee_accounts.domain.department import Department
from employee_accounts.domain.enterprise import Enterprise
from employee_accounts.domain.errors import EmployeeAccountNotFound, PositionNotFound
from employee_accounts.domain.invitation import Invitation
from employee_accounts.domain.policies import merchant_page_visible
from employee_accounts.domain.position import Position
from employee_accounts.domain.values import Permissions
from employee_accounts.orm import authorisation_changes as authorisation_changes_table
from employee_accounts.orm import departments, employee_accounts, employee_sessions, invitations, positions
from employee_accounts.repository import authorised_personal, entitlements_now, grant_facts, invitation, seats_used
from trust_common.pagination import PageRequest, paginate
from trust_common.projections import load_account

Rows = tuple[list[Any], str | None]


async def employee_account(session: AsyncSession, account_id: str, enterprise_id: str) -> EmployeeAccount:
    """One account of the enterprise; another enterprise's is not found (X-3)."""
    account = (await session.execute(select(EmployeeAccount).where(
        employee_accounts.c.id == account_id, employee_accounts.c.enterprise_id == enterprise_id))).scalar_one_or_none()
    if account is None:
        raise EmployeeAccountNotFound(f"no employee account {account_id}")
    return account


async def enterprise(session: AsyncSession, enterprise_id: str) -> Enterprise | None:
    """Issue 15: the enterprise as certification events made it here (None: none heard yet)."""
    return await session.get(Enterprise, enterprise_id)


async def my_authorisation(session: AsyncSession, personal_account_id: str) -> EmployeeAccount:
    """EMP-13: the authorisation the personal account holds."""
    account = await authorised_personal(session, personal_account_id)
    if account is None:
        raise EmployeeAccountNotFound("this account is not an authorised employee account")
    return account


async def my_invitation(session: AsyncSession, invitation_id: str, personal_account_id: str) -> Invitation:
    """X-3: an invitee sees only their own invitations."""
    return await invitation(session, invitation_id, personal_account_id=personal_account_id, lock=False)


async def position(session: AsyncSession, enterprise_id: str, position_id: str) -> Position:
    found = await session.get(Position, position_id)
    if found is None or found.enterprise_id != enterprise_id:
        raise PositionNotFound(f"no position {position_id}")
    return found


async def is_employee_account(session: AsyncSession, platform_account_id: str) -> bool:
    """EMP-14: does this platform account hold an employee account of either kind?"""
    stmt = select(func.count()).select_from(employee_accounts).where(
        employee_accounts.c.account_id == platform_account_id, employee_accounts.c.status != Status.ENDED.value)
    return (await session.execute(stmt)).scalar_one() > 0


async def authorisation_changes(session: AsyncSession, employee_account_id: str) -> list[dict[str, Any]]:
    """EMP-19: the audit trail of one account (the caller checked the tenancy)."""
    stmt = select(authorisation_changes_table).where(
        authorisation_changes_table.c.employee_account_id == employee_account_id).order_by(
        authorisation_changes_table.c.at, authorisation_changes_table.c.id).limit(500)
    return [{k: v for k, v in row.items() if k != "enterprise_id"}
            for row in (await session.execute(stmt)).mappings()]


async def entitlements_of(session: AsyncSession, platform_account_id: str, now: datetime) -> list[Any]:
    """EMP-22: the affiliation and entitlements of every live employee account of a platform account."""
    stmt = select(EmployeeAccount).where(employee_accounts.c.account_id == platform_account_id,
                                         employee_accounts.c.status != Status.ENDED.value)
    accounts = list((await session.execute(stmt.order_by(employee_accounts.c.id))).scalars())
    return [a.entitlements(await entitlements_now(session, a, now), now) for a in accounts]


@dataclass(frozen=True)
class Grants:
    granted: Permissions
    effective: Permissions
    suspended: bool
    merchant_page_visible: bool


async def grants_view(session: AsyncSession, account: EmployeeAccount, now: datetime) -> Grants:
    """EMP-18 suspension, EMP-12 validity, EMP-3 the main account's current tools, EMP-16 the merchant page."""
    facts = await grant_facts(session, account)
    effective = account.effective_permissions(facts.granted, now, enterprise_suspended=facts.suspended,
                                              main_tools=facts.main_tools)
    return Grants(facts.granted, effective, facts.suspended,
                  merchant_page_visible(account.merchant_page_modules, effective))


@dataclass(frozen=True)
class Quota:
    growth_level: str | None
    limit: int
    accounts: int
    pending_invitations: int

    @property
    def used(self) -> int:
        return self.accounts + self.pending_invitations

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


async def quota(session: AsyncSession, enterprise_id: str) -> Quota:
    """EMP-2: limit by growth level, seats used by both kinds and open invitations."""
    main = await load_account(session, enterprise_id)
    accounts, pending = await seats_used(session, enterprise_id)
    level = main.growth_level if main else None
    return Quota(level, quota_for(level), accounts, pending)


async def _enterprise_page(session: AsyncSession, entity: type, table: Table, enterprise_id: str, page: PageRequest,
                           **filters: Any) -> Rows:
    """One page of an enterprise's rows, oldest first (X-3: always scoped to the enterprise)."""
    stmt = select(entity, table.c.created_at, table.c.id).where(table.c.enterprise_id == enterprise_id)
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(table.c[column] == value)
    rows, next_cursor = await paginate(session, stmt, [table.c.created_at, table.c.id], page)
    return [row[0] for row in rows], next_cursor


async def employee_accounts_page(session: AsyncSession, enterprise_id: str, page: PageRequest, *,
                                 status: str | None) -> Rows:
    return await _enterprise_page(session, EmployeeAccount, employee_accounts, enterprise_id, page, status=status)


async def positions_page(session: AsyncSession, enterprise_id: str, page: PageRequest) -> Rows:
    return await _enterprise_page(session, Position, positions, enterprise_id, page)


async def departments_page(session: AsyncSession, enterprise_id: str, page: PageRequest, *,
                           parent_id: str | None) -> Rows:
    return await _enterprise_page(session, Department, departments, enterprise_id, page, parent_id=parent_id)


async def invitations_page(session: AsyncSession, enterprise_id: str, page: PageRequest, *,
                           status: str | None) -> Rows:
    return await _enterprise_page(session, Invitation, invitations, enterprise_id, page, status=status)


async def my_invitations_page(session: AsyncSession, personal_account_id: str, page: PageRequest) -> Rows:
    """X-3: an invitee's own invitations, newest first."""
    stmt = select(Invitation, invitations.c.created_at, invitations.c.id).where(
        invitations.c.personal_account_id == personal_account_id)
    rows, next_cursor = await paginate(session, stmt, [invitations.c.created_at, invitations.c.id], page,
                                       descending=True)
    return [row[0] for row in rows], next_cursor


async def session_account(session: AsyncSession, token_hash: str, now: datetime) -> EmployeeAccount | None:
    """The account of a live employee session; a handover or departure ends the old holder's sessions (EMP-9)."""
    row = (await session.execute(select(employee_sessions).where(
        employee_sessions.c.token_hash == token_hash))).mappings().first()
    if row is None or row["expires_at"] <= now:
        return None
    account = await session.get(EmployeeAccount, row["employee_account_id"])
    if account is None or account.holder_generation != row["holder_generation"] or not account.can_log_in:
        return None
    return account

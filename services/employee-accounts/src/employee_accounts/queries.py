"""The read side: grants in force, quota, listings and employee sessions; no changes here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.contracts.employee_accounts import EmployeeAccountKind
from trust_common.pagination import paginate
from trust_common.projections import load_account

from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.catalogue import quota_for
from employee_accounts.domain.invitation import Invitation
from employee_accounts.domain.organisation import Department, Enterprise, Position
from employee_accounts.domain.storefront import effective_permissions, merchant_page_visible
from employee_accounts.domain.values import Permissions
from employee_accounts.orm import departments, employee_accounts, employee_sessions, invitations, positions
from employee_accounts.repository import Repository


async def granted(session: AsyncSession, account: EmployeeAccount) -> Permissions:
    """What the enterprise granted: the position's permissions, or the invitation's modules."""
    if account.kind is EmployeeAccountKind.AUTHORISED_PERSONAL:
        return Permissions.parse([], account.modules)
    position = await session.get(Position, account.position_id) if account.position_id else None
    return position.permissions if position else Permissions()


async def grants_suspended(session: AsyncSession, enterprise_id: str) -> bool:
    enterprise = await session.get(Enterprise, enterprise_id)
    return bool(enterprise and enterprise.grants_suspended)


async def main_account_tools(session: AsyncSession, enterprise_id: str) -> frozenset[str]:
    """EMP-3: the tools the main account holds now, as projected (none while it is unknown)."""
    main = await load_account(session, enterprise_id)
    return frozenset(main.tools if main else ())


async def effective_grants(session: AsyncSession, account: EmployeeAccount, now: datetime) -> Permissions:
    """EMP-18, EMP-12 and EMP-3: the grants in force now."""
    return effective_permissions(account, await granted(session, account), now,
                                 enterprise_suspended=await grants_suspended(session, account.enterprise_id),
                                 main_tools=await main_account_tools(session, account.enterprise_id))


@dataclass(frozen=True)
class Grants:
    granted: Permissions
    effective: Permissions
    suspended: bool
    merchant_page_visible: bool


async def grants_view(session: AsyncSession, account: EmployeeAccount, now: datetime) -> Grants:
    suspended = await grants_suspended(session, account.enterprise_id)
    given = await granted(session, account)
    effective = effective_permissions(account, given, now, enterprise_suspended=suspended,
                                      main_tools=await main_account_tools(session, account.enterprise_id))
    return Grants(given, effective, suspended, merchant_page_visible(account.merchant_page_modules, effective))


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
    accounts, pending = await Repository(session).seats_used(enterprise_id)
    level = main.growth_level if main else None
    return Quota(level, quota_for(level), accounts, pending)


async def page_of(session: AsyncSession, entity: Any, table: Any, enterprise_id: str, *, cursor: str | None,
                  limit: int | None, **filters: Any) -> tuple[list[Any], str | None]:
    """One page of an enterprise's rows, oldest first (X-3: always scoped to the enterprise)."""
    stmt = select(entity, table.c.created_at, table.c.id).where(table.c.enterprise_id == enterprise_id)
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(table.c[column] == value)
    rows, next_cursor = await paginate(session, stmt, [table.c.created_at, table.c.id], cursor=cursor, limit=limit)
    return [row[0] for row in rows], next_cursor


LISTINGS = {"employee_accounts": (EmployeeAccount, employee_accounts), "positions": (Position, positions),
            "departments": (Department, departments)}


async def invitations_page(session: AsyncSession, enterprise_id: str, *, cursor: str | None, limit: int | None,
                           status: str | None = None) -> tuple[list[Any], str | None]:
    return await page_of(session, Invitation, invitations, enterprise_id, cursor=cursor, limit=limit, status=status)


async def my_invitations_page(session: AsyncSession, personal_account_id: str, *, cursor: str | None,
                              limit: int | None) -> tuple[list[Invitation], str | None]:
    """X-3: an invitee's own invitations, newest first."""
    stmt = select(Invitation, invitations.c.created_at, invitations.c.id).where(
        invitations.c.personal_account_id == personal_account_id)
    rows, next_cursor = await paginate(session, stmt, [invitations.c.created_at, invitations.c.id], cursor=cursor,
                                       limit=limit, descending=True)
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

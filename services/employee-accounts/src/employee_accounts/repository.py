"""Loads and saves aggregates through the unit of work's session; never commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.contracts.employee_accounts import EmployeeAccountKind
from trust_common.contracts.platform import AccountSnapshot
from trust_common.schema import platform_accounts

from employee_accounts.domain.account import EmployeeAccount, Status
from employee_accounts.domain.errors import (
    DepartmentNotFound, EmployeeAccountNotFound, InvitationNotFound, PositionNotFound,
)
from employee_accounts.domain.invitation import Invitation, InvitationStatus
from employee_accounts.domain.organisation import Department, Enterprise, Position
from employee_accounts.orm import employee_accounts, enterprises, invitations

FREED_SEAT = (Status.ENDED,)  # an ended authorisation gives its seat back (EMP-2, EMP-13)


class Repository:
    """Queries of this service's aggregates; tenancy is part of every lookup (X-3)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- enterprises ------------------------------------------------------------------------
    async def enterprise(self, enterprise_id: str, *, for_update: bool = False) -> Enterprise | None:
        stmt = select(Enterprise).where(enterprises.c.id == enterprise_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def lock_enterprise(self, enterprise_id: str, now: datetime) -> Enterprise:
        """The enterprise row, created if new, locked: seat counting is serialised on it (EMP-2)."""
        await self.session.execute(pg_insert(enterprises).values(
            id=enterprise_id, certified=False, grants_suspended=False, created_at=now, updated_at=now,
        ).on_conflict_do_nothing(index_elements=[enterprises.c.id]))
        enterprise = await self.enterprise(enterprise_id, for_update=True)
        assert enterprise is not None
        return enterprise

    async def seats_used(self, enterprise_id: str) -> tuple[int, int]:
        """EMP-2: (employee accounts of both kinds, open invitations holding a seat)."""
        accounts = (await self.session.execute(select(func.count()).select_from(employee_accounts).where(
            employee_accounts.c.enterprise_id == enterprise_id,
            employee_accounts.c.status.not_in([s.value for s in FREED_SEAT])))).scalar_one()
        pending = (await self.session.execute(select(func.count()).select_from(invitations).where(
            invitations.c.enterprise_id == enterprise_id,
            invitations.c.status == InvitationStatus.PENDING.value))).scalar_one()
        return accounts, pending

    # --- employee accounts -----------------------------------------------------------------
    async def employee_account(self, account_id: str, *, enterprise_id: str | None = None,
                               lock: bool = True) -> EmployeeAccount:
        """The account (of the enterprise, when given: X-3), locked for a change unless only read."""
        stmt = select(EmployeeAccount).where(employee_accounts.c.id == account_id)
        if enterprise_id is not None:
            stmt = stmt.where(employee_accounts.c.enterprise_id == enterprise_id)
        if lock:
            stmt = stmt.with_for_update()
        account = (await self.session.execute(stmt)).scalar_one_or_none()
        if account is None:
            raise EmployeeAccountNotFound(f"no employee account {account_id}")
        return account

    async def by_login_email(self, login_email: str) -> EmployeeAccount | None:
        stmt = select(EmployeeAccount).where(func.lower(employee_accounts.c.login_email) == login_email.lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def authorised_personal(self, personal_account_id: str) -> EmployeeAccount | None:
        """EMP-13: the one authorisation of a personal account, if any."""
        stmt = select(EmployeeAccount).where(
            employee_accounts.c.kind == EmployeeAccountKind.AUTHORISED_PERSONAL.value,
            employee_accounts.c.account_id == personal_account_id,
            employee_accounts.c.status != Status.ENDED.value)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def identity_employed(self, enterprise_id: str, national_id_hash: str, *, besides: str | None = None) -> bool:
        stmt = select(func.count()).select_from(employee_accounts).where(
            employee_accounts.c.enterprise_id == enterprise_id,
            employee_accounts.c.kind == EmployeeAccountKind.ENTERPRISE.value,
            employee_accounts.c.national_id_hash == national_id_hash,
            employee_accounts.c.status.not_in([Status.VACANT.value, Status.DEPARTURE_PENDING.value]))
        if besides:
            stmt = stmt.where(employee_accounts.c.id != besides)
        return (await self.session.execute(stmt)).scalar_one() > 0

    async def employee_ids(self, enterprise_id: str) -> list[str]:
        stmt = select(employee_accounts.c.id).where(employee_accounts.c.enterprise_id == enterprise_id,
                                                    employee_accounts.c.status != Status.ENDED.value)
        return list((await self.session.execute(stmt.order_by(employee_accounts.c.id))).scalars())

    async def pending_departures(self, platform_account_id: str) -> list[EmployeeAccount]:
        stmt = select(EmployeeAccount).where(employee_accounts.c.account_id == platform_account_id,
                                             employee_accounts.c.status == Status.DEPARTURE_PENDING.value)
        return list((await self.session.execute(stmt.with_for_update())).scalars())

    async def is_employee_account(self, platform_account_id: str) -> bool:
        """EMP-14: does this platform account hold an employee account of either kind?"""
        stmt = select(func.count()).select_from(employee_accounts).where(
            employee_accounts.c.account_id == platform_account_id, employee_accounts.c.status != Status.ENDED.value)
        return (await self.session.execute(stmt)).scalar_one() > 0

    # --- positions and departments --------------------------------------------------------
    async def position(self, enterprise_id: str, position_id: str) -> Position:
        found = await self.session.get(Position, position_id)
        if found is None or found.enterprise_id != enterprise_id:
            raise PositionNotFound(f"no position {position_id}")
        return found

    async def department(self, enterprise_id: str, department_id: str) -> Department:
        found = await self.session.get(Department, department_id)
        if found is None or found.enterprise_id != enterprise_id:
            raise DepartmentNotFound(f"no department {department_id}")
        return found

    async def department_ancestors(self, department: Department) -> list[str]:
        """Ids from the department's parent up to the root (EMP-11 cycle check)."""
        ancestors: list[str] = []
        parent_id = department.parent_id
        while parent_id is not None and parent_id not in ancestors:
            ancestors.append(parent_id)
            parent = await self.session.get(Department, parent_id)
            parent_id = parent.parent_id if parent else None
        return ancestors

    # --- invitations -----------------------------------------------------------------------
    async def invitation(self, invitation_id: str, *, enterprise_id: str | None = None,
                         personal_account_id: str | None = None, lock: bool = True) -> Invitation:
        stmt = select(Invitation).where(invitations.c.id == invitation_id)
        if lock:
            stmt = stmt.with_for_update()
        found = (await self.session.execute(stmt)).scalar_one_or_none()
        if (found is None or (enterprise_id is not None and found.enterprise_id != enterprise_id)
                or (personal_account_id is not None and found.personal_account_id != personal_account_id)):
            raise InvitationNotFound(f"no invitation {invitation_id}")
        return found

    async def has_pending_invitation(self, personal_account_id: str) -> bool:
        stmt = select(func.count()).select_from(invitations).where(
            invitations.c.personal_account_id == personal_account_id,
            invitations.c.status == InvitationStatus.PENDING.value)
        return (await self.session.execute(stmt)).scalar_one() > 0

    # --- platform facts --------------------------------------------------------------------
    async def accounts_of_identity(self, identity_ref: str) -> list[AccountSnapshot]:
        """EMP-7: every projected platform account of one real-name identity."""
        stmt = select(platform_accounts.c.snapshot).where(
            platform_accounts.c.snapshot["identity_ref"].astext == identity_ref,
            platform_accounts.c.deleted.is_(False))
        return [AccountSnapshot.model_validate(s) for s in (await self.session.execute(stmt)).scalars()]

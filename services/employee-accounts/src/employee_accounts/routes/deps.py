"""Request dependencies of this service: who is calling and what client they use (the bus, read sessions and
the clock are `trust_common.dependencies`).

Client headers (EMP-8, EMP-12): `X-Client-Platform` is `ios` or `android` for the mobile app,
`pc` for the PC back office, `web` for the web; `X-Client-Version` is the app version, e.g. `20.7.1`.
Employee sessions (EMP-8) travel in `X-Employee-Session`.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path

from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.errors import EnterpriseNotFound
from employee_accounts.domain.values import ClientInfo
from employee_accounts.handlers.activation import token_hash
from employee_accounts.views import session_account
from trust_common.auth import CurrentPrincipal, Principal, Role
from trust_common.dependencies import NowDep, SessionDep
from trust_common.problems import Unauthorized
from trust_common.validation import Id

SESSION_HEADER = "X-Employee-Session"
INVITEE_ROLES = (Role.ACCOUNT_HOLDER, Role.CREATOR, Role.EMPLOYEE)


def enterprise_admin(principal: CurrentPrincipal, enterprise_id: Annotated[Id, Path()]) -> str:
    """X-3: admins only (403), and only of their own enterprise (404, its existence not revealed)."""
    principal.require(Role.ENTERPRISE_ADMIN)
    if enterprise_id not in principal.enterprise_ids:
        raise EnterpriseNotFound(f"no enterprise {enterprise_id}")
    return enterprise_id


EnterpriseId = Annotated[str, Depends(enterprise_admin)]


def invitee(principal: CurrentPrincipal) -> str:
    """A personal account holder answering their own invitations."""
    return principal.require(*INVITEE_ROLES).require_account()


InviteeAccount = Annotated[str, Depends(invitee)]


def reviewer(principal: CurrentPrincipal) -> Principal:
    return principal.require(Role.SUPPORT, Role.AUDITOR)


Reviewer = Annotated[Principal, Depends(reviewer)]


def client_info(x_client_platform: Annotated[str | None, Header()] = None,
                x_client_version: Annotated[str | None, Header()] = None) -> ClientInfo:
    return ClientInfo.from_headers(x_client_platform, x_client_version)


Client = Annotated[ClientInfo, Depends(client_info)]


async def employee_account(session: SessionDep, now: NowDep,
                           x_employee_session: Annotated[str | None, Header()] = None) -> EmployeeAccount:
    """EMP-8/EMP-9: a live session of the account's current holder."""
    if not x_employee_session:
        raise Unauthorized(f"send the employee session token in the {SESSION_HEADER} header")
    account = await session_account(session, token_hash(x_employee_session), now)
    if account is None:
        raise Unauthorized("the employee session has ended; log in again")
    return account


CurrentEmployee = Annotated[EmployeeAccount, Depends(employee_account)]

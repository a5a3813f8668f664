"""Commands: what callers ask of the service (imperative names, plain data)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from employee_accounts.domain.values import ClientInfo, ProofOfEmployment


@dataclass(frozen=True)
class EmployeeDetails:
    """EMP-5 employee information as submitted (the national ID still in clear, sealed by the handler)."""

    real_name: str
    national_id: str
    proof: ProofOfEmployment


@dataclass(frozen=True)
class DefinePosition:
    enterprise_id: str
    name: str
    tools: list[str]
    modules: list[str]


@dataclass(frozen=True)
class ChangePosition:
    enterprise_id: str
    position_id: str
    name: str
    tools: list[str]
    modules: list[str]


@dataclass(frozen=True)
class CreateDepartment:
    enterprise_id: str
    name: str
    parent_id: str | None


@dataclass(frozen=True)
class MoveDepartment:
    enterprise_id: str
    department_id: str
    parent_id: str | None


@dataclass(frozen=True)
class ApplyEmployeeAccount:
    enterprise_id: str
    login_email: str
    password: str = field(repr=False)
    details: EmployeeDetails = field(repr=False)
    position_id: str = ""
    department_id: str | None = None


@dataclass(frozen=True)
class ReviewEmployeeAccount:
    employee_account_id: str
    approved: bool
    reason: str | None = None


@dataclass(frozen=True)
class ResubmitInformation:
    """The enterprise corrects one of its accounts."""

    employee_account_id: str
    details: EmployeeDetails = field(repr=False)
    enterprise_id: str


@dataclass(frozen=True)
class ResubmitAuthorisation:
    """The invitee corrects their own authorisation."""

    personal_account_id: str
    details: EmployeeDetails = field(repr=False)


@dataclass(frozen=True)
class DepartEmployee:
    enterprise_id: str
    employee_account_id: str
    agreement_accepted: bool


@dataclass(frozen=True)
class HandOverAccount:
    enterprise_id: str
    employee_account_id: str
    login_email: str
    password: str = field(repr=False)
    details: EmployeeDetails = field(repr=False)
    position_id: str = ""
    department_id: str | None = None


@dataclass(frozen=True)
class DeregisterEmployeeAccount:
    enterprise_id: str
    employee_account_id: str


@dataclass(frozen=True)
class ConvertEmployeeAccount:
    enterprise_id: str
    employee_account_id: str


@dataclass(frozen=True)
class UnbindAuthorisation:
    personal_account_id: str


@dataclass(frozen=True)
class InvitePersonalAccount:
    enterprise_id: str
    personal_account_id: str
    modules: list[str]
    agreement_accepted: bool
    valid_until: datetime | None
    client: ClientInfo


@dataclass(frozen=True)
class AcceptInvitation:
    invitation_id: str
    personal_account_id: str
    details: EmployeeDetails = field(repr=False)


@dataclass(frozen=True)
class DeclineInvitation:
    invitation_id: str
    personal_account_id: str


@dataclass(frozen=True)
class WithdrawInvitation:
    enterprise_id: str
    invitation_id: str


@dataclass(frozen=True)
class LogIn:
    login_email: str
    password: str = field(repr=False)
    client: ClientInfo = field(default_factory=lambda: ClientInfo("", ()))
    client_address: str | None = None  # issue 13: attempts are limited per client address too


@dataclass(frozen=True)
class VerifyFace:
    employee_account_id: str
    capture: str = field(repr=False)
    client: ClientInfo  # EMP-8: mobile app ≥ 20.7 only


@dataclass(frozen=True)
class BindPhone:
    employee_account_id: str
    phone: str = field(repr=False)
    client: ClientInfo  # EMP-8


@dataclass(frozen=True)
class ChangePassword:
    employee_account_id: str
    current_password: str = field(repr=False)
    new_password: str = field(repr=False)
    client: ClientInfo  # EMP-8


@dataclass(frozen=True)
class PayShowcaseDeposit:
    employee_account_id: str


@dataclass(frozen=True)
class OpenShowcase:
    employee_account_id: str


@dataclass(frozen=True)
class ConfigureMerchantModule:
    employee_account_id: str
    tool: str


@dataclass(frozen=True)
class ApproveMerchantModule:
    employee_account_id: str
    tool: str


@dataclass(frozen=True)
class ChangeAuthorisation:
    """EMP-19: None leaves a part as it is; `department_id=""` leaves the department."""

    enterprise_id: str
    employee_account_id: str
    actor: str
    client: ClientInfo
    position_id: str | None = None
    department_id: str | None = None
    modules: list[str] | None = None
    tools: list[str] | None = None  # EMP-20: authorised personal accounts
    valid_until: datetime | None = None  # EMP-21: PC back office only


@dataclass(frozen=True)
class HideAffiliation:
    """EMP-22: always refused."""

    employee_account_id: str

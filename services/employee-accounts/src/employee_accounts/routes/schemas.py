"""Request and response bodies; responses show personal data only masked (X-4)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.commands import EmployeeDetails
from employee_accounts.domain.department import Department
from employee_accounts.domain.enterprise import Enterprise
from employee_accounts.domain.errors import PasswordRejected
from employee_accounts.domain.invitation import Invitation
from employee_accounts.domain.position import Position
from employee_accounts.domain.values import ProofKind, ProofOfEmployment, normalise_national_id
from employee_accounts.views import Grants, Quota
from trust_common.validation import MULTI_LINE, SINGLE_LINE, Id, Instant

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
                                          max_length=320)]


class ProofIn(BaseModel):
    """EMP-6: `company_seal`, or `legal_representative_signature` with an explanation."""

    kind: ProofKind
    document_ref: str = Field(min_length=1, max_length=300, pattern=SINGLE_LINE)
    explanation: str | None = Field(default=None, max_length=2000, pattern=MULTI_LINE)


class DetailsIn(BaseModel):
    """EMP-5 employee information; the national ID is sealed on arrival and only ever shown masked."""

    real_name: str = Field(min_length=1, max_length=200, pattern=SINGLE_LINE)
    national_id: SecretStr = Field(description="national ID number; never echoed")
    proof_of_employment: ProofIn

    def to_domain(self) -> EmployeeDetails:
        national_id = normalise_national_id(self.national_id.get_secret_value())  # before any hash or comparison
        proof = self.proof_of_employment
        return EmployeeDetails(self.real_name, national_id,
                               ProofOfEmployment(proof.kind, proof.document_ref, proof.explanation))


class PositionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=SINGLE_LINE)
    tools: list[Id] = Field(default_factory=list, description="EMP-3 tools, e.g. live.general_live_card")
    modules: list[Id] = Field(default_factory=list, description="EMP-4 modules, e.g. data_centre")


class PositionPublic(BaseModel):
    id: str
    enterprise_id: str
    name: str
    tools: list[str]
    modules: list[str]
    created_at: datetime

    @classmethod
    def of(cls, p: Position) -> PositionPublic:
        return cls(id=p.id, enterprise_id=p.enterprise_id, name=p.name, tools=list(p.tools), modules=list(p.modules),
                   created_at=p.created_at)


class DepartmentIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=SINGLE_LINE)
    parent_id: Id | None = None


class DepartmentMove(BaseModel):
    parent_id: Id | None = None


class DepartmentPublic(BaseModel):
    id: str
    enterprise_id: str
    name: str
    parent_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, d: Department) -> DepartmentPublic:
        return cls(id=d.id, enterprise_id=d.enterprise_id, name=d.name, parent_id=d.parent_id, created_at=d.created_at)


class EmployeeAccountCreate(BaseModel):
    """EMP-5: account settings, employee information, position authorisation."""

    login_email: Email
    password: SecretStr = Field(description="initial password; stored only as an Argon2 hash")
    employee: DetailsIn
    position_id: Id
    department_id: Id | None = None


class HandOverIn(EmployeeAccountCreate):
    """EMP-9: the new holder's credentials, information and position."""


class DepartureIn(BaseModel):
    agreement_accepted: bool


class ReviewIn(BaseModel):
    approved: bool
    reason: str | None = Field(default=None, max_length=2000, pattern=MULTI_LINE)


class EmployeeAccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    enterprise_id: str
    kind: str
    account_id: str
    status: str
    login_email: str | None
    real_name: str
    national_id_masked: str
    phone_masked: str | None
    proof_kind: str
    position_id: str | None
    department_id: str | None
    modules: list[str]
    tools: list[str] = []  # EMP-20: tools granted to an authorised personal account
    valid_until: datetime | None
    review_reason: str | None
    holder_generation: int
    face_verified: bool
    password_changed: bool
    showcase_deposit_paid: bool
    showcase_open: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, a: EmployeeAccount) -> EmployeeAccountPublic:
        return cls(id=a.id, enterprise_id=a.enterprise_id, kind=str(a.kind), account_id=a.account_id,
                   status=str(a.status), login_email=a.login_email, real_name=a.real_name,
                   national_id_masked=a.national_id_masked, phone_masked=a.phone_masked, proof_kind=a.proof_kind,
                   position_id=a.position_id, department_id=a.department_id, modules=list(a.modules),
                   tools=list(a.tools), valid_until=a.valid_until, review_reason=a.review_reason,
                   holder_generation=a.holder_generation,
                   face_verified=a.face_verified, password_changed=a.password_changed,
                   showcase_deposit_paid=a.showcase_deposit_paid, showcase_open=a.showcase_opened_at is not None,
                   created_at=a.created_at, updated_at=a.updated_at)


class GrantsPublic(BaseModel):
    """EMP-18: granted permissions, those in force, and EMP-16 merchant-page visibility."""

    granted_tools: list[str]
    granted_modules: list[str]
    effective_tools: list[str]
    effective_modules: list[str]
    suspended: bool
    merchant_page_visible: bool

    @classmethod
    def of(cls, g: Grants) -> GrantsPublic:
        gt, gm = g.granted.as_lists()
        et, em = g.effective.as_lists()
        return cls(granted_tools=gt, granted_modules=gm, effective_tools=et, effective_modules=em,
                   suspended=g.suspended, merchant_page_visible=g.merchant_page_visible)


class QuotaPublic(BaseModel):
    """EMP-2: both kinds together; open invitations hold a seat."""

    growth_level: str | None
    limit: int
    used: int
    remaining: int
    employee_accounts: int
    pending_invitations: int

    @classmethod
    def of(cls, q: Quota) -> QuotaPublic:
        return cls(growth_level=q.growth_level, limit=q.limit, used=q.used, remaining=q.remaining,
                   employee_accounts=q.accounts, pending_invitations=q.pending_invitations)


class InvitationIn(BaseModel):
    """EMP-12: one personal account; `valid_until` only from the PC back office (X-Client-Platform: pc)."""

    personal_account_id: Id
    modules: list[Id] = Field(min_length=1)
    agreement_accepted: bool
    valid_until: Instant | None = None


class InvitationBatchIn(BaseModel):
    personal_account_ids: list[Id] = Field(min_length=1, max_length=500)
    modules: list[Id] = Field(min_length=1)
    agreement_accepted: bool
    valid_until: Instant | None = None


class InvitationPublic(BaseModel):
    id: str
    enterprise_id: str
    personal_account_id: str
    modules: list[str]
    valid_until: datetime | None
    status: str
    expires_at: datetime
    employee_account_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, i: Invitation) -> InvitationPublic:
        return cls(id=i.id, enterprise_id=i.enterprise_id, personal_account_id=i.personal_account_id,
                   modules=list(i.modules), valid_until=i.valid_until, status=str(i.status), expires_at=i.expires_at,
                   employee_account_id=i.employee_account_id, created_at=i.created_at)


class BatchRowResult(BaseModel):
    row: int
    personal_account_id: str
    outcome: str  # "invited" | "refused"
    invitation: InvitationPublic | None = None
    problem: dict[str, Any] | None = None


class BatchResult(BaseModel):
    invited: int
    refused: int
    results: list[BatchRowResult]


class AcceptIn(BaseModel):
    employee: DetailsIn


class LoginIn(BaseModel):
    login_email: Email
    password: SecretStr


class SessionPublic(BaseModel):
    session_token: str
    token_type: str = "employee-session"
    header: str = "X-Employee-Session"
    expires_in: int
    account: EmployeeAccountPublic
    next_step: str


class FaceIn(BaseModel):
    capture: SecretStr = Field(description="the face-check SDK's capture token")


class PhoneIn(BaseModel):
    phone: SecretStr


class PasswordChangeIn(BaseModel):
    current_password: SecretStr
    new_password: SecretStr = Field(description="at least 8 characters, not the initial password")


class AuthorisationChangeIn(BaseModel):
    """EMP-19: only the parts sent change. Enterprise employee accounts: `position_id`, `department_id` (`""`
    leaves the department). Authorised personal accounts: `modules`, `tools` (EMP-20) and, from the PC back office
    only, `valid_until` (EMP-21)."""

    model_config = ConfigDict(extra="forbid")

    position_id: Id | None = None
    department_id: Annotated[str, StringConstraints(max_length=64, pattern=r"^[A-Za-z0-9._:-]*$")] | None = None
    modules: list[Id] | None = Field(default=None, max_length=20)
    tools: list[Id] | None = Field(default=None, max_length=20)
    valid_until: Instant | None = None


class AuthorisationChangePublic(BaseModel):
    """EMP-19: one entry of the audit trail."""

    id: str
    employee_account_id: str
    actor: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    at: datetime


class AffiliationIn(BaseModel):
    """EMP-22: the enterprise is always shown; `shown: false` is refused."""

    shown: bool


class EntitlementsPublic(BaseModel):
    """EMP-22: an employee account's affiliation and entitlements, for other services."""

    employee_account_id: str
    enterprise_id: str
    kind: str
    account_id: str
    status: str
    enterprise_shown: bool
    in_force: bool
    tools: list[str]
    modules: list[str]
    marketing_exemptions: list[str]
    valid_until: datetime | None
    as_of: datetime


class CertificationStatePublic(BaseModel):
    """Issue 15: the enterprise's certification as employee-accounts sees it."""

    state: str  # "certified" | "suspended" | "uncertified"
    since: datetime | None  # when the certification event that set the state occurred (None: nothing heard)
    event_type: str | None  # e.g. "certification.application.approved"
    event_id: str | None
    certification_id: str | None  # the application whose certification is (or was) in force
    valid_until: datetime | None
    free_account_opened_at: datetime | None  # CERT-11


class EnterprisePublic(BaseModel):
    id: str
    certification: CertificationStatePublic
    grants_suspended: bool  # EMP-18

    @classmethod
    def of(cls, enterprise_id: str, e: Enterprise | None) -> EnterprisePublic:
        if e is None:
            return cls(id=enterprise_id, grants_suspended=False, certification=CertificationStatePublic(
                state="uncertified", since=None, event_type=None, event_id=None, certification_id=None,
                valid_until=None, free_account_opened_at=None))
        return cls(id=e.id, grants_suspended=e.grants_suspended, certification=CertificationStatePublic(
            state=str(e.certification_state), since=e.state_since, event_type=e.state_event_type,
            event_id=e.state_event_id, certification_id=e.certification_id, valid_until=e.valid_until,
            free_account_opened_at=e.free_account_opened_at))


class MerchantModuleIn(BaseModel):
    tool: Id


class EligibilityPublic(BaseModel):
    account_id: str
    eligible: bool
    rule: str
    reason: str | None = None


def password_of(secret: SecretStr) -> str:
    """EMP-5: a password of 8 to 128 characters."""
    value = secret.get_secret_value()
    if not 8 <= len(value) <= 128:
        raise PasswordRejected("a password has 8 to 128 characters")
    return value


def next_step(account: EmployeeAccount) -> str:
    """EMP-8: what the app shows next."""
    if str(account.status) == "active":
        return "done"
    if not account.face_verified:
        return "face_verification"
    if account.phone_hash is None:
        return "bind_phone"
    return "change_password"

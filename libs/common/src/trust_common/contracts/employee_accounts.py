"""Contracts of the events published on `employee-accounts.events`.

Never personal data here (X-4): no national ID numbers, no phone numbers, no
face-check results, no passwords. The enterprise is its main platform account id.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from trust_common.events import EventData

TOPIC = "employee-accounts.events"


class EmployeeAccountKind(StrEnum):
    """EMP-1: the two kinds of employee account."""

    ENTERPRISE = "enterprise"  # created by the enterprise, inherited on departure
    AUTHORISED_PERSONAL = "authorised_personal"  # the employee's own account


class _AccountEvent(EventData):
    """Base of the events of one enterprise employee account."""

    topic = TOPIC
    aggregate_type = "employee_account"
    aggregate_field = "employee_account_id"

    employee_account_id: str
    enterprise_id: str  # main platform account id of the enterprise


class EmployeeAccountApplied(_AccountEvent):
    """Version 1, superseded by `EmployeeAccountAppliedV2` (no login email); kept only so events already
    published still parse. Publish v2."""

    event_type = "employee-accounts.account.applied"

    kind: EmployeeAccountKind = EmployeeAccountKind.ENTERPRISE
    login_email: str
    position_id: str | None = None
    department_id: str | None = None
    holder_generation: int = 1  # 1 for the first employee, +1 per handover (EMP-9)


class EmployeeAccountReviewed(_AccountEvent):
    """EMP-5/EMP-12: the review of the employee information ended."""

    event_type = "employee-accounts.account.reviewed"

    approved: bool
    reason: str | None = None  # why it failed; it can be corrected and resubmitted


class EmployeeAccountActivated(_AccountEvent):
    """EMP-8: the employee finished activation (face check, phone, password change)."""

    event_type = "employee-accounts.account.activated"


class EmployeeAccountDeparted(_AccountEvent):
    """EMP-9: the holder left; the account waits for a new holder (handover)."""

    event_type = "employee-accounts.account.departed"


class EmployeeDepartureAwaitingRealNameUnbinding(_AccountEvent):
    """EMP-9 / NOTE-3: unsettled assets hold the departure; the employee must unbind their real name."""

    event_type = "employee-accounts.account.departure_awaiting_unbinding"

    # The only employee-account event with the login email, on purpose: the notifier needs it to reach the
    # departing employee (NOTE-3). An enterprise employee account is ours, not a platform account, so the
    # platform account projection may not know its email.
    login_email: str


class EmployeeAccountHandedOver(_AccountEvent):
    """Version 1, superseded by `EmployeeAccountHandedOverV2` (no login email); kept only so events already
    published still parse. Publish v2."""

    event_type = "employee-accounts.account.handed_over"

    login_email: str
    holder_generation: int


class EmployeeAccountAppliedV2(_AccountEvent):
    """EMP-5: an enterprise employee account was applied for (or re-enabled, EMP-9) and is in review.

    v2 drops v1's `login_email`: no consumer needs it, and an event carries no more than it must.
    """

    event_type = "employee-accounts.account.applied"
    version = 2

    kind: EmployeeAccountKind = EmployeeAccountKind.ENTERPRISE
    position_id: str | None = None
    department_id: str | None = None
    holder_generation: int = 1  # 1 for the first employee, +1 per handover (EMP-9)


class EmployeeAccountHandedOverV2(_AccountEvent):
    """EMP-9: the account was re-enabled for a new employee (new credentials), now in review.

    v2 drops v1's `login_email`: no consumer needs it.
    """

    event_type = "employee-accounts.account.handed_over"
    version = 2

    holder_generation: int


class EmployeeFaceVerified(_AccountEvent):
    """EMP-8: the face check matched the identity on file; the activation moves on to the phone.

    X-4: ids and the time only; the outcome and score of a check never travel (they stay sealed at rest).
    """

    event_type = "employee-accounts.account.face_verified"

    verified_at: datetime


class EmployeePhoneBound(_AccountEvent):
    """EMP-8: an auxiliary phone number was bound. X-4: never the number, not even masked."""

    event_type = "employee-accounts.account.phone_bound"

    bound_at: datetime


class EmployeePasswordChanged(_AccountEvent):
    """EMP-8: the holder changed the password (the mandatory change of activation, or a later one)."""

    event_type = "employee-accounts.account.password_changed"

    changed_at: datetime


class EmployeeAuthorisationEnded(_AccountEvent):
    """EMP-13: an authorised personal account's authorisation ended with the account's deletion."""

    event_type = "employee-accounts.account.authorisation_ended"


class _InvitationEvent(EventData):
    """Base of the events of one authorisation invitation (EMP-12)."""

    topic = TOPIC
    aggregate_type = "invitation"
    aggregate_field = "invitation_id"

    invitation_id: str
    enterprise_id: str  # main platform account id of the enterprise
    personal_account_id: str  # the invited personal platform account


class InvitationSent(_InvitationEvent):
    """EMP-12: a personal account was invited; it must answer before expires_at (48 hours)."""

    event_type = "employee-accounts.invitation.sent"

    modules: list[str]
    expires_at: datetime
    valid_until: datetime | None = None  # validity of the authorisation (PC back office only)


class InvitationAccepted(_InvitationEvent):
    """EMP-12: the invitee filled in the details; an authorised personal account exists."""

    event_type = "employee-accounts.invitation.accepted"

    employee_account_id: str


class InvitationDeclined(_InvitationEvent):
    """EMP-12: the invitee declined."""

    event_type = "employee-accounts.invitation.declined"


class InvitationLapsed(_InvitationEvent):
    """EMP-12: 48 hours passed without an answer; it must be sent again."""

    event_type = "employee-accounts.invitation.lapsed"


class InvitationWithdrawn(_InvitationEvent):
    """The enterprise withdrew a pending invitation."""

    event_type = "employee-accounts.invitation.withdrawn"


class _EnterpriseGrantsEvent(EventData):
    topic = TOPIC
    aggregate_type = "enterprise"
    aggregate_field = "enterprise_id"

    enterprise_id: str
    employee_account_ids: list[str]


class EnterpriseGrantsSuspended(_EnterpriseGrantsEvent):
    """EMP-18: the certification lapsed; grants to employee accounts are suspended (kept)."""

    event_type = "employee-accounts.grants.suspended"

    reason: str  # "expired" | "cancelled"


class EnterpriseGrantsRestored(_EnterpriseGrantsEvent):
    """EMP-18: the certification was renewed; suspended grants apply again."""

    event_type = "employee-accounts.grants.restored"


class PositionSaved(EventData):
    """EMP-11: a position was defined or changed (name and permissions)."""

    event_type = "employee-accounts.position.saved"
    topic = TOPIC
    aggregate_type = "position"
    aggregate_field = "position_id"

    position_id: str
    enterprise_id: str
    name: str
    tools: list[str]
    modules: list[str]


class DepartmentSaved(EventData):
    """EMP-11: a department was created or moved in the tree."""

    event_type = "employee-accounts.department.saved"
    topic = TOPIC
    aggregate_type = "department"
    aggregate_field = "department_id"

    department_id: str
    enterprise_id: str
    name: str
    parent_id: str | None = None


class ShowcaseDepositPaid(_AccountEvent):
    """EMP-15: the 500 CNY goods deposit of the employee account was collected."""

    event_type = "employee-accounts.showcase.deposit_paid"

    amount_cny: int


class ShowcaseOpened(_AccountEvent):
    """EMP-15: the employee account's own showcase (selling window) is open."""

    event_type = "employee-accounts.showcase.opened"


class MerchantPageModuleChanged(_AccountEvent):
    """EMP-16: a merchant-page module was configured or approved."""

    event_type = "employee-accounts.merchant_page.module_changed"

    tool: str
    state: str  # "configured" | "approved"


class _AuthorisationEvent(_AccountEvent):
    """Base of the events about one employee account's authorisation (EMP-19, EMP-21, EMP-22).

    `account_id` is the employee's platform account: the enterprise employee account itself, or the invited
    personal account; the notifier reaches the employee there and the main account at `enterprise_id`.
    """

    kind: EmployeeAccountKind
    account_id: str


class AuthorisationChanged(_AuthorisationEvent):
    """EMP-19 / NOTE-5: the main account edited the authorisation; in force at once, the employee is told."""

    event_type = "employee-accounts.authorisation.changed"

    changed: list[str]  # which of "position", "department", "modules", "tools", "valid_until" changed
    position_id: str | None = None
    department_id: str | None = None
    modules: list[str]
    tools: list[str]  # the tools granted (EMP-3/EMP-20); those in force are in EmployeeEntitlements
    valid_until: datetime | None = None  # authorised personal accounts only (EMP-21)
    changed_at: datetime


class AuthorisationValidityEnding(_AuthorisationEvent):
    """EMP-21 / NOTE-5: the validity period ends in `days_left` days (7, then 1); employee and main account."""

    event_type = "employee-accounts.authorisation.validity_ending"

    valid_until: datetime
    days_left: int


class AuthorisationValidityEnded(_AuthorisationEvent):
    """EMP-21 / NOTE-5: the validity period ended: grants revoked, the seat freed (EMP-2), the one-enterprise
    lock released (EMP-13); employee and main account are told."""

    event_type = "employee-accounts.authorisation.validity_ended"

    valid_until: datetime
    ended_at: datetime


class EmployeeEntitlements(_AuthorisationEvent):
    """EMP-22: an employee account's affiliation and entitlements as they stand now (a full snapshot,
    published whenever they may have changed; consumers keep the one with the highest `sequence`).

    The profile always shows the enterprise (`enterprise_shown` is never false). `in_force` is false while the
    account holds no grants (not active, suspended with its enterprise EMP-18, validity ended EMP-21, ended).
    """

    event_type = "employee-accounts.account.entitlements"

    status: str
    enterprise_shown: bool = True
    in_force: bool
    tools: list[str]  # tools in force (EMP-3: only those the main account holds now)
    modules: list[str]  # back-office modules delegated (EMP-4)
    marketing_exemptions: list[str]  # shared with the main account: "short_video_promotion", "live_room_components"
    valid_until: datetime | None = None
    as_of: datetime

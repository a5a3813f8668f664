"""The employee account aggregate: review, activation (EMP-8), departure and handover (EMP-9), the grants in force
(EMP-3, EMP-12, EMP-18), showcase (EMP-15) and merchant page (EMP-16)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from employee_accounts.domain.catalogue import MARKETING_EXEMPTIONS, MERCHANT_PAGE_TOOLS, Tool
from employee_accounts.domain.errors import (
    ActivationRefused,
    AffiliationAlwaysShown,
    AuthorisationPermanent,
    DepartureRefused,
    DeregistrationNotSupported,
    FaceCheckFailed,
    InvalidCredentials,
    ShowcaseNotEligible,
    ToolNotHeld,
    ValidityRefused,
    WrongState,
)
from employee_accounts.domain.policies import SHOWCASE_DEPOSIT_CNY, require_validity_settable, showcase_shortfalls
from employee_accounts.domain.throttling import admit_face_check
from employee_accounts.domain.values import (
    AuthorisationChange,
    ClientInfo,
    EmployeeInformation,
    FaceResult,
    Permissions,
    SealedRecord,
    SealedValue,
)
from trust_common.contracts import employee_accounts as ev
from trust_common.contracts.employee_accounts import EmployeeAccountKind as Kind
from trust_common.contracts.platform import AccountSnapshot
from trust_common.domain import Aggregate


class Status(StrEnum):
    REVIEWING = "reviewing"
    REVIEW_FAILED = "review_failed"
    AWAITING_ACTIVATION = "awaiting_activation"  # approved; credentials handed to the employee (EMP-5)
    ACTIVE = "active"
    DEPARTURE_PENDING = "departure_pending"  # waits for the real-name unbinding (EMP-9)
    VACANT = "vacant"  # departed; waits for a new holder (EMP-9)
    ENDED = "ended"  # authorised personal account deleted (EMP-13)


HOLDING = frozenset({Status.REVIEWING, Status.REVIEW_FAILED, Status.AWAITING_ACTIVATION, Status.ACTIVE})


class EmployeeAccount(Aggregate):
    """One seat of an enterprise: an enterprise employee account or an authorised personal account (EMP-1)."""

    # What the current holder did during activation (EMP-8), cleared for a new holder (EMP-9). X-4: the latest
    # face-check result (outcome and score) only sealed; the verified step's time is plain.
    face_result_ciphertext: bytes | None
    face_result_key_id: str | None
    face_verified_at: datetime | None
    face_checks: int
    face_checks_since: datetime | None
    phone_ciphertext: bytes | None
    phone_key_id: str | None
    phone_hash: str | None
    phone_masked: str | None
    password_changed: bool
    activated_at: datetime | None
    departed_at: datetime | None

    def __init__(self, *, id: str, enterprise_id: str, kind: Kind, account_id: str, login_email: str | None,
                 password_hash: str | None, info: EmployeeInformation, position_id: str | None,
                 department_id: str | None, now: datetime, modules: list[str] | None = None,
                 tools: list[str] | None = None, valid_until: datetime | None = None,
                 invitation_id: str | None = None) -> None:
        self.id, self.enterprise_id, self.kind, self.account_id = id, enterprise_id, kind, account_id
        self.login_email, self.password_hash = login_email, password_hash
        self.position_id, self.department_id = position_id, department_id
        self.modules = list(modules or [])
        self.tools = list(tools or [])  # EMP-20: tools granted to an authorised personal account
        self.valid_until, self.invitation_id = valid_until, invitation_id
        self.status = Status.REVIEWING
        self.review_reason: str | None = None
        self.holder_generation = 1
        self.submission_count = 1
        self.created_at = self.updated_at = now
        self.merchant_page_modules: dict[str, str] = {}
        self.showcase_deposit_paid = False
        self.showcase_opened_at: datetime | None = None
        self._clear_holder()
        self._set_info(info)

    # --- creation -----------------------------------------------------------------------
    @classmethod
    def apply_enterprise(cls, *, id: str, enterprise_id: str, login_email: str, password_hash: str,
                         info: EmployeeInformation, position_id: str, department_id: str | None,
                         now: datetime) -> EmployeeAccount:
        """EMP-5: a new account of the enterprise, in review; its platform account id is its own id."""
        account = cls(id=id, enterprise_id=enterprise_id, kind=Kind.ENTERPRISE, account_id=id, login_email=login_email,
                      password_hash=password_hash, info=info, position_id=position_id,
                      department_id=department_id, now=now)
        account._record_applied()
        return account

    @classmethod
    def authorise_personal(cls, *, id: str, enterprise_id: str, personal_account_id: str, info: EmployeeInformation,
                           modules: list[str], valid_until: datetime | None, invitation_id: str,
                           now: datetime) -> EmployeeAccount:
        """EMP-12: the invitee's own account becomes an authorised employee account, in review."""
        if valid_until is not None and valid_until <= now:
            raise ValidityRefused("the validity period of this authorisation has already ended")
        account = cls(id=id, enterprise_id=enterprise_id, kind=Kind.AUTHORISED_PERSONAL,
                      account_id=personal_account_id, login_email=None, password_hash=None, info=info,
                      position_id=None, department_id=None, now=now, modules=modules, valid_until=valid_until,
                      invitation_id=invitation_id)
        account._record_applied()
        return account

    # --- review (EMP-5, EMP-12) ---------------------------------------------------------
    def review(self, *, approved: bool, reason: str | None, now: datetime) -> None:
        """Approve or fail the employee information; a failure can be corrected and resubmitted."""
        self._require(Status.REVIEWING)
        self.review_reason = None if approved else (reason or "the employee information was not accepted")
        if not approved:
            self.status = Status.REVIEW_FAILED
        elif self.kind is Kind.AUTHORISED_PERSONAL:
            self.status = Status.ACTIVE  # the employee's own account needs no activation
        else:
            self.status = Status.AWAITING_ACTIVATION
        self.updated_at = now
        self.record(ev.EmployeeAccountReviewed(employee_account_id=self.id, enterprise_id=self.enterprise_id,
                                               approved=approved, reason=self.review_reason))
        if self.status is Status.ACTIVE:
            self.record(ev.EmployeeAccountActivated(employee_account_id=self.id, enterprise_id=self.enterprise_id))

    def resubmit(self, info: EmployeeInformation, now: datetime) -> None:
        """EMP-12: correct a failed review and send it again."""
        self._require(Status.REVIEW_FAILED)
        self._set_info(info)
        self.status, self.review_reason = Status.REVIEWING, None
        self.submission_count += 1
        self.updated_at = now
        self._record_applied()

    # --- activation (EMP-8) -------------------------------------------------------------
    def require_activation_step(self, client: ClientInfo) -> None:
        """EMP-8: every activation step needs the mobile app at 20.7 or later and an account awaiting activation
        (checked before the face-check provider is asked)."""
        client.require_activation_capable()
        self._require_activating()

    def verify_face(self, result: FaceResult, sealed: SealedRecord, *, client: ClientInfo, now: datetime) -> bool:
        """EMP-8: keeps the latest outcome and score, sealed (X-4); only a match of the identity on file opens the
        next step, and only that step's time is plain. A later mismatch does not undo a verified step."""
        self.require_activation_step(client)
        self.face_result_ciphertext, self.face_result_key_id = sealed.ciphertext, sealed.key_id
        self.updated_at = now
        if result.matched:
            self.face_verified_at = now
            self.record(ev.EmployeeFaceVerified(**self._account_ids(), verified_at=now))  # X-2; never outcome or score
        return result.matched

    def admit_face_check(self, now: datetime) -> None:
        """Issue 13: a cap on face checks of this activation (each is a paid provider call); counted before the
        provider is asked, kept even when the check fails."""
        self.face_checks, self.face_checks_since = admit_face_check(self.face_checks, self.face_checks_since, now)

    @property
    def face_verified(self) -> bool:
        """EMP-8: the face-verification step is done."""
        return self.face_verified_at is not None

    @staticmethod
    def require_face_match(matched: bool) -> None:
        """EMP-8: no one else can pass the face verification."""
        if not matched:
            raise FaceCheckFailed("the face does not match the identity on file")

    def bind_phone(self, phone: SealedValue, *, client: ClientInfo, now: datetime) -> None:
        """EMP-8: an auxiliary phone number after the face check."""
        self.require_activation_step(client)
        if not self.face_verified:
            raise ActivationRefused("verify your face before binding a phone number")
        self.phone_ciphertext, self.phone_key_id = phone.ciphertext, phone.key_id
        self.phone_hash, self.phone_masked, self.updated_at = phone.lookup_hash, phone.masked, now
        self.record(ev.EmployeePhoneBound(**self._account_ids(), bound_at=now))  # X-2; never the number

    def require_password_change(self, client: ClientInfo) -> None:
        """EMP-8: from the mobile app only; during activation only after the face check and the phone (checked
        before the current password is verified)."""
        client.require_activation_capable()
        if self.status is Status.ACTIVE and self.kind is Kind.ENTERPRISE:
            return
        self._require_activating()
        if not self.face_verified or self.phone_hash is None:
            raise ActivationRefused("verify your face and bind a phone number before changing the password")

    def change_password(self, new_hash: str, *, client: ClientInfo, now: datetime) -> None:
        """EMP-8: the mandatory password change completes activation; an active holder may change it again."""
        self.require_password_change(client)
        self.password_hash, self.updated_at = new_hash, now
        self.record(ev.EmployeePasswordChanged(**self._account_ids(), changed_at=now))
        if self.status is Status.ACTIVE:
            return
        self.password_changed = True
        self.status, self.activated_at = Status.ACTIVE, now
        self.record(ev.EmployeeAccountActivated(employee_account_id=self.id, enterprise_id=self.enterprise_id))

    def require_login(self, verified_hash: str | None) -> None:
        """EMP-8: the password was verified against this holder's current hash, and the account may log in."""
        if self.password_hash != verified_hash or not self.can_log_in:
            raise InvalidCredentials("the email or password is wrong")

    # --- departure and handover (EMP-9) -------------------------------------------------
    def depart(self, *, agreement_accepted: bool, blocked: bool, now: datetime) -> None:
        """EMP-9: completes at once, or waits for the real-name unbinding when assets are unsettled."""
        if self.kind is Kind.AUTHORISED_PERSONAL:
            raise AuthorisationPermanent("an authorised personal account cannot be unbound; it stays the employee's")
        if not agreement_accepted:
            raise DepartureRefused("accept the departure agreement first")
        if self.status not in HOLDING:
            raise DepartureRefused(f"an account in status {self.status} has no holder to depart")
        self.updated_at = now
        if blocked:
            self.status = Status.DEPARTURE_PENDING
            # NOTE-3: the one event with the login email: the notifier reaches the departing employee there.
            self.record(ev.EmployeeDepartureAwaitingRealNameUnbinding(
                employee_account_id=self.id, enterprise_id=self.enterprise_id, login_email=self.login_email or ""))
            return
        self._complete_departure(now)

    def settle_departure(self, *, blocked: bool, now: datetime) -> bool:
        """EMP-9: a pending departure completes once the real name is unbound (or the assets settled)."""
        if self.status is not Status.DEPARTURE_PENDING or blocked:
            return False
        self._complete_departure(now)
        return True

    def hand_over(self, *, login_email: str, password_hash: str, info: EmployeeInformation, position_id: str,
                  department_id: str | None, now: datetime) -> None:
        """EMP-9: re-enable for a new employee with new credentials; followers and content stay."""
        if self.status is not Status.VACANT:
            raise DepartureRefused("only a departed account can be handed over")
        self.login_email, self.password_hash = login_email, password_hash
        self.position_id, self.department_id = position_id, department_id
        self._set_info(info)
        self._clear_holder()
        self.holder_generation += 1  # invalidates every session of the previous holder
        self.status, self.review_reason, self.submission_count, self.updated_at = Status.REVIEWING, None, 1, now
        self.record(ev.EmployeeAccountHandedOverV2(**self._account_ids(), holder_generation=self.holder_generation))

    def end_authorisation(self, now: datetime) -> None:
        """EMP-13: an authorised personal account ends only with the account's deletion."""
        self.status, self.updated_at = Status.ENDED, now
        self.record(ev.EmployeeAuthorisationEnded(employee_account_id=self.id, enterprise_id=self.enterprise_id))

    # --- changing the authorisation (EMP-19, EMP-20) and its validity period (EMP-21) -----------
    def change_authorisation(self, change: AuthorisationChange, *, client: ClientInfo, now: datetime) -> list[str]:
        """EMP-19: the main account edits position and department (enterprise employee accounts; the position
        carries their tools and modules) or modules, tools (EMP-20) and the validity period (EMP-21, authorised
        personal accounts); in force at once. Returns what changed (nothing changed: nothing recorded)."""
        if self.status in (Status.ENDED, Status.VACANT, Status.DEPARTURE_PENDING):
            raise WrongState(f"an account in status {self.status} has no authorisation to change",
                             current_status=str(self.status))
        if self.kind is Kind.ENTERPRISE:
            change.require_for_enterprise_account()
        else:
            change.require_for_personal_account()
        before = self.authorisation()
        if change.position_id is not None:
            self.position_id = change.position_id
        if change.department_id is not None:
            self.department_id = change.department_id or None  # "" moves the account out of its department
        if change.permissions is not None:
            tools, self.modules = change.permissions.as_lists()
            if change.tools_given:
                self.tools = tools
        if change.valid_until is not None:
            require_validity_settable(change.valid_until, client, now)
            self.valid_until = change.valid_until
        changed = [k for k, v in self.authorisation().items() if before[k] != v]
        if changed:
            self.updated_at = now
            self.record(ev.AuthorisationChanged(
                **self._authorisation_ids(), changed=changed, position_id=self.position_id,
                department_id=self.department_id, modules=list(self.modules), tools=list(self.tools),
                valid_until=self.valid_until, changed_at=now))
        return changed

    def authorisation(self) -> dict[str, object]:
        """What EMP-19 lets the main account edit, as it stands (the audit trail keeps before and after)."""
        return {"position": self.position_id, "department": self.department_id, "modules": sorted(self.modules),
                "tools": sorted(self.tools),
                "valid_until": self.valid_until.isoformat() if self.valid_until else None}

    def validity_reminder_due(self, valid_until: datetime) -> bool:
        """EMP-21: a reminder scheduled for this validity period (a changed period makes it stale)."""
        return self.status is not Status.ENDED and self.valid_until == valid_until

    def remind_validity_ending(self, days_left: int) -> None:
        """EMP-21 / NOTE-5: employee and main account are reminded 7 days and 1 day before the end."""
        assert self.valid_until is not None
        self.record(ev.AuthorisationValidityEnding(**self._authorisation_ids(), valid_until=self.valid_until,
                                                   days_left=days_left))

    def end_validity(self, now: datetime) -> bool:
        """EMP-21: the validity period is over: the authorisation ends (grants revoked, seat and the one-enterprise
        lock freed: both count only accounts not `ended`). Acts once, and only once the period really ended."""
        if self.status is Status.ENDED or self.valid_until is None or now < self.valid_until:
            return False
        self.status, self.updated_at = Status.ENDED, now
        self.record(ev.AuthorisationValidityEnded(**self._authorisation_ids(), valid_until=self.valid_until,
                                                  ended_at=now))
        return True

    def deregister(self) -> None:
        """EMP-10: not supported, whatever the state."""
        raise DeregistrationNotSupported("employee accounts cannot be deregistered; mark the employee as departed "
                                         "and hand the account over instead")

    @staticmethod
    def refuse_unbinding() -> None:
        """EMP-13: an authorisation ends only with the account's deletion; its holder cannot unbind it."""
        raise AuthorisationPermanent("an authorised personal account cannot be unbound or rebound")

    def convert(self) -> None:
        """EMP-13: the two kinds never convert into each other."""
        raise AuthorisationPermanent("enterprise and authorised personal employee accounts cannot be converted")

    # --- grants in force (EMP-3, EMP-12, EMP-18) -------------------------------------------
    def granted_permissions(self, position_permissions: Permissions | None) -> Permissions:
        """What the enterprise granted: the invitation's modules, or the position's permissions."""
        if self.kind is Kind.AUTHORISED_PERSONAL:
            return Permissions.parse(self.tools, self.modules)  # EMP-20: tools too
        return position_permissions or Permissions()

    def effective_permissions(self, granted: Permissions, now: datetime, *, enterprise_suspended: bool,
                              main_tools: Iterable[str]) -> Permissions:
        """The grants in force: none while suspended (EMP-18), outside the validity period (EMP-12) or not active;
        of the tools, only those the main account holds now (EMP-3: a tool it loses stops being in force)."""
        if enterprise_suspended or self.status is not Status.ACTIVE:
            return Permissions()
        if self.valid_until is not None and now >= self.valid_until:
            return Permissions()
        held = frozenset(main_tools)
        return Permissions(frozenset(t for t in granted.tools if t.value in held), granted.modules)

    # --- affiliation and shared benefits (EMP-22) ---------------------------------------------
    @staticmethod
    def hide_affiliation() -> None:
        """EMP-22: the profile always shows the enterprise; hiding it is not supported."""
        raise AffiliationAlwaysShown("an employee account always shows its enterprise on its profile")

    def entitlements(self, effective: Permissions, now: datetime) -> ev.EmployeeEntitlements:
        """EMP-22: affiliation (always shown) and what the account is entitled to now: the tools and modules in
        force and, while any grant is in force, the main account's marketing exemptions."""
        tools, modules = effective.as_lists()
        in_force = self.status is Status.ACTIVE and bool(tools or modules)
        return ev.EmployeeEntitlements(
            **self._authorisation_ids(), status=str(self.status), enterprise_shown=True, in_force=in_force,
            tools=tools, modules=modules, marketing_exemptions=list(MARKETING_EXEMPTIONS) if in_force else [],
            valid_until=self.valid_until, as_of=now)

    def publish_entitlements(self, effective: Permissions, now: datetime) -> None:
        """EMP-22 / X-2: a snapshot of the affiliation and entitlements, for other services."""
        self.record(self.entitlements(effective, now))

    # --- showcase (EMP-15) and merchant page (EMP-16) --------------------------------------
    def deposit_due(self) -> bool:
        """EMP-15: only an active account pays the goods deposit, and once per holder."""
        if self.status is not Status.ACTIVE:
            raise ShowcaseNotEligible("only an active employee account can pay the showcase deposit")
        return not self.showcase_deposit_paid

    @property
    def deposit_reference(self) -> str:
        """The payment reference of this holder's deposit (a new holder pays again, EMP-9)."""
        return f"showcase-deposit:{self.id}:{self.holder_generation}"

    def record_deposit_paid(self, now: datetime) -> None:
        """EMP-15: the 500 CNY goods deposit is paid (by the employee account itself)."""
        self.showcase_deposit_paid, self.updated_at = True, now
        self.record(ev.ShowcaseDepositPaid(**self._account_ids(), amount_cny=SHOWCASE_DEPOSIT_CNY))

    def open_showcase(self, facts: AccountSnapshot | None, now: datetime) -> None:
        """EMP-15: only when every condition holds; the main account's showcase never counts."""
        if self.showcase_opened_at is not None:
            return
        missing = showcase_shortfalls(facts, self.showcase_deposit_paid)
        if missing:
            raise ShowcaseNotEligible(f"showcase conditions not met: {', '.join(missing)}", missing=missing)
        self.showcase_opened_at = self.updated_at = now
        self.record(ev.ShowcaseOpened(**self._account_ids()))

    def configure_merchant_module(self, tool: str, effective: Permissions, now: datetime) -> None:
        """EMP-16: a merchant-page module needs its tool authorised; it then waits for approval."""
        if tool not in {t.value for t in MERCHANT_PAGE_TOOLS}:
            raise ToolNotHeld(f"{tool} is not a merchant-page module", rule="EMP-16")
        if Tool(tool) not in effective.tools:
            raise ToolNotHeld(f"the tool {tool} is not authorised for this employee account", rule="EMP-16")
        self.merchant_page_modules = {**self.merchant_page_modules, tool: "configured"}
        self.updated_at = now
        self.record(ev.MerchantPageModuleChanged(**self._account_ids(), tool=tool, state="configured"))

    def approve_merchant_module(self, tool: str, now: datetime) -> None:
        """EMP-16: the platform approves a configured module."""
        if self.merchant_page_modules.get(tool) is None:
            raise WrongState(f"the module {tool} is not configured", rule="EMP-16")
        self.merchant_page_modules = {**self.merchant_page_modules, tool: "approved"}
        self.updated_at = now
        self.record(ev.MerchantPageModuleChanged(**self._account_ids(), tool=tool, state="approved"))

    # --- helpers --------------------------------------------------------------------------
    @property
    def can_log_in(self) -> bool:
        return self.kind is Kind.ENTERPRISE and self.status in (Status.AWAITING_ACTIVATION, Status.ACTIVE)

    def _complete_departure(self, now: datetime) -> None:
        self.status, self.departed_at = Status.VACANT, now
        self.password_hash = None  # the old holder's credentials stop working
        self.holder_generation += 1  # and so do their sessions
        self.record(ev.EmployeeAccountDeparted(employee_account_id=self.id, enterprise_id=self.enterprise_id))

    def _set_info(self, info: EmployeeInformation) -> None:
        self.real_name, self.identity_ref = info.real_name, info.identity_ref
        sealed = info.national_id
        self.national_id_ciphertext, self.national_id_key_id = sealed.ciphertext, sealed.key_id
        self.national_id_hash, self.national_id_masked = sealed.lookup_hash, sealed.masked
        self.proof_kind, self.proof_document_ref = info.proof.kind.value, info.proof.document_ref
        self.proof_explanation = info.proof.explanation

    def _clear_holder(self) -> None:
        self.face_result_ciphertext = self.face_result_key_id = self.face_verified_at = None
        self.face_checks, self.face_checks_since = 0, None  # a new holder's activation has its own cap
        self.phone_ciphertext = self.phone_key_id = self.phone_hash = self.phone_masked = None
        self.password_changed = False
        self.activated_at = self.departed_at = None

    def _require(self, *statuses: Status) -> None:
        if self.status not in statuses:
            raise WrongState(f"not possible while the account is {self.status}",
                             current_status=str(self.status))

    def _require_activating(self) -> None:
        if self.kind is not Kind.ENTERPRISE or self.status is not Status.AWAITING_ACTIVATION:
            raise ActivationRefused(f"activation is not open for an account in status {self.status}")

    def _authorisation_ids(self) -> dict[str, object]:
        return {**self._account_ids(), "kind": self.kind, "account_id": self.account_id}

    def _account_ids(self) -> dict[str, str]:
        return {"employee_account_id": self.id, "enterprise_id": self.enterprise_id}

    def _record_applied(self) -> None:
        self.record(ev.EmployeeAccountAppliedV2(
            **self._account_ids(), kind=self.kind, position_id=self.position_id, department_id=self.department_id,
            holder_generation=self.holder_generation))

"""The employee account aggregate: review, activation (EMP-8), departure and handover (EMP-9)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from trust_common.contracts import employee_accounts as ev
from trust_common.contracts.employee_accounts import EmployeeAccountKind as Kind
from trust_common.contracts.platform import AccountSnapshot
from trust_common.domain import Aggregate

from employee_accounts.domain.errors import (
    ActivationRefused, AuthorisationPermanent, DepartureRefused, DeregistrationNotSupported, FaceCheckFailed,
    WrongState,
)
from employee_accounts.domain.storefront import Storefront
from employee_accounts.domain.values import ClientInfo, ProofOfEmployment


class Status(StrEnum):
    REVIEWING = "reviewing"
    REVIEW_FAILED = "review_failed"
    AWAITING_ACTIVATION = "awaiting_activation"  # approved; credentials handed to the employee (EMP-5)
    ACTIVE = "active"
    DEPARTURE_PENDING = "departure_pending"  # waits for the real-name unbinding (EMP-9)
    VACANT = "vacant"  # departed; waits for a new holder (EMP-9)
    ENDED = "ended"  # authorised personal account deleted (EMP-13)


HOLDING = frozenset({Status.REVIEWING, Status.REVIEW_FAILED, Status.AWAITING_ACTIVATION, Status.ACTIVE})


@dataclass(frozen=True)
class SealedValue:
    """Personal data as stored: ciphertext, its key id, the keyed lookup hash, a masked form (X-4)."""

    ciphertext: bytes
    key_id: str
    lookup_hash: str
    masked: str


@dataclass(frozen=True)
class SealedRecord:
    """Personal data sealed without a lookup hash or a masked form (X-4): a face-check result."""

    ciphertext: bytes
    key_id: str


@dataclass(frozen=True)
class EmployeeInformation:
    """EMP-5: who holds the account; the national ID arrives sealed."""

    real_name: str
    national_id: SealedValue
    identity_ref: str
    proof: ProofOfEmployment


@dataclass(frozen=True)
class FaceResult:
    """The face-check provider's answer (EMP-8). X-4: only the outcome and the score are kept, and only sealed
    (never in a plain column, a log, an event or a response); the repr shows neither."""

    matched: bool = field(repr=False)
    score: float = field(repr=False)

    def to_sealable(self) -> str:
        return json.dumps({"matched": self.matched, "score": self.score})

    @classmethod
    def from_sealed(cls, plaintext: str) -> "FaceResult":
        data = json.loads(plaintext)
        return cls(matched=bool(data["matched"]), score=float(data["score"]))


def departure_blocked(facts: AccountSnapshot | None) -> bool:
    """EMP-9: unsettled assets hold the departure while the employee's real name is still bound."""
    return facts is not None and facts.has_unsettled_assets and facts.real_name_verified


class EmployeeAccount(Storefront, Aggregate):
    """One seat of an enterprise: an enterprise employee account or an authorised personal account (EMP-1)."""

    def __init__(self, *, id: str, enterprise_id: str, kind: Kind, account_id: str, login_email: str | None,
                 password_hash: str | None, info: EmployeeInformation, position_id: str | None,
                 department_id: str | None, now: datetime, modules: list[str] | None = None,
                 valid_until: datetime | None = None, invitation_id: str | None = None) -> None:
        self.id, self.enterprise_id, self.kind, self.account_id = id, enterprise_id, kind, account_id
        self.login_email, self.password_hash = login_email, password_hash
        self.position_id, self.department_id = position_id, department_id
        self.modules = list(modules or [])
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
                         now: datetime) -> "EmployeeAccount":
        """EMP-5: a new account of the enterprise, in review; its platform account id is its own id."""
        account = cls(id=id, enterprise_id=enterprise_id, kind=Kind.ENTERPRISE, account_id=id, login_email=login_email,
                      password_hash=password_hash, info=info, position_id=position_id,
                      department_id=department_id, now=now)
        account._record_applied()
        return account

    @classmethod
    def authorise_personal(cls, *, id: str, enterprise_id: str, personal_account_id: str, info: EmployeeInformation,
                           modules: list[str], valid_until: datetime | None, invitation_id: str,
                           now: datetime) -> "EmployeeAccount":
        """EMP-12: the invitee's own account becomes an authorised employee account, in review."""
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

    def deregister(self) -> None:
        """EMP-10: not supported, whatever the state."""
        raise DeregistrationNotSupported("employee accounts cannot be deregistered; mark the employee as departed "
                                         "and hand the account over instead")

    def convert(self) -> None:
        """EMP-13: the two kinds never convert into each other."""
        raise AuthorisationPermanent("enterprise and authorised personal employee accounts cannot be converted")

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
        # the latest face-check result (outcome and score) only sealed; the verified step's time is plain.
        self.face_result_ciphertext: bytes | None = None
        self.face_result_key_id: str | None = None
        self.face_verified_at: datetime | None = None
        self.phone_ciphertext: bytes | None = None
        self.phone_key_id: str | None = None
        self.phone_hash: str | None = None
        self.phone_masked: str | None = None
        self.password_changed = False
        self.activated_at: datetime | None = None
        self.departed_at: datetime | None = None

    def _require(self, *statuses: Status) -> None:
        if self.status not in statuses:
            raise WrongState(f"not possible while the account is {self.status}",
                             current_status=str(self.status))

    def _require_activating(self) -> None:
        if self.kind is not Kind.ENTERPRISE or self.status is not Status.AWAITING_ACTIVATION:
            raise ActivationRefused(f"activation is not open for an account in status {self.status}")

    def _record_applied(self) -> None:
        self.record(ev.EmployeeAccountAppliedV2(
            **self._account_ids(), kind=self.kind, position_id=self.position_id, department_id=self.department_id,
            holder_generation=self.holder_generation))

"""Entities inside the shop aggregate: invitations, bindings, unlink requests and support cases."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shop_binding.domain.errors import (
    BindingNotActive,
    BindingNotPending,
    InvitationExpired,
    InvitationNotPending,
    NoteCodeNotForOutcome,
    SupportCaseNotOpen,
    UnbindTooEarly,
    UnlinkRequestAnswered,
)
from trust_common.contracts.shop_binding import (
    BindingEndReason,
    BindingRole,
    PendingReason,
    SupportCaseKind,
    SupportCaseOutcome,
    SupportNoteCode,
)

CONFIRMATION_WINDOW = timedelta(hours=48)  # SHOP-6
UNBIND_HOLD = timedelta(hours=24)  # SHOP-3


class InvitationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class BindingStatus(StrEnum):
    BINDING = "binding"  # confirmed but waiting for support (SHOP-10)
    ACTIVE = "active"
    ENDED = "ended"


class UnlinkStatus(StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    DECLINED = "declined"


@dataclass(frozen=True)
class Capabilities:
    """SHOP-4: what a bound account may do with the shop's products."""

    products_synced_to_showcase: bool
    add_from_shop: bool

    @classmethod
    def of(cls, role: BindingRole) -> Capabilities:
        return cls(products_synced_to_showcase=role == BindingRole.OFFICIAL, add_from_shop=True)


class Invitation:
    """A merchant's invitation to a creator account; open for 48 hours (SHOP-6)."""

    def __init__(self, invitation_id: str, shop_id: str, shop_owner_account_id: str, creator_account_id: str,
                 role: BindingRole, now: datetime) -> None:
        self.invitation_id = invitation_id
        self.shop_id = shop_id
        self.shop_owner_account_id = shop_owner_account_id
        self.creator_account_id = creator_account_id
        self.role = BindingRole(role)
        self.status = InvitationStatus.PENDING
        self.created_at = now
        self.expires_at = now + CONFIRMATION_WINDOW
        self.answered_at: datetime | None = None
        self.binding_id: str | None = None

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING

    def require_answerable(self, now: datetime) -> None:
        """SHOP-6: only a pending invitation inside its 48 hours can be answered."""
        if not self.is_pending:
            raise InvitationNotPending(f"the invitation is {self.status}")
        if now >= self.expires_at:
            raise InvitationExpired(f"the invitation expired at {self.expires_at.isoformat()}")

    def close(self, status: InvitationStatus, now: datetime) -> None:
        if not self.is_pending:
            raise InvitationNotPending(f"the invitation is {self.status}")
        self.status = status
        self.answered_at = now


class Binding:
    """A creator account bound to a shop in an official or channel slot."""

    def __init__(self, binding_id: str, invitation: Invitation, pending_reason: PendingReason | None,
                 now: datetime, *, pending_support_can_resolve: bool | None = None) -> None:
        self.binding_id = binding_id
        self.shop_id = invitation.shop_id
        self.shop_owner_account_id = invitation.shop_owner_account_id
        self.creator_account_id = invitation.creator_account_id
        self.role = invitation.role
        self.invitation_id = invitation.invitation_id
        self.created_at = now
        self.pending_reason = pending_reason
        # SHOP-12: whether support can resolve the SHOP-10 reason (None when nothing is pending).
        self.pending_support_can_resolve = pending_support_can_resolve if pending_reason else None
        self.status = BindingStatus.BINDING if pending_reason else BindingStatus.ACTIVE
        self.bound_at: datetime | None = None if pending_reason else now
        self.ended_at: datetime | None = None
        self.end_reason: BindingEndReason | None = None

    @property
    def occupies_slot(self) -> bool:
        """A pending binding already holds its slot and its creator (SHOP-1, SHOP-2)."""
        return self.status in (BindingStatus.BINDING, BindingStatus.ACTIVE)

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities.of(BindingRole(self.role))

    @property
    def counts_toward_channel_limit(self) -> bool:
        # A binding support rejected never became a binding, so it uses none of SHOP-8's 10.
        return self.role == BindingRole.CHANNEL and self.end_reason != BindingEndReason.REJECTED_BY_SUPPORT

    def end(self, reason: BindingEndReason, now: datetime) -> None:
        """End an active binding, only 24 hours after it was made (SHOP-3)."""
        if self.status != BindingStatus.ACTIVE or self.bound_at is None:
            raise BindingNotActive(f"the binding is {self.status}")
        allowed_from = self.bound_at + UNBIND_HOLD
        if now < allowed_from:
            raise UnbindTooEarly(allowed_from)
        self.status = BindingStatus.ENDED
        self.ended_at = now
        self.end_reason = reason

    @property
    def has_started(self) -> bool:
        """It was active at some point, so it granted the SHOP-13 entitlement."""
        return self.bound_at is not None

    def end_by_platform(self, now: datetime) -> None:
        """The platform deleted or banned the creator account: the binding ends at once, without the SHOP-3
        hold (nobody chose to undo it), whether active or still pending."""
        if not self.occupies_slot:
            raise BindingNotActive(f"the binding is {self.status}")
        self.status = BindingStatus.ENDED
        self.ended_at = now
        self.end_reason = BindingEndReason.ENDED_BY_PLATFORM

    def complete(self, now: datetime) -> None:
        """Support resolved the SHOP-10 reason: the binding becomes active."""
        self._require_pending()
        self.status = BindingStatus.ACTIVE
        self.bound_at = now
        self.pending_reason = None
        self.pending_support_can_resolve = None

    def reject(self, now: datetime) -> None:
        """Support could not resolve the SHOP-10 reason: the binding never completes."""
        self._require_pending()
        self.status = BindingStatus.ENDED
        self.ended_at = now
        self.end_reason = BindingEndReason.REJECTED_BY_SUPPORT

    def _require_pending(self) -> None:
        if self.status != BindingStatus.BINDING:
            raise BindingNotPending(f"the binding is {self.status}")


class UnlinkRequest:
    """A creator's request that the shop end their binding (SHOP-11)."""

    def __init__(self, request_id: str, binding: Binding, now: datetime) -> None:
        self.request_id = request_id
        self.binding_id = binding.binding_id
        self.shop_id = binding.shop_id
        self.shop_owner_account_id = binding.shop_owner_account_id
        self.creator_account_id = binding.creator_account_id
        self.status = UnlinkStatus.OPEN
        self.created_at = now
        self.answered_at: datetime | None = None

    def require_open(self) -> None:
        if self.status != UnlinkStatus.OPEN:
            raise UnlinkRequestAnswered(f"the request was {self.status}")

    def answer(self, status: UnlinkStatus, now: datetime) -> None:
        self.require_open()
        self.status = status
        self.answered_at = now


class SupportCaseStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DECLINED = "declined"


# SHOP-12: which note codes fit which outcome.
NOTES_FOR = {
    SupportCaseOutcome.RESOLVED: {SupportNoteCode.CAUSE_CORRECTED, SupportNoteCode.PERMISSION_RESTORED},
    SupportCaseOutcome.DECLINED: {SupportNoteCode.EVIDENCE_INSUFFICIENT, SupportNoteCode.VIOLATION_CONFIRMED,
                                  SupportNoteCode.CAUSE_NOT_RESOLVABLE},
}


class SupportCase:
    """SHOP-12: a merchant's case for an ineligible creator or a binding stuck in `binding`; support works
    the open ones oldest first and resolves or declines each with a note code (and an optional note)."""

    def __init__(self, case_id: str, shop_id: str, shop_owner_account_id: str, kind: SupportCaseKind,
                 creator_account_id: str, causes: list[str], now: datetime, binding_id: str | None = None) -> None:
        self.case_id = case_id
        self.shop_id = shop_id
        self.shop_owner_account_id = shop_owner_account_id
        self.kind = SupportCaseKind(kind)
        self.creator_account_id = creator_account_id
        self.binding_id = binding_id
        self.causes = list(causes)
        self.status = SupportCaseStatus.OPEN
        self.created_at = now
        self.answered_at: datetime | None = None
        self.answered_by: str | None = None
        self.note_code: SupportNoteCode | None = None
        self.note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == SupportCaseStatus.OPEN

    def require_open(self) -> None:
        if not self.is_open:
            raise SupportCaseNotOpen(f"the case was {self.status}")

    def answer(self, outcome: SupportCaseOutcome, note_code: SupportNoteCode, note: str | None, answered_by: str,
               now: datetime) -> None:
        self.require_open()
        if note_code not in NOTES_FOR[outcome]:
            raise NoteCodeNotForOutcome(f"{note_code} does not fit the outcome {outcome}; use one of "
                                        f"{', '.join(sorted(NOTES_FOR[outcome]))}")
        self.status = SupportCaseStatus(outcome.value)
        self.note_code = note_code
        self.note = note
        self.answered_by = answered_by
        self.answered_at = now

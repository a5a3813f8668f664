"""Commands: what a merchant, creator, support agent or account holder asks the service to do."""
from __future__ import annotations

from dataclasses import dataclass

from shop_binding.domain.links import Consent, ControlProof
from trust_common.contracts.shop_binding import (
    BindingRole,
    LinkEntryPoint,
    SupportCaseKind,
    SupportCaseOutcome,
    SupportNoteCode,
    UnlinkDecision,
)


@dataclass(frozen=True)
class InviteCreator:
    shop_id: str
    creator_account_id: str
    role: BindingRole


@dataclass(frozen=True)
class WithdrawInvitation:
    shop_id: str
    invitation_id: str


@dataclass(frozen=True)
class ConfirmInvitation:
    invitation_id: str
    creator_account_id: str
    network_country: str | None  # from the edge gateway's header (SHOP-9)


@dataclass(frozen=True)
class DeclineInvitation:
    invitation_id: str
    creator_account_id: str


@dataclass(frozen=True)
class UnbindCreator:
    shop_id: str
    binding_id: str


@dataclass(frozen=True)
class RequestUnlink:
    binding_id: str
    creator_account_id: str
    network_country: str | None  # from the edge gateway's header (SHOP-11, as SHOP-9)


@dataclass(frozen=True)
class AnswerUnlinkRequest:
    shop_id: str
    request_id: str
    decision: UnlinkDecision


@dataclass(frozen=True)
class ResolvePendingBinding:
    binding_id: str
    complete: bool  # True: the SHOP-10 reason is fixed; False: the binding is rejected
    answered_by: str = "support"  # the support agent (subject), recorded on an open SHOP-12 case


@dataclass(frozen=True)
class OpenSupportCase:
    """SHOP-12: for an ineligible creator (`creator_account_id`) or a stuck binding (`binding_id`)."""

    shop_id: str
    kind: SupportCaseKind
    creator_account_id: str | None = None
    binding_id: str | None = None


@dataclass(frozen=True)
class AnswerSupportCase:
    case_id: str
    outcome: SupportCaseOutcome
    note_code: SupportNoteCode
    note: str | None
    answered_by: str


@dataclass(frozen=True)
class LinkBusinessCentre:
    platform_account_id: str
    business_centre_account_id: str
    entry_point: LinkEntryPoint
    control_proof: ControlProof | None = None  # LINK-1: required; a missing one is refused by the handler
    consent: Consent | None = None  # LINK-2: required; a missing one is refused by the domain


@dataclass(frozen=True)
class UnlinkBusinessCentre:
    platform_account_id: str

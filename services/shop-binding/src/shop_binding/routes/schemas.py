"""Request and response bodies of the HTTP API (one family per resource)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from shop_binding.domain.model import Capabilities
from shop_binding.domain.shop import CHANNEL_BINDING_LIMIT, CHANNEL_WINDOW, OFFICIAL_UNBIND_LIMIT, Ledger
from trust_common.contracts.shop_binding import (
    SELL_WITHOUT_FOLLOWER_MINIMUM,
    BindingRole,
    LinkAccessScope,
    LinkEntryPoint,
    SupportCaseKind,
    SupportNoteCode,
    UnlinkDecision,
)
from trust_common.validation import MULTI_LINE, SINGLE_LINE, Id


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InvitationCreate(BaseModel):
    creator_account_id: Id
    role: BindingRole


class InvitationPublic(_Read):
    invitation_id: str
    shop_id: str
    creator_account_id: str
    role: BindingRole
    status: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None = None
    binding_id: str | None = None


class BindingPublic(_Read):
    binding_id: str
    shop_id: str
    creator_account_id: str
    role: BindingRole
    status: str
    pending_reason: str | None = None
    pending_support_can_resolve: bool | None = None  # SHOP-12: may the merchant take it to support?
    invitation_id: str | None = None
    created_at: datetime
    bound_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def capabilities(self) -> Capabilities:
        """SHOP-4: official → products synced to the showcase; channel → "Add from shop"."""
        return Capabilities.of(self.role)


class FailurePublic(BaseModel):
    code: str
    rule: str
    detail: str
    support_can_resolve: bool | None = Field(default=None, description=(
        "SHOP-12: whether the merchant can take this cause to support (every cause except an abnormal account "
        "status and an account registered in the United States)"))


class EligibilityPublic(BaseModel):
    shop_id: str
    creator_account_id: str
    eligible: bool
    failures: list[FailurePublic]


class SlotUsage(BaseModel):
    capacity: int
    used: int
    free: int


class OfficialUnbinds(BaseModel):
    limit: int = OFFICIAL_UNBIND_LIMIT
    used: int
    remaining: int


class ChannelBindings(BaseModel):
    limit: int = CHANNEL_BINDING_LIMIT
    window_days: int = CHANNEL_WINDOW.days
    used: int
    remaining: int
    next_frees_at: datetime | None


class LimitsPublic(BaseModel):
    shop_id: str
    onboarding: str
    official_slots: SlotUsage
    channel_slots: SlotUsage
    official_unbinds: OfficialUnbinds
    channel_bindings: ChannelBindings

    @classmethod
    def of(cls, shop_id: str, onboarding: str, ledger: Ledger) -> LimitsPublic:
        return cls(
            shop_id=shop_id, onboarding=onboarding,
            official_slots=SlotUsage(capacity=ledger.official_capacity, used=ledger.official_used,
                                     free=max(ledger.official_capacity - ledger.official_used, 0)),
            channel_slots=SlotUsage(capacity=ledger.channel_capacity, used=ledger.channel_used,
                                    free=max(ledger.channel_capacity - ledger.channel_used, 0)),
            official_unbinds=OfficialUnbinds(used=ledger.official_unbinds_used,
                                             remaining=max(OFFICIAL_UNBIND_LIMIT - ledger.official_unbinds_used, 0)),
            channel_bindings=ChannelBindings(
                used=ledger.channel_bindings_used,
                remaining=max(CHANNEL_BINDING_LIMIT - ledger.channel_bindings_used, 0),
                next_frees_at=ledger.next_channel_binding_frees_at))


class UnlinkRequestPublic(_Read):
    request_id: str
    binding_id: str
    shop_id: str
    creator_account_id: str
    status: str
    created_at: datetime
    answered_at: datetime | None = None


class UnlinkAnswer(BaseModel):
    decision: UnlinkDecision


class PendingResolution(BaseModel):
    outcome: Literal["complete", "reject"]


class SupportCaseCreate(BaseModel):
    """SHOP-12: `ineligible_creator` names `creator_account_id`; `stuck_binding` names `binding_id`."""

    kind: SupportCaseKind
    creator_account_id: Id | None = None
    binding_id: Id | None = None

    @model_validator(mode="after")
    def _names_its_subject(self) -> SupportCaseCreate:
        wanted = "binding_id" if self.kind == SupportCaseKind.STUCK_BINDING else "creator_account_id"
        if getattr(self, wanted) is None:
            raise ValueError(f"a {self.kind.value} case names {wanted}")
        return self


class SupportCaseAnswer(BaseModel):
    """SHOP-12: resolved with `cause_corrected` or `permission_restored`; declined with
    `evidence_insufficient`, `violation_confirmed` or `cause_not_resolvable`; an optional note for the
    merchant (kept here, read over HTTP, never sent in events)."""

    note_code: SupportNoteCode
    note: str | None = Field(default=None, max_length=2000, pattern=MULTI_LINE)


class SupportCasePublic(_Read):
    case_id: str
    shop_id: str
    kind: SupportCaseKind
    creator_account_id: str
    binding_id: str | None = None
    causes: list[str]
    status: str
    created_at: datetime
    answered_at: datetime | None = None
    note_code: SupportNoteCode | None = None
    note: str | None = None


class SellingEntitlementPublic(BaseModel):
    """SHOP-13: a creator account bound to a shop (an active binding) may sell in live and short video without
    1,000 followers."""

    creator_account_id: str
    entitlement: str = SELL_WITHOUT_FOLLOWER_MINIMUM
    entitled: bool
    shop_id: str | None = None
    binding_id: str | None = None
    since: datetime | None = None
    rule: str = "SHOP-13"


class ControlProofIn(BaseModel):
    """LINK-1: the business centre's signed assertion that the caller controls the business-centre account."""

    issued_at: int = Field(ge=0, le=2**40, description="when the business centre issued it, unix seconds")
    signature: str = Field(pattern="^[0-9a-fA-F]{64}$", description=(
        'hex HMAC-SHA256 over "<platform_account_id>.<business_centre_account_id>.<issued_at>"'))


class ConsentIn(BaseModel):
    """LINK-2: the business centre's terms the user accepted and the access they authorise ("Ủy quyền")."""

    terms_version: str = Field(min_length=1, max_length=40, pattern=SINGLE_LINE)
    scopes: list[LinkAccessScope] = Field(min_length=1, max_length=len(LinkAccessScope))


class LinkCreate(BaseModel):
    business_centre_account_id: Id
    entry_point: LinkEntryPoint
    # Optional in the schema so a missing proof is refused as LINK-1 (403), not as a bare validation error.
    control_proof: ControlProofIn | None = None
    # Optional in the schema so a missing consent is refused naming LINK-2, not as a bare validation error.
    consent: ConsentIn | None = None


class LinkPublic(_Read):
    link_id: str
    platform_account_id: str
    business_centre_account_id: str
    entry_point: LinkEntryPoint
    market: str
    status: str
    created_at: datetime
    removed_at: datetime | None = None
    platform_account_name: str | None = None
    # LINK-2 (None on links made before consent was recorded).
    terms_version: str | None = None
    scopes: list[str] | None = None
    consented_at: datetime | None = None
    authorisation_revoked_at: datetime | None = None

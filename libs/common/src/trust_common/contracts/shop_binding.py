"""Contracts of the events published on `shop-binding.events`.

Aggregates: `shop_invitation` (invitation_id), `shop_binding` (binding_id),
`unlink_request` (request_id), `support_case` (case_id), `selling_entitlement`
(creator_account_id) and `business_centre_link` (link_id). Events carry ids and codes only,
never personal data (X-4): a support agent's free-text note stays in the service.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from trust_common.events import EventData

TOPIC = "shop-binding.events"


class BindingRole(StrEnum):
    """Which slot of the shop a creator account takes (SHOP-1, SHOP-4)."""

    OFFICIAL = "official"  # products synced to the showcase
    CHANNEL = "channel"  # adds products by hand ("Add from shop")


class PendingReason(StrEnum):
    """Why a binding stays in `binding` (SHOP-10)."""

    REGISTERED_OUTSIDE_OPERATING_COUNTRY = "registered_outside_operating_country"
    ECOMMERCE_PERMISSION_REVOKED = "ecommerce_permission_revoked"


class BindingEndReason(StrEnum):
    UNBOUND_BY_SHOP = "unbound_by_shop"  # SHOP-3, SHOP-7 (counts)
    UNLINK_AGREED = "unlink_agreed"  # SHOP-11, SHOP-7 (counts)
    REJECTED_BY_SUPPORT = "rejected_by_support"  # SHOP-10, SHOP-12 (does not count)
    ENDED_BY_PLATFORM = "ended_by_platform"  # account deleted or banned (SHOP-7: does not count); v2 only


class UnlinkDecision(StrEnum):
    AGREED = "agreed"
    DECLINED = "declined"


class LinkEntryPoint(StrEnum):
    """Where a business-centre link was made (LINK-1)."""

    SIGN_UP = "sign_up"
    LOGIN = "login"
    USER_SETTINGS = "user_settings"
    AD_CREATION = "ad_creation"


class _InvitationEvent(EventData):
    topic = TOPIC
    aggregate_type = "shop_invitation"
    aggregate_field = "invitation_id"

    invitation_id: str
    shop_id: str
    shop_owner_account_id: str
    creator_account_id: str
    role: BindingRole


class ShopInvitationSent(_InvitationEvent):
    """A merchant invited a creator account; it must confirm by `expires_at` (SHOP-6, 48 h)."""

    event_type = "shop-binding.invitation.sent"

    sent_at: datetime
    expires_at: datetime


class ShopInvitationConfirmed(_InvitationEvent):
    """The creator confirmed; `binding_id` is the binding it created (active or pending)."""

    event_type = "shop-binding.invitation.confirmed"

    binding_id: str


class ShopInvitationDeclined(_InvitationEvent):
    event_type = "shop-binding.invitation.declined"


class ShopInvitationLapsed(_InvitationEvent):
    """Nobody confirmed within 48 hours (SHOP-6)."""

    event_type = "shop-binding.invitation.lapsed"


class ShopInvitationWithdrawn(_InvitationEvent):
    """The merchant withdrew an open invitation."""

    event_type = "shop-binding.invitation.withdrawn"


class _BindingEvent(EventData):
    topic = TOPIC
    aggregate_type = "shop_binding"
    aggregate_field = "binding_id"

    binding_id: str
    shop_id: str
    shop_owner_account_id: str
    creator_account_id: str
    role: BindingRole


class ShopBindingCreated(_BindingEvent):
    """The binding is active: `products_synced` for official, "add from shop" for channel (SHOP-4)."""

    event_type = "shop-binding.binding.created"

    invitation_id: str | None = None
    bound_at: datetime
    products_synced_to_showcase: bool


class ShopBindingPending(_BindingEvent):
    """The binding stays `binding` for a SHOP-10 reason until support resolves it."""

    event_type = "shop-binding.binding.pending"

    invitation_id: str | None = None
    reason: PendingReason


class ShopBindingEnded(_BindingEvent):
    """Version 1, superseded by `ShopBindingEndedV2` (which adds the reason `ended_by_platform`); kept only
    so events already published still parse. Publish v2."""

    event_type = "shop-binding.binding.ended"

    reason: Literal["unbound_by_shop", "unlink_agreed", "rejected_by_support"]
    ended_at: datetime


class ShopBindingEndedV2(_BindingEvent):
    """The binding ended: unbound by the shop or agreed unlink (both count against SHOP-7 for an official
    account), rejected by support (SHOP-10/12) or ended by the platform (account deleted or banned)."""

    event_type = "shop-binding.binding.ended"
    version = 2

    reason: BindingEndReason
    ended_at: datetime


class _UnlinkEvent(EventData):
    topic = TOPIC
    aggregate_type = "unlink_request"
    aggregate_field = "request_id"

    request_id: str
    binding_id: str
    shop_id: str
    shop_owner_account_id: str
    creator_account_id: str


class UnlinkRequested(_UnlinkEvent):
    """A creator asked the shop to end their binding (SHOP-11)."""

    event_type = "shop-binding.unlink.requested"


class UnlinkAnswered(_UnlinkEvent):
    event_type = "shop-binding.unlink.answered"

    decision: UnlinkDecision


class SupportCaseKind(StrEnum):
    """What a merchant takes to support (SHOP-12)."""

    INELIGIBLE_CREATOR = "ineligible_creator"  # SHOP-5 failures
    STUCK_BINDING = "stuck_binding"  # a SHOP-10 reason


class SupportCaseOutcome(StrEnum):
    RESOLVED = "resolved"
    DECLINED = "declined"


class SupportNoteCode(StrEnum):
    """Why support resolved or declined a case (SHOP-12); the agent's free-text note stays in the service."""

    CAUSE_CORRECTED = "cause_corrected"  # resolved: the platform record was corrected (country, age, ...)
    PERMISSION_RESTORED = "permission_restored"  # resolved: e-commerce permission restored
    EVIDENCE_INSUFFICIENT = "evidence_insufficient"  # declined
    VIOLATION_CONFIRMED = "violation_confirmed"  # declined: the permission was revoked rightly
    CAUSE_NOT_RESOLVABLE = "cause_not_resolvable"  # declined: support found it cannot act


class _SupportCaseEvent(EventData):
    topic = TOPIC
    aggregate_type = "support_case"
    aggregate_field = "case_id"

    case_id: str
    shop_id: str
    shop_owner_account_id: str  # the merchant told of the outcome (NOTE-5)
    kind: SupportCaseKind
    creator_account_id: str
    binding_id: str | None = None  # the stuck binding (kind stuck_binding)


class SupportCaseOpened(_SupportCaseEvent):
    """SHOP-12: a merchant took an ineligible creator or a stuck binding to support; `causes` are the
    SHOP-5 failure codes or the SHOP-10 reason, all of them resolvable by support."""

    event_type = "shop-binding.support_case.opened"

    causes: list[str]
    opened_at: datetime


class SupportCaseResolved(_SupportCaseEvent):
    """SHOP-12: support resolved the case (for a stuck binding: the binding is now active)."""

    event_type = "shop-binding.support_case.resolved"

    outcome: Literal["resolved"] = "resolved"
    note_code: SupportNoteCode
    answered_at: datetime


class SupportCaseDeclined(_SupportCaseEvent):
    """SHOP-12: support declined the case (for a stuck binding: the binding is rejected, its slot freed)."""

    event_type = "shop-binding.support_case.declined"

    outcome: Literal["declined"] = "declined"
    note_code: SupportNoteCode
    answered_at: datetime


# SHOP-13: what a creator account bound to a shop may do without 1,000 followers.
SELL_WITHOUT_FOLLOWER_MINIMUM = "sell_without_follower_minimum"


class _EntitlementEvent(EventData):
    topic = TOPIC
    aggregate_type = "selling_entitlement"
    aggregate_field = "creator_account_id"  # keyed by the creator account, so one partition orders its story

    creator_account_id: str
    shop_id: str
    binding_id: str
    entitlement: Literal["sell_without_follower_minimum"] = SELL_WITHOUT_FOLLOWER_MINIMUM


class SellingEntitlementGranted(_EntitlementEvent):
    """SHOP-13: a binding became active; the creator may sell in live and short video without 1,000
    followers while it lasts."""

    event_type = "shop-binding.selling_entitlement.granted"

    role: BindingRole
    granted_at: datetime


class SellingEntitlementWithdrawn(_EntitlementEvent):
    """SHOP-13: the binding that granted the entitlement ended."""

    event_type = "shop-binding.selling_entitlement.withdrawn"

    reason: BindingEndReason
    withdrawn_at: datetime


class LinkAccessScope(StrEnum):
    """What the user authorises the business centre to reach of the platform account (LINK-2, "Ủy quyền")."""

    PROFILE_READ = "profile.read"  # required: the account's name shows in the centre's user settings
    VIDEOS_READ = "videos.read"
    INSIGHTS_READ = "insights.read"
    ADS_IDENTITY = "ads.identity"  # deliver ads through the account (ad-creation entry point)


class _LinkEvent(EventData):
    topic = TOPIC
    aggregate_type = "business_centre_link"
    aggregate_field = "link_id"

    link_id: str
    platform_account_id: str
    business_centre_account_id: str


class BusinessCentreLinkCreated(_LinkEvent):
    """Version 1, superseded by `BusinessCentreLinkCreatedV2` (with the LINK-2 consent); kept only so
    events already published still parse. Publish v2."""

    event_type = "shop-binding.link.created"

    entry_point: LinkEntryPoint
    market: str


class BusinessCentreLinkRemoved(_LinkEvent):
    """Version 1, superseded by `BusinessCentreLinkRemovedV2` (with the revoked authorisation)."""

    event_type = "shop-binding.link.removed"


class BusinessCentreLinkCreatedV2(_LinkEvent):
    """LINK-1: a platform account and a business-centre account are linked one-to-one; LINK-2: with the
    user's acceptance of the centre's terms (`terms_version`) and authorisation of `scopes`, at
    `consented_at`."""

    event_type = "shop-binding.link.created"
    version = 2

    entry_point: LinkEntryPoint
    market: str
    terms_version: str
    scopes: list[LinkAccessScope]
    consented_at: datetime


class BusinessCentreLinkRemovedV2(_LinkEvent):
    """LINK-2: unlinking revokes the business centre's authorisation (`revoked_scopes`, at
    `authorisation_revoked_at`); the centre must stop reaching the account."""

    event_type = "shop-binding.link.removed"
    version = 2

    revoked_scopes: list[LinkAccessScope]
    authorisation_revoked_at: datetime

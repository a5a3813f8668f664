"""Contracts of the events published on `shop-binding.events`.

Aggregates: `shop_invitation` (invitation_id), `shop_binding` (binding_id),
`unlink_request` (request_id) and `business_centre_link` (link_id). Events carry ids and
codes only, never personal data (X-4).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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
    UNBOUND_BY_SHOP = "unbound_by_shop"  # SHOP-3, SHOP-7
    UNLINK_AGREED = "unlink_agreed"  # SHOP-11
    REJECTED_BY_SUPPORT = "rejected_by_support"  # SHOP-10


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
    event_type = "shop-binding.binding.ended"

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


class _LinkEvent(EventData):
    topic = TOPIC
    aggregate_type = "business_centre_link"
    aggregate_field = "link_id"

    link_id: str
    platform_account_id: str
    business_centre_account_id: str


class BusinessCentreLinkCreated(_LinkEvent):
    """LINK-1: a platform account and a business-centre account are linked one-to-one."""

    event_type = "shop-binding.link.created"

    entry_point: LinkEntryPoint
    market: str


class BusinessCentreLinkRemoved(_LinkEvent):
    event_type = "shop-binding.link.removed"

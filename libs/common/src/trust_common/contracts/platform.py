"""Facts published by the platform's own account and shop systems (not ours).

Topics `platform.accounts` and `platform.shops`. Every event carries the full
current snapshot (event-carried state transfer), so a projection is an upsert
guarded by the per-aggregate sequence number. The sister app's (Toutiao)
certification facts (CERT-9) travel on `platform.accounts` too, keyed by the
sister-app certification's reference.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from trust_common.events import EventData

ACCOUNTS_TOPIC = "platform.accounts"
SHOPS_TOPIC = "platform.shops"


class AccountStatus(StrEnum):
    NORMAL = "normal"
    RESTRICTED = "restricted"  # posting or live restricted
    BANNED = "banned"


class PenaltyKind(StrEnum):
    BANNED = "banned"
    POSTING_RESTRICTED = "posting_restricted"
    LIVE_RESTRICTED = "live_restricted"


class Penalty(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: PenaltyKind
    until: date | None = None  # None: until lifted


class LoginMethod(BaseModel):
    """One way of signing in to an account (CERT-9: a sister-app account can be one).

    `kind` is e.g. "sister_app", "phone", "email"; `reference` is the sister-app account id for
    "sister_app" and empty for the others: never a phone number or an email address (X-4)."""

    model_config = ConfigDict(frozen=True)
    kind: str = Field(min_length=1, max_length=40)
    reference: str = Field(default="", max_length=200)


class AccountSnapshot(BaseModel):
    """Everything our services may need to know about a platform account."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    username: str
    avatar_url: str = ""
    signature: str = ""
    locale: str = "en"
    email: str | None = None
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 of the account")
    registered_country: str | None = Field(default=None, min_length=2, max_length=2)
    date_of_birth: date | None = None
    status: AccountStatus = AccountStatus.NORMAL
    real_name_verified: bool = False
    # Keyed hash of the verified real-name identity: lets services see that two accounts
    # belong to one person (EMP-7) without ever holding the national ID.
    identity_ref: str | None = None
    penalties: list[Penalty] = Field(default_factory=list)
    followers: int = 0
    public_video_count: int = 0
    growth_level: str | None = None  # enterprise growth level, e.g. "gold", "black_diamond_lv1"
    has_unsettled_assets: bool = False
    ecommerce_permission_revoked: bool = False
    creator_marketplace_identity: bool = False
    # Tools the account holds (EMP-3), e.g. "live.general_live_card"; employee accounts get a subset.
    tools: list[str] = Field(default_factory=list)
    # CERT-9: the account's login methods; a sister-app certification syncs only through one of them.
    login_methods: list[LoginMethod] = Field(default_factory=list)


class AccountRegistered(EventData):
    event_type = "platform.account.registered"
    topic = ACCOUNTS_TOPIC
    aggregate_type = "account"
    aggregate_field = "account_id"

    account_id: str
    account: AccountSnapshot


class AccountChanged(EventData):
    """Any change of an account's facts: profile, status, penalties, counters."""

    event_type = "platform.account.changed"
    topic = ACCOUNTS_TOPIC
    aggregate_type = "account"
    aggregate_field = "account_id"

    account_id: str
    account: AccountSnapshot
    changed_fields: list[str] = Field(default_factory=list)


class AccountDeleted(EventData):
    event_type = "platform.account.deleted"
    topic = ACCOUNTS_TOPIC
    aggregate_type = "account"
    aggregate_field = "account_id"

    account_id: str


class ShopOnboarding(StrEnum):
    OPEN = "open"  # open recruitment: 1 official account (SHOP-1)
    INVITED = "invited"  # invited: 1 official + 4 channel accounts (SHOP-1)


class ShopStatus(StrEnum):
    NORMAL = "normal"
    ABNORMAL = "abnormal"


class ShopSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    shop_id: str
    name: str
    owner_account_id: str
    country: str = Field(min_length=2, max_length=2)
    onboarding: ShopOnboarding
    status: ShopStatus = ShopStatus.NORMAL


class ShopRegistered(EventData):
    event_type = "platform.shop.registered"
    topic = SHOPS_TOPIC
    aggregate_type = "shop"
    aggregate_field = "shop_id"

    shop_id: str
    shop: ShopSnapshot


class ShopChanged(EventData):
    event_type = "platform.shop.changed"
    topic = SHOPS_TOPIC
    aggregate_type = "shop"
    aggregate_field = "shop_id"

    shop_id: str
    shop: ShopSnapshot


class SisterAppCertificationStatus(StrEnum):
    """CERT-9: the state of an enterprise certification in the sister app."""

    ACTIVE = "active"  # certified (a renewal is a later `valid_until` while active)
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class SisterAppProfile(BaseModel):
    """CERT-9: the public profile of the sister-app account holding the certification."""

    model_config = ConfigDict(frozen=True)
    username: str
    avatar_url: str = ""
    signature: str = ""


class SisterAppCertificationChanged(EventData):
    """CERT-9: the sister app's enterprise certification `reference` as it stands now (full state:
    certified, renewed, profile changed, cancelled or expired). Published by the sister app on
    `platform.accounts`, keyed by `reference`; a projection upserts it by sequence."""

    event_type = "platform.sister_app_certification.changed"
    topic = ACCOUNTS_TOPIC
    aggregate_type = "sister_app_certification"
    aggregate_field = "reference"

    reference: str = Field(min_length=1, max_length=200)
    sister_account_id: str = Field(min_length=1, max_length=200, description="the sister-app account holding it")
    status: SisterAppCertificationStatus
    valid_until: datetime
    enterprise_name: str
    display_name: str
    profile: SisterAppProfile

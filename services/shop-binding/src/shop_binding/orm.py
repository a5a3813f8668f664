"""This service's tables, the problems their unique indexes raise, and the imperative mapping of the
domain classes onto them."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry, relationship

from shop_binding.domain.errors import (
    AlreadyLinked,
    CreatorAlreadyBound,
    DuplicateInvitation,
    SlotsFull,
    SupportCaseAlreadyOpen,
    UnlinkRequestAlreadyOpen,
)
from shop_binding.domain.links import BusinessCentreLink
from shop_binding.domain.model import Binding, Invitation, SupportCase, UnlinkRequest
from shop_binding.domain.shop import Shop
from trust_common.problems import Problem

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

LIVE_BINDING = text("status IN ('binding', 'active')")

shops = Table(
    "shops", metadata,
    Column("shop_id", String(100), primary_key=True),
    Column("official_unbinds_used", Integer, nullable=False, server_default="0"),  # SHOP-7
)

invitations = Table(
    "invitations", metadata,
    Column("invitation_id", String(64), primary_key=True),
    Column("shop_id", String(100), ForeignKey("shops.shop_id"), nullable=False),
    Column("shop_owner_account_id", String(100), nullable=False),
    Column("creator_account_id", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("binding_id", String(64)),
    Index("invitations_by_creator", "creator_account_id", "created_at", "invitation_id"),
    Index("invitations_by_shop", "shop_id", "created_at", "invitation_id"),
    Index("invitations_one_open_per_pair", "shop_id", "creator_account_id", unique=True,
          postgresql_where=text("status = 'pending'")),
)

bindings = Table(
    "bindings", metadata,
    Column("binding_id", String(64), primary_key=True),
    Column("shop_id", String(100), ForeignKey("shops.shop_id"), nullable=False),
    Column("shop_owner_account_id", String(100), nullable=False),
    Column("creator_account_id", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("pending_reason", String(60)),
    Column("pending_support_can_resolve", Boolean),  # SHOP-12, for a binding waiting in `binding`
    Column("invitation_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("bound_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", String(40)),
    # SHOP-2: at most one live binding per creator, whatever races.
    Index("bindings_one_live_per_creator", "creator_account_id", unique=True, postgresql_where=LIVE_BINDING),
    # SHOP-1: at most one live official binding per shop.
    Index("bindings_one_official_per_shop", "shop_id", unique=True,
          postgresql_where=text("role = 'official' AND status IN ('binding', 'active')")),
    Index("bindings_by_shop", "shop_id", "created_at", "binding_id"),
    Index("bindings_by_creator", "creator_account_id", "created_at", "binding_id"),
    Index("bindings_pending", "created_at", "binding_id", postgresql_where=text("status = 'binding'")),
)

unlink_requests = Table(
    "unlink_requests", metadata,
    Column("request_id", String(64), primary_key=True),
    Column("binding_id", String(64), ForeignKey("bindings.binding_id"), nullable=False),
    Column("shop_id", String(100), ForeignKey("shops.shop_id"), nullable=False),
    Column("shop_owner_account_id", String(100), nullable=False),
    Column("creator_account_id", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Index("unlink_requests_by_shop", "shop_id", "created_at", "request_id"),
    Index("unlink_requests_one_open", "binding_id", unique=True, postgresql_where=text("status = 'open'")),
)

support_cases = Table(  # SHOP-12
    "support_cases", metadata,
    Column("case_id", String(64), primary_key=True),
    Column("shop_id", String(100), ForeignKey("shops.shop_id"), nullable=False),
    Column("shop_owner_account_id", String(100), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("creator_account_id", String(100), nullable=False),
    Column("binding_id", String(64), ForeignKey("bindings.binding_id")),
    Column("causes", JSONB, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("answered_by", String(200)),
    Column("note_code", String(40)),
    Column("note", Text),  # the agent's free text: served over HTTP, never put in an event
    Index("support_cases_by_shop", "shop_id", "created_at", "case_id"),
    # Support's queue: open cases, oldest first.
    Index("support_cases_queue", "created_at", "case_id", postgresql_where=text("status = 'open'")),
    Index("support_cases_one_open", "shop_id", "kind", "creator_account_id", unique=True,
          postgresql_where=text("status = 'open'")),
)

business_centre_links = Table(
    "business_centre_links", metadata,
    Column("link_id", String(64), primary_key=True),
    Column("platform_account_id", String(100), nullable=False),
    Column("business_centre_account_id", String(100), nullable=False),
    Column("entry_point", String(20), nullable=False),
    Column("market", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
    # LINK-2: the consent given when linking (NULL on links made before it was recorded) and its revocation.
    Column("terms_version", String(40)),
    Column("scopes", JSONB),
    Column("consented_at", DateTime(timezone=True)),
    Column("authorisation_revoked_at", DateTime(timezone=True)),
    # LINK-1: one-to-one among live links.
    Index("links_one_per_platform_account", "platform_account_id", unique=True,
          postgresql_where=text("status = 'linked'")),
    Index("links_one_per_business_centre_account", "business_centre_account_id", unique=True,
          postgresql_where=text("status = 'linked'")),
)

# A unique index that caught a race becomes the domain error of the rule it guards (the bus maps it).
RACED = "refused: a concurrent request got there first"
CONSTRAINT_PROBLEMS: dict[str, Callable[[], Problem]] = {
    "bindings_one_live_per_creator": lambda: CreatorAlreadyBound(RACED),  # SHOP-2
    "bindings_one_official_per_shop": lambda: SlotsFull(RACED),  # SHOP-1
    "invitations_one_open_per_pair": lambda: DuplicateInvitation(RACED),  # SHOP-6
    "unlink_requests_one_open": lambda: UnlinkRequestAlreadyOpen(RACED),  # SHOP-11
    "support_cases_one_open": lambda: SupportCaseAlreadyOpen(RACED),  # SHOP-12
    "links_one_per_platform_account": lambda: AlreadyLinked("already linked to another account"),  # LINK-1
    "links_one_per_business_centre_account": lambda: AlreadyLinked("already linked to another account"),
}


def start_mappers() -> None:
    """Map the domain classes onto the tables (the service runs this once per process)."""
    mapper_registry.map_imperatively(Invitation, invitations)
    mapper_registry.map_imperatively(Binding, bindings)
    mapper_registry.map_imperatively(UnlinkRequest, unlink_requests)
    mapper_registry.map_imperatively(SupportCase, support_cases)
    mapper_registry.map_imperatively(Shop, shops, properties={
        "invitations": relationship(Invitation, lazy="selectin", order_by=invitations.c.created_at),
        "bindings": relationship(Binding, lazy="selectin", order_by=bindings.c.created_at),
        "unlink_requests": relationship(UnlinkRequest, lazy="selectin", order_by=unlink_requests.c.created_at),
        "support_cases": relationship(SupportCase, lazy="selectin", order_by=support_cases.c.created_at),
    })
    mapper_registry.map_imperatively(BusinessCentreLink, business_centre_links)

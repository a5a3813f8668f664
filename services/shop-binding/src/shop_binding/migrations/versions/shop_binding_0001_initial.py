"""Shops, invitations, bindings, unlink requests and business-centre links.

Revision ID: shop_binding_0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "shop_binding_0001"
down_revision = None
branch_labels = ("shop_binding",)
depends_on = None

LIVE_BINDING = sa.text("status IN ('binding', 'active')")


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("shop_id", sa.String(100), primary_key=True),
        sa.Column("official_unbinds_used", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "invitations",
        sa.Column("invitation_id", sa.String(64), primary_key=True),
        sa.Column("shop_id", sa.String(100), sa.ForeignKey("shops.shop_id"), nullable=False),
        sa.Column("shop_owner_account_id", sa.String(100), nullable=False),
        sa.Column("creator_account_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("binding_id", sa.String(64)),
    )
    op.create_index("invitations_by_creator", "invitations", ["creator_account_id", "created_at", "invitation_id"])
    op.create_index("invitations_by_shop", "invitations", ["shop_id", "created_at", "invitation_id"])
    op.create_index("invitations_one_open_per_pair", "invitations", ["shop_id", "creator_account_id"], unique=True,
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_table(
        "bindings",
        sa.Column("binding_id", sa.String(64), primary_key=True),
        sa.Column("shop_id", sa.String(100), sa.ForeignKey("shops.shop_id"), nullable=False),
        sa.Column("shop_owner_account_id", sa.String(100), nullable=False),
        sa.Column("creator_account_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("pending_reason", sa.String(60)),
        sa.Column("invitation_id", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.String(40)),
    )
    # SHOP-2: one live binding per creator account, held by the database under races.
    op.create_index("bindings_one_live_per_creator", "bindings", ["creator_account_id"], unique=True,
                    postgresql_where=LIVE_BINDING)
    op.create_index("bindings_one_official_per_shop", "bindings", ["shop_id"], unique=True,
                    postgresql_where=sa.text("role = 'official' AND status IN ('binding', 'active')"))
    op.create_index("bindings_by_shop", "bindings", ["shop_id", "created_at", "binding_id"])
    op.create_index("bindings_by_creator", "bindings", ["creator_account_id", "created_at", "binding_id"])
    op.create_index("bindings_pending", "bindings", ["created_at", "binding_id"],
                    postgresql_where=sa.text("status = 'binding'"))
    op.create_table(
        "unlink_requests",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("binding_id", sa.String(64), sa.ForeignKey("bindings.binding_id"), nullable=False),
        sa.Column("shop_id", sa.String(100), sa.ForeignKey("shops.shop_id"), nullable=False),
        sa.Column("shop_owner_account_id", sa.String(100), nullable=False),
        sa.Column("creator_account_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
    )
    op.create_index("unlink_requests_by_shop", "unlink_requests", ["shop_id", "created_at", "request_id"])
    op.create_index("unlink_requests_one_open", "unlink_requests", ["binding_id"], unique=True,
                    postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        "business_centre_links",
        sa.Column("link_id", sa.String(64), primary_key=True),
        sa.Column("platform_account_id", sa.String(100), nullable=False),
        sa.Column("business_centre_account_id", sa.String(100), nullable=False),
        sa.Column("entry_point", sa.String(20), nullable=False),
        sa.Column("market", sa.String(2), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True)),
    )
    # LINK-1: one-to-one among live links.
    op.create_index("links_one_per_platform_account", "business_centre_links", ["platform_account_id"],
                    unique=True, postgresql_where=sa.text("status = 'linked'"))
    op.create_index("links_one_per_business_centre_account", "business_centre_links",
                    ["business_centre_account_id"], unique=True, postgresql_where=sa.text("status = 'linked'"))


def downgrade() -> None:
    op.drop_table("business_centre_links")
    op.drop_table("unlink_requests")
    op.drop_table("bindings")
    op.drop_table("invitations")
    op.drop_table("shops")

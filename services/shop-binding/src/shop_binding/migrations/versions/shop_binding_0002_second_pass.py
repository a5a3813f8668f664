"""Issue 14 for shop-binding: SHOP-7 recounted under its Decision, support cases (SHOP-12), whether support
can resolve a stuck binding, and the consent recorded on business-centre links (LINK-2).

- `shops.official_unbinds_used` is recomputed from history: every official binding ended by the shop
  (`unbound_by_shop`) or by its agreement to the creator's unlink request (`unlink_agreed`). Before, agreed
  unlinks were not counted, so a shop may now show more than 3 used: it is over the limit and can neither
  unbind nor agree again, as the Decision says.
- `bindings.pending_support_can_resolve` for bindings still in `binding`: an e-commerce permission can be
  restored by support; a registration outside the operating country can, unless the account was registered in
  the United States (read from the platform-account projection; an account it no longer knows counts as
  resolvable, since only support can tell).
- Links made before LINK-2 have no recorded consent (NULL: we do not invent one); a removed link's
  authorisation ended when it was removed.

Revision ID: shop_binding_0002
Revises: shop_binding_0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "shop_binding_0002"
down_revision = "shop_binding_0001"
branch_labels = None
depends_on = "common_0001"  # the platform-account projection read below


def upgrade() -> None:
    op.execute("""
        UPDATE shops SET official_unbinds_used = (
            SELECT count(*) FROM bindings
            WHERE bindings.shop_id = shops.shop_id AND bindings.role = 'official'
              AND bindings.end_reason IN ('unbound_by_shop', 'unlink_agreed'))
    """)

    op.add_column("bindings", sa.Column("pending_support_can_resolve", sa.Boolean))
    op.execute("""
        UPDATE bindings SET pending_support_can_resolve = CASE
            WHEN pending_reason = 'registered_outside_operating_country' THEN NOT EXISTS (
                SELECT 1 FROM platform_accounts a
                WHERE a.account_id = bindings.creator_account_id AND NOT a.deleted
                  AND upper(coalesce(a.snapshot->>'registered_country', a.snapshot->>'country')) = 'US')
            ELSE true END
        WHERE status = 'binding' AND pending_reason IS NOT NULL
    """)

    op.create_table(
        "support_cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("shop_id", sa.String(100), sa.ForeignKey("shops.shop_id"), nullable=False),
        sa.Column("shop_owner_account_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("creator_account_id", sa.String(100), nullable=False),
        sa.Column("binding_id", sa.String(64), sa.ForeignKey("bindings.binding_id")),
        sa.Column("causes", JSONB, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("answered_by", sa.String(200)),
        sa.Column("note_code", sa.String(40)),
        sa.Column("note", sa.Text),
    )
    op.create_index("support_cases_by_shop", "support_cases", ["shop_id", "created_at", "case_id"])
    op.create_index("support_cases_queue", "support_cases", ["created_at", "case_id"],
                    postgresql_where=sa.text("status = 'open'"))
    op.create_index("support_cases_one_open", "support_cases", ["shop_id", "kind", "creator_account_id"],
                    unique=True, postgresql_where=sa.text("status = 'open'"))

    op.add_column("business_centre_links", sa.Column("terms_version", sa.String(40)))
    op.add_column("business_centre_links", sa.Column("scopes", JSONB))
    op.add_column("business_centre_links", sa.Column("consented_at", sa.DateTime(timezone=True)))
    op.add_column("business_centre_links", sa.Column("authorisation_revoked_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE business_centre_links SET authorisation_revoked_at = removed_at WHERE status = 'removed'")


def downgrade() -> None:
    for column in ("authorisation_revoked_at", "consented_at", "scopes", "terms_version"):
        op.drop_column("business_centre_links", column)
    op.drop_table("support_cases")
    op.drop_column("bindings", "pending_support_can_resolve")
    # The first reading of SHOP-7 counted only the shop's own unbinds.
    op.execute("""
        UPDATE shops SET official_unbinds_used = (
            SELECT count(*) FROM bindings
            WHERE bindings.shop_id = shops.shop_id AND bindings.role = 'official'
              AND bindings.end_reason = 'unbound_by_shop')
    """)

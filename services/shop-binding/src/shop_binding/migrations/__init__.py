"""Alembic migrations of the shop-binding database (branch `shop_binding`)."""

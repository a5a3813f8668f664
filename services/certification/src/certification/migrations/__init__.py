"""Alembic migrations of the certification database (branch `certification`)."""

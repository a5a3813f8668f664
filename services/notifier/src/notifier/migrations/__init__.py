"""Alembic migrations of the notifier database (branch `notifier`)."""

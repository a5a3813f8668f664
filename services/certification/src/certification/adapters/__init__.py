"""Adapters to external systems: payments and document storage (the sister app's facts arrive as events)."""

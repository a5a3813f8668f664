"""Adapters to external systems: payments, document storage, the sister app."""

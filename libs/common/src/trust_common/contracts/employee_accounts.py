"""Contracts of the events published on `employee-accounts.events`."""
from __future__ import annotations

from trust_common.events import EventData

TOPIC = "employee-accounts.events"

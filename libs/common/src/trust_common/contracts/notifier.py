"""Contracts of the events published on `notifier.events`."""
from __future__ import annotations

from trust_common.events import EventData

TOPIC = "notifier.events"

"""Contracts of the events published on `shop-binding.events`."""
from __future__ import annotations

from trust_common.events import EventData

TOPIC = "shop-binding.events"

"""Contracts of the events published on `certification.events`."""
from __future__ import annotations

from trust_common.events import EventData

TOPIC = "certification.events"

"""The one thing domain models share: recording events for the unit of work to publish."""
from __future__ import annotations

from trust_common.events import EventData


class Aggregate:
    """Mixin for aggregates: rules call `record`, the unit of work collects on commit."""

    def record(self, event: EventData) -> None:
        self.__dict__.setdefault("_pending_events", []).append(event)

    def pull_events(self) -> list[EventData]:
        return self.__dict__.pop("_pending_events", [])

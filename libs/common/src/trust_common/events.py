"""The event envelope and the registry of versioned event contracts (X-2).

Contracts are pydantic models in `trust_common.contracts`; producers and consumers
share one definition. An event type is a dotted name; its version is bumped on
any breaking change, and consumers parse with the class registered for
(type, version).
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

_REGISTRY: dict[tuple[str, int], type[EventData]] = {}


class EventData(BaseModel):
    """Base of every event contract; subclasses declare where and what they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    topic: ClassVar[str]  # logical topic, e.g. "certification.events"
    aggregate_type: ClassVar[str]
    aggregate_field: ClassVar[str]  # the field holding the aggregate id

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            key = (cls.event_type, cls.version)
            if key in _REGISTRY and _REGISTRY[key] is not cls:
                raise TypeError(f"event contract {key} defined twice")
            _REGISTRY[key] = cls

    @property
    def aggregate_id(self) -> str:
        return str(getattr(self, self.aggregate_field))


def contract_for(event_type: str, version: int) -> type[EventData] | None:
    """The contract class registered for a type and version, if this build knows it."""
    import trust_common.contracts  # noqa: F401  (registers every contract)

    return _REGISTRY.get((event_type, version))


def registered_contracts() -> dict[tuple[str, int], type[EventData]]:
    import trust_common.contracts  # noqa: F401

    return dict(_REGISTRY)


class EventEnvelope(BaseModel):
    """What travels on Kafka: metadata around one contract's data."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    source: str
    aggregate_type: str
    aggregate_id: str
    sequence: int
    occurred_at: datetime
    trace: dict[str, str] = Field(default_factory=dict)
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: EventData, *, source: str, sequence: int, occurred_at: datetime,
             trace: dict[str, str] | None = None, event_id: uuid.UUID | None = None) -> EventEnvelope:
        return cls(
            event_id=event_id or uuid.uuid4(), type=event.event_type, version=event.version,
            source=source, aggregate_type=event.aggregate_type, aggregate_id=event.aggregate_id,
            sequence=sequence, occurred_at=occurred_at, trace=trace or {},
            data=event.model_dump(mode="json"),
        )

    def parse(self) -> EventData | None:
        """The typed contract of this event, or None when this build does not know the type."""
        contract = contract_for(self.type, self.version)
        return contract.model_validate(self.data) if contract else None

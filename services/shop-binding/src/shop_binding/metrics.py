"""Metrics of this service (labels bounded: kind and outcome are fixed sets)."""
from __future__ import annotations

from prometheus_client import REGISTRY, Counter


def _invitation_outcomes() -> Counter:
    try:
        return Counter("invitation_outcomes_total", "Invitations by how they ended", ["kind", "outcome"])
    except ValueError:  # another service in this process (tests run them together) registered it first
        return REGISTRY._names_to_collectors["invitation_outcomes_total"]  # type: ignore[attr-defined,return-value]


INVITATION_OUTCOMES = _invitation_outcomes()
KIND = "shop_binding"


def count_outcome(outcome: str) -> None:
    """Count one invitation outcome: confirmed, declined or lapsed."""
    INVITATION_OUTCOMES.labels(kind=KIND, outcome=outcome).inc()

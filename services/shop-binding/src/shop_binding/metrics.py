"""Metrics of this service (labels bounded: kind and outcome are fixed sets)."""
from __future__ import annotations

from trust_common.metrics import INVITATION_OUTCOMES

KIND = "shop_binding"


def count_outcome(outcome: str) -> None:
    """Count one invitation outcome: confirmed, declined or lapsed."""
    INVITATION_OUTCOMES.labels(kind=KIND, outcome=outcome).inc()

"""Review SLA metrics (CERT-5): a breach counter and the overdue reviews right now."""
from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class FreshGauge(Collector):
    """A gauge exported only while fresh: set by whichever worker replica fired the refresh timer, so a
    replica that has not refreshed it lately (or an API replica, which never does) exports no sample
    rather than a stale one; dashboards take the max() over the replicas that have a current value."""

    def __init__(self, name: str, documentation: str, max_age_seconds: float,
                 registry: CollectorRegistry = REGISTRY) -> None:
        self.name, self.documentation, self.max_age_seconds = name, documentation, max_age_seconds
        self._value: float | None = None
        self._set_at = 0.0
        registry.register(self)

    def set(self, value: float) -> None:
        self._value, self._set_at = float(value), time.monotonic()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(self.name, self.documentation)
        if self._value is not None and time.monotonic() - self._set_at <= self.max_age_seconds:
            family.add_metric([], self._value)
        yield family

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(self.name, self.documentation)


# Refreshed once a minute by the worker's timer (handlers/deadlines.refresh_overdue_gauge), never by requests.
REVIEWS_OVERDUE = FreshGauge("certification_reviews_overdue",
                             "Applications in audit past their 2-working-day due time", max_age_seconds=180)
REVIEW_SLA_BREACHES = Counter("certification_review_sla_breaches_total", "Reviews that missed the 2-working-day SLA")


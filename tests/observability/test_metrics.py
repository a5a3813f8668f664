"""Every metric the dashboards and alerts are built on is one the services really expose."""
from __future__ import annotations

import ast

from prometheus_client import REGISTRY

from trust_common.testing.infrastructure import repo_root


def _dashboard_metrics() -> set[str]:
    """The application metrics deploy/k8s/check allows in dashboards and alerts."""
    tree = ast.parse((repo_root() / "deploy/k8s/tools/validate.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in {"APP_COUNTERS_GAUGES", "APP_HISTOGRAMS"}
                                                for t in node.targets):
            found |= ast.literal_eval(node.value)
    return found


async def test_the_services_expose_every_metric_the_dashboards_and_alerts_use(
        certification, employee_accounts, shop_binding, notifier):
    exposed = set()
    for family in REGISTRY.collect():
        exposed.add(family.name)
        exposed.add(f"{family.name}_total")
    wanted = _dashboard_metrics()
    assert len(wanted) >= 15
    assert wanted - exposed == set()
    async with certification.client() as client:
        text = (await client.get("/metrics")).text
    for name in ("certification_reviews_overdue", "outbox_oldest_unsent_age_seconds", "timer_fire_lag_seconds_bucket"):
        assert name in text

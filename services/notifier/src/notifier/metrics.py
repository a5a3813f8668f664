"""The notifier's own metrics; labels are bounded sets (channel, outcome)."""
from __future__ import annotations

from prometheus_client import Counter

DELIVERIES = Counter("notification_deliveries_total", "Notification deliveries by channel and outcome",
                     ["channel", "outcome"])  # outcome: delivered, failed, dead_lettered, muted, replayed

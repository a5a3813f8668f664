"""Prometheus metrics shared by every service. Labels stay bounded: routes are templates,
topics and kinds are fixed sets, never ids."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])

OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published")
OUTBOX_OLDEST_AGE = Gauge("outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row")
OUTBOX_PUBLISH_LATENCY = Histogram("outbox_publish_duration_seconds", "Time to publish one relay batch")
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published")

CONSUMER_LAG = Gauge("consumer_lag", "Messages behind the partition's end", ["topic", "partition"])
CONSUMER_PROCESSING = Histogram("consumer_processing_duration_seconds", "Time to handle one message", ["topic"])
CONSUMER_MESSAGES = Counter("consumer_messages_total", "Messages consumed by outcome", ["topic", "outcome"])

TIMER_FIRE_LAG = Histogram("timer_fire_lag_seconds", "Delay between a timer's due time and its firing", ["kind"],
                           buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900))
TIMERS_PENDING = Gauge("timers_pending", "Timers waiting to fire")
TIMERS_FIRED = Counter("timers_fired_total", "Timers fired", ["kind"])
TIMERS_FAILED = Counter("timers_failed_total", "Timer attempts that failed (each is retried with back-off)",
                        ["kind"])
TIMERS_FAILING = Gauge("timers_failing", "Pending timers whose last attempt failed", ["kind"])
TIMERS_FAILING_OLDEST_AGE = Gauge("timers_failing_oldest_age_seconds",
                                  "How long past its deadline the oldest failing timer is", ["kind"])

# Both 48-hour windows (employee authorisations, shop bindings) count into one series.
INVITATION_OUTCOMES = Counter("invitation_outcomes_total", "Invitations by how they ended", ["kind", "outcome"])

RETENTION_DELETED = Counter("retention_deleted_total", "Infrastructure rows removed past their retention", ["table"])
WORKER_LOOP_RESTARTS = Counter("worker_loop_restarts_total", "Worker loops restarted after a failure", ["loop"])

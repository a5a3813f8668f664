"""Health, readiness, metrics and JSON logs: what SREs run the system through."""
from __future__ import annotations

import json
import logging

import httpx

from opentelemetry.sdk.trace import TracerProvider

from trust_common.clock import ManualClock
from trust_common.http import create_api
from trust_common.logs import JsonFormatter
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings


async def test_readyz_is_ready_when_database_and_kafka_answer(certification):
    async with certification.client() as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "kafka": "ok"}


async def test_readyz_is_503_naming_what_fails_when_the_database_and_kafka_are_unreachable():
    settings = CommonSettings(environment="test", service_name="unreachable",
                              database_url="postgresql+asyncpg://trust:trust@127.0.0.1:1/none",
                              kafka_bootstrap="127.0.0.1:1")
    runtime = Runtime.build(settings, clock=ManualClock())
    app = create_api(settings, title="t", description="t", routers=[], runtime=runtime)


    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
    await runtime.close()
    assert alive.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "failing", "kafka": "failing"}


async def test_metrics_count_requests_per_route_template_not_per_id(probe):
    async with probe.client() as client:
        await client.post("/probes", json={"note": "m"})
        await client.get("/v1/things/123")  # unmatched: must not create a label per path
        metrics = (await client.get("/metrics")).text
    assert 'http_requests_total{method="POST",route="/probes",status="201"}' in metrics
    assert 'route="unmatched"' in metrics
    assert "/v1/things/123" not in metrics
    assert "outbox_published_total" in metrics


def test_json_logs_carry_the_trace_and_span_ids():
    tracer = TracerProvider().get_tracer("test")
    formatter = JsonFormatter("certification")
    with tracer.start_as_current_span("work") as span:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "applied %s", ("once",), None)
        entry = json.loads(formatter.format(record))
    assert entry["message"] == "applied once"
    assert entry["service"] == "certification"
    assert entry["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert entry["span_id"] == format(span.get_span_context().span_id, "016x")

"""Health, readiness, metrics and JSON logs: what SREs run the system through
(docs/operations.md#probes)."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import REGISTRY

from trust_common.clock import ManualClock
from trust_common.health import API_CHECKS, WORKER_CHECKS, CachedCheck, KafkaCheck, operations_router
from trust_common.http import RequestMetricsMiddleware
from trust_common.logs import JsonFormatter, RepeatFilter
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP


def _operations_app(runtime: Runtime, checks) -> FastAPI:
    app = FastAPI()
    app.state.runtime = runtime
    app.include_router(operations_router(checks))
    app.add_middleware(RequestMetricsMiddleware)
    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def _unreachable_runtime() -> Runtime:
    settings = CommonSettings(environment="test", service_name="unreachable",
                              database_url="postgresql+asyncpg://trust:trust@127.0.0.1:1/none",
                              kafka_bootstrap="127.0.0.1:1")
    return Runtime.build(settings, clock=ManualClock())


async def test_api_readiness_checks_only_the_database(certification):
    async with _client(_operations_app(certification.runtime, API_CHECKS)) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    # Kafka is not the API's dependency: writes go to the outbox, so a Kafka outage keeps it serving.
    assert ready.json()["checks"] == {"database": "ok"}


async def test_an_api_stays_ready_when_kafka_is_unreachable_but_not_when_its_database_is(certification):
    settings = certification.runtime.settings.model_copy(update={"kafka_bootstrap": "127.0.0.1:1"})
    runtime = dataclasses.replace(certification.runtime, settings=settings)
    async with _client(_operations_app(runtime, API_CHECKS)) as client:
        assert (await client.get("/readyz")).status_code == 200
    unreachable = _unreachable_runtime()
    async with _client(_operations_app(unreachable, API_CHECKS)) as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
    await unreachable.close()
    assert alive.status_code == 200  # liveness never depends on a dependency
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "failing"}


async def test_worker_readiness_checks_the_database_and_kafka(certification):
    async with _client(_operations_app(certification.runtime, WORKER_CHECKS)) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "kafka": "ok"}

    unreachable = _unreachable_runtime()
    app = _operations_app(unreachable, WORKER_CHECKS)
    async with _client(app) as client:
        ready = await asyncio.wait_for(client.get("/readyz"), 10)  # a hang guard, not a timing claim
    await unreachable.close()
    await app.state.kafka_check.close()
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "failing", "kafka": "failing"}


async def test_a_burst_of_probes_runs_each_check_once():
    calls = 0

    async def dependency() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)

    check = CachedCheck(dependency, ttl=60)
    answers = await asyncio.gather(*(check.ok() for _ in range(50)))
    assert answers == [True] * 50
    assert calls == check.runs == 1


async def test_a_hanging_dependency_reads_as_failing_instead_of_hanging_the_probe():
    async def hangs() -> None:
        await asyncio.Event().wait()

    check = CachedCheck(hangs, ttl=0, timeout=0.05)
    assert await asyncio.wait_for(check.ok(), 5) is False  # the guard only stops a hang


async def test_the_kafka_check_reuses_one_admin_client():
    kafka = KafkaCheck(KAFKA_BOOTSTRAP, "readiness-test")
    try:
        await kafka()
        first = kafka._admin
        await kafka()
        assert first is not None and kafka._admin is first
    finally:
        await kafka.close()


async def test_probes_and_scrapes_are_not_counted_as_requests(certification):
    def counted(route: str) -> float:
        return sum(REGISTRY.get_sample_value("http_requests_total", {"method": "GET", "route": route, "status": s})
                   or 0.0 for s in ("200", "503"))

    before = {route: counted(route) for route in ("/healthz", "/readyz", "/metrics")}
    async with _client(_operations_app(certification.runtime, API_CHECKS)) as client:
        for path in ("/healthz", "/readyz", "/metrics"):
            assert (await client.get(path)).status_code == 200
        await client.get("/v1/nothing")  # real traffic is still counted
    assert {route: counted(route) for route in before} == before
    assert (REGISTRY.get_sample_value("http_requests_total",
                                      {"method": "GET", "route": "unmatched", "status": "404"}) or 0) >= 1


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


def test_a_repeated_error_is_written_once_per_window_with_the_count_of_the_rest():
    now = [0.0]
    repeat = RepeatFilter(window=30, clock=lambda: now[0])

    def record(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("trust_common.outbox", level, __file__, 1, msg, None, None)

    written = []
    # An outage: the same failure 10 times a second for 100 seconds.
    for tick in range(1000):
        now[0] = tick / 10
        r = record("outbox relay batch failed")
        if repeat.filter(r):
            written.append(r)
    assert len(written) == 4  # at 0 s, 30 s, 60 s, 90 s
    assert [getattr(r, "repeated", 0) for r in written] == [0, 299, 299, 299]
    # A different failure is not hidden behind the first, and info lines are never limited.
    assert repeat.filter(record("reading the outbox backlog failed"))
    assert all(repeat.filter(record("relayed", logging.INFO)) for _ in range(5))
    # The count survives into the JSON line.
    assert json.loads(JsonFormatter("svc").format(written[1]))["repeated"] == 299

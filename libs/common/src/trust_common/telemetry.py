"""Tracing set-up. Each service owns a tracer provider (its own service.name), so several
services can run in one test process and still be told apart in the exported spans."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from sqlalchemy.ext.asyncio import AsyncEngine

from trust_common.settings import CommonSettings

_memory_exporter = InMemorySpanExporter()


def memory_exporter() -> InMemorySpanExporter:
    """The exporter behind `otel_exporter = "memory"`: tests read finished spans from it."""
    return _memory_exporter


def create_tracer_provider(settings: CommonSettings) -> TracerProvider:
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.service_name,
                                  "deployment.environment": settings.environment}),
        sampler=ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)),
    )
    exporter: SpanExporter | None = None
    if settings.otel_exporter == "memory":
        provider.add_span_processor(SimpleSpanProcessor(_memory_exporter))
    elif settings.otel_exporter == "console":
        exporter = ConsoleSpanExporter()
    elif settings.otel_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()  # endpoint from OTEL_EXPORTER_OTLP_ENDPOINT
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def instrument_engine(engine: AsyncEngine, provider: trace.TracerProvider) -> None:
    """Statement spans for SQLAlchemy; statements carry parameters as binds, never values.

    The instrumentor is a process-wide singleton that honours only its first tracer
    provider, so each engine gets its own EngineTracer with its service's provider.
    """
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    usage = metrics.get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    EngineTracer(provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"), engine.sync_engine, usage)


@contextmanager
def continued_trace(carrier: Mapping[str, str] | None) -> Iterator[None]:
    """Continue the trace whose context `carrier` holds (Kafka headers, an outbox or timer row):
    spans started inside are its children, so one trace follows a flow across processes."""
    token = otel_context.attach(propagate.extract(dict(carrier or {})))
    try:
        yield
    finally:
        otel_context.detach(token)


def current_trace_ids() -> tuple[str | None, str | None]:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")

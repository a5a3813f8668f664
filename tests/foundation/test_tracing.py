"""One trace spans an HTTP request, the outbox, Kafka and the consumer in another service."""
from __future__ import annotations

from trust_common.testing.services import eventually


async def test_one_trace_covers_the_request_and_the_handling_of_its_event_in_another_service(probe, spans):
    async with probe.client() as client:
        response = await client.post("/probes", json={"note": "traced"})
    assert response.status_code == 201
    probe_id = response.json()["probe_id"]
    await eventually(lambda: probe.effects(probe_id))

    def trace_of(predicate):
        return {format(s.context.trace_id, "032x") for s in spans.get_finished_spans() if predicate(s)}

    def consumed():
        return [s for s in spans.get_finished_spans()
                if s.name.startswith("process ") and s.resource.attributes["service.name"] == "notifier"]

    await eventually(consumed)
    http_traces = trace_of(lambda s: s.kind.name == "SERVER" and s.attributes.get("http.route") == "/probes")
    publish_traces = trace_of(lambda s: s.name.startswith("publish "))
    consumer_spans = consumed()
    assert len(http_traces) == 1
    trace_id = http_traces.pop()
    assert trace_id in publish_traces
    assert trace_id in {format(s.context.trace_id, "032x") for s in consumer_spans}
    # The consumer's database work is a child of its processing span, in the same trace.
    consumer_span = next(s for s in consumer_spans if format(s.context.trace_id, "032x") == trace_id)
    children = [s for s in spans.get_finished_spans() if s.parent and s.parent.span_id == consumer_span.context.span_id]
    assert any(s.resource.attributes["service.name"] == "notifier" for s in children)

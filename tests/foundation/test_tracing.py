"""One trace spans an HTTP request, the outbox, Kafka and the consumer in another service."""
from __future__ import annotations

from trust_common.testing.services import eventually


def _trace(span) -> str:
    return format(span.context.trace_id, "032x")


async def test_one_trace_covers_the_request_and_the_handling_of_its_event_in_another_service(probe, spans):
    async with probe.client() as client:
        response = await client.post("/probes", json={"note": "traced"})
    assert response.status_code == 201
    finished = spans.get_finished_spans
    server = [s for s in finished() if s.kind.name == "SERVER" and s.attributes.get("http.route") == "/probes"]
    assert len(server) == 1
    trace_id = _trace(server[0])

    def consumer_span():
        return next((s for s in finished() if s.name.startswith("process ") and _trace(s) == trace_id
                     and s.attributes.get("messaging.consumer.group.name") == "probe-consumer"), None)

    consumer = await eventually(consumer_span)
    assert consumer.resource.attributes["service.name"] == "notifier"
    publish = [s for s in finished() if s.name.startswith("publish ") and _trace(s) == trace_id]
    assert len(publish) == 1 and publish[0].resource.attributes["service.name"] == "certification"
    assert consumer.parent.span_id == publish[0].context.span_id
    # The consumer's database work is a child of its processing span, in the same trace.
    children = [s for s in finished() if s.parent and s.parent.span_id == consumer.context.span_id]
    assert any(s.resource.attributes["service.name"] == "notifier" and s.name.startswith("INSERT")
               for s in children)

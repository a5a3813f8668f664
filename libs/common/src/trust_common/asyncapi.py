"""The bus as a contract: an AsyncAPI 3 document generated from the event registry, and the
check that a schema change cannot break a consumer without a new version (issue 15).

Everything comes from code that already runs: the contracts (`trust_common.events`) say
topic, key and data; each service's `SERVICE.events` says what it consumes; a service
produces the contracts of its own topic (`<service>.events`), the platform's systems those of
`platform.*`. Consuming teams read `docs/events.md`; `python -m trust_common.cli.contracts`
writes and checks `docs/asyncapi.json`.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic.json_schema import models_json_schema

from trust_common.events import EventEnvelope, registered_contracts
from trust_common.kafka import DEAD_LETTER_TOPICS

ASYNCAPI_VERSION = "3.0.0"
# The services of this repository, by package; whichever are installed are described.
SERVICE_PACKAGES = ("certification", "employee_accounts", "shop_binding", "notifier")
REF = "#/components/schemas/{model}"
KAFKA_BINDING = "0.5.0"


def installed_services() -> list[Any]:
    """The `SERVICE` of every service package importable here (all four in the repository)."""
    services = []
    for package in SERVICE_PACKAGES:
        try:
            services.append(importlib.import_module(f"{package}.bootstrap").SERVICE)
        except ImportError:
            continue
    return services


def message_id(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def _producer(topic: str) -> str:
    return topic.split(".", 1)[0] if topic.endswith(".events") else "platform"


def asyncapi_document(contracts: Mapping[tuple[str, int], type[Any]] | None = None,
                      services: Iterable[Any] | None = None, *, version: str = "1.0.0") -> dict[str, Any]:
    """The AsyncAPI 3 document of the bus. `contracts` maps (type, version) to a contract class
    (default: the registry); `services` are the consumers (default: the installed services)."""
    if contracts is None:  # the published contracts, not ones a test defined for itself
        contracts = {key: contract for key, contract in registered_contracts().items()
                     if contract.__module__.startswith("trust_common.contracts.")}
    contracts = dict(sorted(contracts.items()))
    services = list(services if services is not None else installed_services())
    consumers: dict[tuple[str, int], list[str]] = {}
    for service in services:
        for contract in service.events:
            consumers.setdefault((contract.event_type, contract.version), []).append(service.name)

    keys = list(contracts)
    refs, top = models_json_schema([(contracts[k], "serialization") for k in keys], ref_template=REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    envelope = EventEnvelope.model_json_schema(ref_template=REF)
    envelope["properties"]["data"] = {"type": "object",
                                      "description": "the event's own data (see `payload` of each message)"}
    schemas["EventEnvelope"] = envelope

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for key in keys:
        contract = contracts[key]
        event_type, event_version = key
        mid = message_id(event_type, event_version)
        data_ref = {"$ref": refs[(contract, "serialization")]["$ref"]}
        consumed_by = sorted(consumers.get(key, []))
        messages[mid] = {
            "name": event_type, "title": f"{event_type} v{event_version}",
            "summary": (contract.__doc__ or "").strip().split("\n\n")[0] or event_type,
            "contentType": "application/json",
            "headers": {"type": "object", "properties": {
                "event-type": {"type": "string", "const": event_type},
                "traceparent": {"type": "string", "description": "W3C trace context of the producing request"}}},
            "payload": {"allOf": [{"$ref": REF.format(model="EventEnvelope")}, {
                "type": "object", "required": ["type", "version", "aggregate_type", "data"],
                "properties": {"type": {"const": event_type}, "version": {"const": event_version},
                               "aggregate_type": {"const": contract.aggregate_type}, "data": data_ref}}]},
            "bindings": {"kafka": {"bindingVersion": KAFKA_BINDING, "key": {
                "type": "string", "description": f"the aggregate id: data.{contract.aggregate_field}"}}},
            "x-event-type": event_type, "x-event-version": event_version,
            "x-aggregate-type": contract.aggregate_type, "x-key-field": contract.aggregate_field,
            "x-producer": _producer(contract.topic), "x-consumers": consumed_by,
        }
        channel = channels.setdefault(contract.topic, {
            "address": contract.topic,
            "description": (f"Produced by {_producer(contract.topic)}. Key: the aggregate id; events of one "
                            "aggregate are on one partition, in `sequence` order. The physical topic name is "
                            "TRUST_TOPIC_PREFIX + this address."),
            "messages": {}, "bindings": {"kafka": {"bindingVersion": KAFKA_BINDING, "topic": contract.topic}}})
        channel["messages"][mid] = {"$ref": f"#/components/messages/{mid}"}
        send = operations.setdefault(f"{_producer(contract.topic)}.publishes.{contract.topic}", {
            "action": "send", "channel": {"$ref": f"#/channels/{_pointer(contract.topic)}"}, "messages": []})
        send["messages"].append({"$ref": f"#/channels/{_pointer(contract.topic)}/messages/{mid}"})
        for consumer in consumed_by:
            receive = operations.setdefault(f"{consumer}.consumes.{contract.topic}", {
                "action": "receive", "channel": {"$ref": f"#/channels/{_pointer(contract.topic)}"}, "messages": []})
            receive["messages"].append({"$ref": f"#/channels/{_pointer(contract.topic)}/messages/{mid}"})
    for topic in DEAD_LETTER_TOPICS:
        owner = topic.split(".", 1)[0]
        channels[topic] = {
            "address": topic,
            "description": (f"Dead letters of {owner}: a message its worker could not process, parked unchanged "
                            "(same key and value) with headers dlt-original-topic, dlt-original-partition, "
                            "dlt-original-offset, dlt-consumer, dlt-attempts, dlt-error. Operators replay them "
                            "with trust-dlt."),
            "bindings": {"kafka": {"bindingVersion": KAFKA_BINDING, "topic": topic}}}
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "Business-account trust: events", "version": version,
                 "description": "Every event on the bus: topics, keys, the envelope, and each event type and "
                                "version with its JSON Schema, producer and consumers. Guide: docs/events.md."},
        "defaultContentType": "application/json",
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "messages": messages},
    }


def _pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


# -- compatibility ------------------------------------------------------------------------


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What in `new` breaks a consumer of `old`, per event type and version: the version gone, a
    field removed or renamed, a type changed, a field newly required, an enum value removed. A new
    optional field or a new version is compatible."""
    found: list[str] = []
    old_messages = old.get("components", {}).get("messages", {})
    new_messages = new.get("components", {}).get("messages", {})
    for mid, message in sorted(old_messages.items()):
        if mid not in new_messages:
            found.append(f"{mid}: event version removed")
            continue
        found += _compare(old, new, message["payload"], new_messages[mid]["payload"], f"{mid}: payload")
    return found


def _resolve(doc: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 32:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
        seen += 1
    return schema


def _alternatives(doc: Mapping[str, Any], schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    schema = _resolve(doc, schema)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return [alt for member in schema[combinator] for alt in _alternatives(doc, member)]
    if "allOf" in schema:  # merge: properties and required of every part
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            for alt in _alternatives(doc, part):
                merged["properties"].update(alt.get("properties", {}))
                merged["required"] += alt.get("required", [])
                if "type" in alt:
                    merged["type"] = alt["type"]
        return [merged]
    return [schema]


def _types(alts: list[Mapping[str, Any]]) -> set[str]:
    types: set[str] = set()
    for alt in alts:
        declared = alt.get("type")
        if declared is None and "const" in alt:
            declared = type(alt["const"]).__name__
        if declared is None and "properties" in alt:
            declared = "object"
        types.update(declared if isinstance(declared, list) else [declared or "any"])
    return types


def _compare(old_doc: Mapping[str, Any], new_doc: Mapping[str, Any], old: Mapping[str, Any],
             new: Mapping[str, Any], where: str) -> list[str]:
    found: list[str] = []
    olds, news = _alternatives(old_doc, old), _alternatives(new_doc, new)
    old_types, new_types = _types(olds), _types(news)
    if old_types != new_types and "any" not in new_types:
        found.append(f"{where}: type changed from {sorted(old_types)} to {sorted(new_types)}")
    old_enum = {v for alt in olds for v in alt.get("enum", [alt["const"]] if "const" in alt else [])}
    new_enum = {v for alt in news for v in alt.get("enum", [alt["const"]] if "const" in alt else [])}
    if old_enum and new_enum and old_enum - new_enum:
        found.append(f"{where}: enum values removed: {sorted(map(str, old_enum - new_enum))}")
    old_obj = next((alt for alt in olds if "properties" in alt), None)
    new_obj = next((alt for alt in news if "properties" in alt), None)
    if old_obj is not None and new_obj is not None:
        old_props, new_props = old_obj.get("properties", {}), new_obj.get("properties", {})
        for name in sorted(set(old_props) - set(new_props)):
            found.append(f"{where}.{name}: field removed or renamed")
        for name in sorted(set(new_obj.get("required", [])) - set(old_obj.get("required", []))):
            found.append(f"{where}.{name}: field newly required")
        for name in sorted(set(old_props) & set(new_props)):
            found += _compare(old_doc, new_doc, old_props[name], new_props[name], f"{where}.{name}")
    old_items = next((alt["items"] for alt in olds if isinstance(alt.get("items"), dict)), None)
    new_items = next((alt["items"] for alt in news if isinstance(alt.get("items"), dict)), None)
    if old_items is not None and new_items is not None:
        found += _compare(old_doc, new_doc, old_items, new_items, f"{where}[]")
    return found

"""The AsyncAPI document of the bus (issue 15 item 4): generated from the contracts, served by
every service, and the CI check that refuses a breaking schema change without a new version."""
from __future__ import annotations

import copy
import importlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from trust_common.asyncapi import asyncapi_document, breaking_changes, message_id
from trust_common.events import registered_contracts
from trust_common.kafka import DEAD_LETTER_TOPICS

from tests.contracts.published import PACKAGES

COMMITTED = Path(__file__).parents[2] / "docs" / "asyncapi.json"


def test_no_committed_event_version_is_broken() -> None:
    """The CI check: every event type and version in docs/asyncapi.json still reads the same way.
    Fix a failure with a new version of the event, not by editing the old one."""
    committed = json.loads(COMMITTED.read_text())
    assert committed["asyncapi"].startswith("3.")
    assert breaking_changes(committed, asyncapi_document()) == []


def test_the_check_fails_on_a_breaking_edit_of_the_committed_document() -> None:
    # The same comparison as above, on the committed document with one field of a real event gone.
    committed = json.loads(COMMITTED.read_text())
    current = asyncapi_document()
    ref = current["components"]["messages"][next(iter(current["components"]["messages"]))]["payload"]
    data_schema = current["components"]["schemas"][ref["allOf"][1]["properties"]["data"]["$ref"].rsplit("/", 1)[-1]]
    removed = sorted(data_schema["properties"])[0]
    broken = copy.deepcopy(current)
    del broken["components"]["schemas"][ref["allOf"][1]["properties"]["data"]["$ref"].rsplit("/", 1)[-1]][
        "properties"][removed]
    changes = breaking_changes(committed, broken)
    assert any(change.endswith(f".{removed}: field removed or renamed") for change in changes), changes


# -- a deliberately breaking fixture: version 1 of an event as committed, then edits of it ----------


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Item(BaseModel):
    sku: str
    quantity: int


class _Fixture(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    event_type: ClassVar[str] = "fixture.thing.happened"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = "fixture.events"
    aggregate_type: ClassVar[str] = "thing"
    aggregate_field: ClassVar[str] = "thing_id"


class Committed(_Fixture):
    thing_id: str
    colour: Colour
    items: list[Item]
    note: str | None = None


class NewOptionalField(Committed):
    comment: str | None = None


class RemovedField(_Fixture):
    thing_id: str
    colour: Colour
    items: list[Item]


class RenamedField(_Fixture):
    thing_id: str
    color: Colour
    items: list[Item]
    note: str | None = None


class ChangedType(_Fixture):
    thing_id: int
    colour: Colour
    items: list[Item]
    note: str | None = None


class NewlyRequired(Committed):
    reason: str


class OnlyRed(StrEnum):
    RED = "red"


class RemovedEnumValue(_Fixture):
    thing_id: str
    colour: OnlyRed
    items: list[Item]
    note: str | None = None


class NestedItemV2(BaseModel):
    sku: str
    quantity: str  # was an integer


class ChangedNestedType(_Fixture):
    thing_id: str
    colour: Colour
    items: list[NestedItemV2]
    note: str | None = None


class VersionTwo(RemovedField):
    version: ClassVar[int] = 2


def _document(*contracts: type[_Fixture]) -> dict[str, Any]:
    return asyncapi_document({(c.event_type, c.version): c for c in contracts}, services=[])


@pytest.mark.parametrize(("edited", "expected"), [
    (RemovedField, "payload.data.note: field removed or renamed"),
    (RenamedField, "payload.data.colour: field removed or renamed"),
    (RenamedField, "payload.data.color: field newly required"),
    (ChangedType, "payload.data.thing_id: type changed from ['string'] to ['integer']"),
    (NewlyRequired, "payload.data.reason: field newly required"),
    (RemovedEnumValue, "payload.data.colour: enum values removed: ['blue']"),
    (ChangedNestedType, "payload.data.items[].quantity: type changed from ['integer'] to ['string']"),
])
def test_a_breaking_change_without_a_new_version_fails_the_check(edited: type[_Fixture], expected: str) -> None:
    changes = breaking_changes(_document(Committed), _document(edited))
    assert f"{message_id('fixture.thing.happened', 1)}: {expected}" in changes, changes


def test_a_new_optional_field_is_compatible() -> None:
    assert breaking_changes(_document(Committed), _document(NewOptionalField)) == []


def test_a_breaking_change_as_a_new_version_is_compatible_and_dropping_the_old_one_is_not() -> None:
    assert breaking_changes(_document(Committed), _document(Committed, VersionTwo)) == []
    assert breaking_changes(_document(Committed), _document(VersionTwo)) == [
        "fixture.thing.happened.v1: event version removed"]


# -- what the document says ---------------------------------------------------------------------


def test_every_contract_is_a_message_on_its_topic_with_producer_and_consumers() -> None:
    document = asyncapi_document()
    services = [importlib.import_module(f"{package}.bootstrap").SERVICE for package in PACKAGES]
    for (event_type, version), contract in registered_contracts().items():
        if not contract.__module__.startswith("trust_common.contracts."):
            continue  # a contract a test defined for itself is not published
        mid = message_id(event_type, version)
        message = document["components"]["messages"][mid]
        assert mid in document["channels"][contract.topic]["messages"]
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["x-key-field"] == contract.aggregate_field
        expected = sorted(s.name for s in services if contract in s.events)
        assert message["x-consumers"] == expected
        for consumer in expected:
            refs = document["operations"][f"{consumer}.consumes.{contract.topic}"]["messages"]
            assert {"$ref": f"#/channels/{contract.topic}/messages/{mid}"} in refs
        assert message["x-producer"] == (contract.topic.split(".")[0] if contract.topic.endswith(".events")
                                         else "platform")
    assert set(DEAD_LETTER_TOPICS) <= set(document["channels"])
    # every $ref points at something in the document
    text = json.dumps(document)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/')[1:]}:
        node: Any = document
        for step in ref.split("/"):
            node = node[step.replace("~1", "/").replace("~0", "~")]


@pytest.mark.parametrize("package", PACKAGES)
async def test_each_service_serves_the_document(package: str) -> None:
    service = importlib.import_module(f"{package}.bootstrap").SERVICE
    app = service.create_app(service.settings(environment="test"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        answer = await client.get("/asyncapi.json")
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(asyncapi_document()))


# The AsyncAPI 3.0.0 JSON Schema, from the npm package @asyncapi/specs 6.11.1 (Apache-2.0),
# file schemas/3.0.0-without-$id.json, kept here so the check runs offline.
SPEC = Path(__file__).parent / "asyncapi-3.0.0.schema.json"


def _spec_errors(document: dict[str, Any]) -> list[str]:
    import jsonschema

    spec = json.loads(SPEC.read_text())
    validator = jsonschema.validators.validator_for(spec)(spec)
    return [f"{list(error.path)}: {error.message[:200]}" for error in validator.iter_errors(document)]


def test_the_document_is_valid_asyncapi_3() -> None:
    assert _spec_errors(asyncapi_document()) == []


def test_the_specification_check_can_fail() -> None:
    document = asyncapi_document()
    operation = next(iter(document["operations"]))
    document["operations"][operation]["action"] = "publish"  # AsyncAPI 2 wording, not 3
    assert _spec_errors(document) != []

"""A minimal producer and consumer built only from libs/common, to prove its machinery
(outbox, relay, Kafka, inbox, traces, idempotency) independently of any service's rules."""
from __future__ import annotations

import asyncio
import uuid

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from trust_common.auth import CurrentPrincipal
from trust_common.events import EventData, EventEnvelope
from trust_common.uow import UnitOfWork


class ProbeRecorded(EventData):
    event_type = "tests.probe.recorded"
    topic = "certification.events"
    aggregate_type = "probe"
    aggregate_field = "probe_id"

    probe_id: str
    note: str


class ProbeIn(BaseModel):
    note: str


router = APIRouter()
release_slow = asyncio.Event()
entered_slow = asyncio.Event()


@router.post("/probes", status_code=201)
async def record_probe(body: ProbeIn, request: Request, principal: CurrentPrincipal) -> dict[str, str]:
    probe_id = str(uuid.uuid4())
    async with request.app.state.runtime.uow() as uow:
        uow.emit(ProbeRecorded(probe_id=probe_id, note=body.note))
        await uow.commit()
    return {"probe_id": probe_id, "note": body.note}


# Notes whose request "dies" right after its unit of work committed, before it answers.
die_after_commit: set[str] = set()
died = asyncio.Event()


@router.post("/probes/then-die", status_code=201)
async def record_probe_then_die(body: ProbeIn, request: Request, principal: CurrentPrincipal) -> dict[str, str]:
    probe_id = str(uuid.uuid4())
    async with request.app.state.runtime.uow() as uow:
        uow.emit(ProbeRecorded(probe_id=probe_id, note=body.note))
        await uow.commit()
    if body.note in die_after_commit:
        die_after_commit.discard(body.note)
        died.set()
        await asyncio.Event().wait()  # the process is killed here: the test cancels this request
    return {"probe_id": probe_id, "note": body.note}


@router.post("/probes/secret", status_code=201)
async def issue_secret(body: ProbeIn, principal: CurrentPrincipal, response: Response) -> dict[str, str]:
    response.headers["Cache-Control"] = "no-store"
    return {"secret": uuid.uuid4().hex}


@router.post("/probes/slow", status_code=201)
async def record_probe_slowly(body: ProbeIn, principal: CurrentPrincipal) -> dict[str, str]:
    entered_slow.set()
    await release_slow.wait()
    return {"probe_id": str(uuid.uuid4()), "note": body.note}


EFFECTS_TABLE = "CREATE TABLE IF NOT EXISTS probe_effects (probe_id text NOT NULL, event_id uuid NOT NULL)"


# Notes whose handling fails until a test "fixes" the downstream problem.
broken_notes: set[str] = set()
# Notes whose handling meets a database outage this many more times.
outages: dict[str, int] = {}


async def apply_probe(event: ProbeRecorded, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """The consumer's effect: one row per handled event, so duplicates would be visible."""
    if event.note in broken_notes:
        raise RuntimeError(f"downstream refuses {event.note!r}")
    if outages.get(event.note, 0) > 0:
        outages[event.note] -= 1
        raise OperationalError("INSERT INTO probe_effects", {}, ConnectionResetError("connection lost"))
    await uow.session.execute(text("INSERT INTO probe_effects (probe_id, event_id) VALUES (:p, :e)"),
                              {"p": event.probe_id, "e": envelope.event_id})

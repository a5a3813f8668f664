"""A service is declared once and wired by parameter name (STYLE 13): what a handler asks for
is what it gets, a dependency nobody provides fails at start, not at the first request."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from trust_common.clock import ManualClock
from trust_common.service import Service, WiringError, handlers, inject
from trust_common.settings import CommonSettings


@dataclass(frozen=True)
class Adapters:
    payments: str


async def pay(command: str, uow: Any, payments: str, settings: CommonSettings) -> tuple[Any, ...]:
    return command, uow, payments, settings.service_name


async def no_dependencies(command: str) -> str:
    return command


async def wants_unknown(command: str, mailer: Any) -> None:
    raise AssertionError("never called")


async def test_a_handler_gets_by_name_what_it_declares_and_per_call_only_what_it_takes():
    settings = CommonSettings(service_name="svc")
    named = {"payments": "fake-payments", "settings": settings, "clock": ManualClock()}
    assert await inject(pay, named)("cmd", uow="the-uow", envelope="ignored") == (
        "cmd", "the-uow", "fake-payments", "svc")
    assert await inject(no_dependencies, named)("cmd", uow="the-uow") == "cmd"


def test_a_dependency_the_service_does_not_provide_fails_at_wiring():
    with pytest.raises(WiringError, match="mailer"):
        inject(wants_unknown, {"settings": CommonSettings()})


def test_event_handler_groups_run_in_the_order_they_are_given():
    async def project(event: Any) -> None: ...
    async def react(event: Any) -> None: ...
    merged = handlers({int: project}, {int: [react], str: react})
    assert merged == {int: [project, react], str: [react]}


def test_tables_are_mapped_once_however_many_runtimes_a_process_builds():
    calls: list[int] = []
    service = Service(name="svc", title="t", description="d", settings=CommonSettings, migrations=Path("."),
                      mappers=lambda: calls.append(1), adapters=lambda runtime: Adapters(payments="p"))
    service.map_tables()
    service.map_tables()
    assert calls == [1]

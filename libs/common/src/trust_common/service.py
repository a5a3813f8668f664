"""A service is declared once; this module turns the declaration into its processes.

Each service's `bootstrap.SERVICE` names its settings class, routers, command handlers, event
handlers (a list per contract, run in order), timer handlers, adapters, unit of work, ORM
mapping and constraint problems. From that one value come the API (`create_app`), the worker
(`worker_spec`), the migrations (`migrate`) and the test harness — and the console scripts
`<service>-api`, `<service>-worker`, `<service>-migrate` point at its bound methods.

Handlers receive their dependencies by parameter name, as cosmicpython's bootstrap injects
them: the first parameter is the message; `uow` (and, for events, `envelope`) come with each
call; every other parameter is looked up by name among `settings`, `clock` and the fields of
the service's adapters, once, when the service is wired.
"""
from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData

from trust_common.events import EventData
from trust_common.messagebus import MessageBus
from trust_common.problems import Problem
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings, load_settings
from trust_common.uow import UnitOfWork
from trust_common.worker import WorkerSpec

S = TypeVar("S", bound=CommonSettings)
Handler = Callable[..., Awaitable[Any]]
# Arguments that change with every call; everything else a handler names is wired once.
PER_CALL = frozenset({"uow", "envelope"})


class WiringError(TypeError):
    """A handler asks for a dependency the service does not provide."""


def _no_adapters(_runtime: Runtime[Any]) -> None:
    return None


def _no_mapping() -> None:
    return None


@dataclass(frozen=True, eq=False)
class Service(Generic[S]):
    """Everything that makes one service; `libs/common` builds its processes from it."""

    name: str  # "shop-binding": the service's name in topics, metrics and console scripts
    title: str
    description: str
    settings: type[S]
    migrations: Path  # this service's migrations directory (its versions/ beside the common branch)
    routers: Sequence[APIRouter] = ()
    commands: Mapping[type, Handler] = field(default_factory=dict)
    events: Mapping[type[EventData], Sequence[Handler]] = field(default_factory=dict)
    timers: Mapping[str, Handler] = field(default_factory=dict)
    # Builds the adapters once per process: a dataclass whose fields handlers ask for by name.
    adapters: Callable[[Runtime[S]], Any] = _no_adapters
    unit_of_work: type[UnitOfWork] = UnitOfWork
    # Maps the domain classes onto the tables (imperative mapping); run once per process.
    mappers: Callable[[], None] = _no_mapping
    metadata: MetaData | None = None
    constraint_problems: Mapping[str, Callable[[], Problem]] = field(default_factory=dict)
    version: str = "1.0.0"

    @cached_property
    def _mapped(self) -> bool:
        self.mappers()
        return True

    def map_tables(self) -> None:
        """Map the domain classes once, however many runtimes a process builds."""
        _ = self._mapped

    def runtime(self, settings: S | None = None, **options: Any) -> Runtime[S]:
        """The shared resources of one process of this service."""
        self.map_tables()
        runtime = Runtime.build(settings or self.settings(), unit_of_work=self.unit_of_work, **options)
        runtime.adapters = self.adapters(runtime)
        return runtime

    def dependencies(self, runtime: Runtime[S]) -> dict[str, Any]:
        """What handlers may ask for by name."""
        # `uow_factory`: a unit of work of the handler's own, for a step that must commit apart from the
        # message's (e.g. the notifier records a send the moment it is accepted, NOTE-4).
        named: dict[str, Any] = {"settings": runtime.settings, "clock": runtime.clock, "uow_factory": runtime.uow}
        if dataclasses.is_dataclass(runtime.adapters):
            named.update({f.name: getattr(runtime.adapters, f.name) for f in dataclasses.fields(runtime.adapters)})
        return named

    def bus(self, runtime: Runtime[S]) -> MessageBus:
        """The message bus of the API: each command to its one handler, in a fresh unit of work."""
        named = self.dependencies(runtime)
        handlers = {command: _for_commands(inject(handler, named)) for command, handler in self.commands.items()}
        return MessageBus(runtime.uow, handlers, constraint_problems=self.constraint_problems)

    def worker_spec(self, runtime: Runtime[S]) -> WorkerSpec:
        """What the worker consumes (handlers per contract, in order) and which timers it fires."""
        named = self.dependencies(runtime)
        events = {contract: _for_events([inject(h, named) for h in handlers])
                  for contract, handlers in self.events.items()}
        timers = {kind: _for_timers(inject(handler, named)) for kind, handler in self.timers.items()}
        return WorkerSpec(handlers=events, timers=timers)

    def create_app(self, settings: S | None = None, *, runtime: Runtime[S] | None = None) -> FastAPI:
        """The FastAPI app of this service's API process."""
        from trust_common.http import create_api

        runtime = runtime or self.runtime(settings)
        return create_api(runtime, title=self.title, description=self.description, routers=self.routers,
                          bus=self.bus(runtime), version=self.version)

    # Console scripts point at these (`shop-binding-api = "shop_binding.bootstrap:SERVICE.run_api"`).
    def run_api(self) -> None:
        """Serve the API until SIGTERM; in production also the internal port (docs, schema, metrics)."""
        from trust_common.http import serve_api

        settings = load_settings(self.settings)
        serve_api(self.create_app(settings), settings)

    def run_worker(self) -> None:
        """Run the outbox relay, consumers and timers until SIGTERM."""
        from trust_common import worker
        from trust_common.logs import configure_logging

        settings = load_settings(self.settings)
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        runtime = self.runtime(settings)
        asyncio.run(worker.serve(runtime, self.worker_spec(runtime)))

    def migrate(self, database_url: str | None = None) -> None:
        """Apply this service's migrations and the common branch (blocking)."""
        from trust_common import migrations

        url = database_url or load_settings(self.settings).database_url.get_secret_value()
        migrations.upgrade(self.migrations, url)


def handlers(*groups: Mapping[type[EventData], Handler | Sequence[Handler]]) -> dict[type[EventData], list[Handler]]:
    """Merge event handler groups: a contract named in several runs their handlers in that order."""
    merged: dict[type[EventData], list[Handler]] = {}
    for group in groups:
        for contract, handler in group.items():
            merged.setdefault(contract, []).extend(handler if isinstance(handler, Sequence) else [handler])
    return merged


def inject(handler: Handler, named: Mapping[str, Any]) -> Handler:
    """Bind the dependencies `handler` asks for by name; the result takes the message and the
    per-call arguments (`uow`, `envelope`) and passes on only those the handler declares."""
    parameters = list(inspect.signature(handler).parameters.values())[1:]
    missing = [p.name for p in parameters
               if p.name not in named and p.name not in PER_CALL and p.default is inspect.Parameter.empty]
    if missing:
        raise WiringError(f"{handler.__qualname__} asks for {missing}, which the service does not provide")
    bound = {p.name: named[p.name] for p in parameters if p.name in named and p.name not in PER_CALL}
    per_call = [p.name for p in parameters if p.name in PER_CALL]

    async def call(message: Any, **context: Any) -> Any:
        return await handler(message, **bound, **{name: context[name] for name in per_call})

    call.__qualname__ = call.__name__ = handler.__qualname__
    return call


def _for_commands(handler: Handler) -> Callable[[Any, UnitOfWork], Awaitable[Any]]:
    async def run(command: Any, uow: UnitOfWork) -> Any:
        return await handler(command, uow=uow)
    return run


def _for_events(chain: Iterable[Handler]) -> Callable[..., Awaitable[None]]:
    steps = list(chain)

    async def run(event: Any, envelope: Any, uow: UnitOfWork) -> None:
        for step in steps:
            await step(event, envelope=envelope, uow=uow)
    return run


def _for_timers(handler: Handler) -> Callable[..., Awaitable[None]]:
    async def run(timer: Any, uow: UnitOfWork) -> None:
        await handler(timer, uow=uow)
    return run

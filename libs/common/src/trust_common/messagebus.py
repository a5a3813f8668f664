"""The message bus: routes a command to its one handler inside a fresh unit of work.

A race lost to another request (a unique index or an optimistic version check refusing the
write) leaves as a 409 problem, mapped here once; a service names its constraints to give
those conflicts their rule and wording.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from trust_common.problems import Conflict, Problem
from trust_common.uow import UnitOfWork

CommandHandler = Callable[[Any, UnitOfWork], Awaitable[Any]]
UNIQUE_VIOLATION = "23505"


class ConcurrentChange(Conflict):
    slug, title = "concurrent-change", "Changed by another request"


class MessageBus:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], handlers: Mapping[type, CommandHandler], *,
                 constraint_problems: Mapping[str, Callable[[], Problem]] | None = None) -> None:
        self._uow_factory = uow_factory
        self._handlers = dict(handlers)
        self._constraint_problems = dict(constraint_problems or {})

    async def handle(self, command: Any) -> Any:
        """Run the command's handler; the handler commits through the unit of work."""
        handler = self._handlers[type(command)]
        async with self._uow_factory() as uow:
            try:
                return await handler(command, uow)
            except StaleDataError as error:
                raise ConcurrentChange("another request changed this first; reload it and try again") from error
            except IntegrityError as error:
                if _sqlstate(error) != UNIQUE_VIOLATION:
                    raise  # a bug, not a race: let it be seen
                raise self._lost_race(error) from error

    def _lost_race(self, error: IntegrityError) -> Problem:
        text = str(error.orig)
        for constraint, problem in self._constraint_problems.items():
            if constraint in text:
                return problem()
        return ConcurrentChange("another request made the same change first; reload and try again")


def _sqlstate(error: IntegrityError) -> str | None:
    orig = error.orig
    return getattr(orig, "sqlstate", None) or getattr(getattr(orig, "__cause__", None), "sqlstate", None)

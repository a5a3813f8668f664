"""The message bus: routes a command to its one handler inside a fresh unit of work."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from trust_common.uow import UnitOfWork

CommandHandler = Callable[[Any, UnitOfWork], Awaitable[Any]]


class MessageBus:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], handlers: Mapping[type, CommandHandler]) -> None:
        self._uow_factory = uow_factory
        self._handlers = dict(handlers)

    async def handle(self, command: Any) -> Any:
        """Run the command's handler; the handler commits through the unit of work."""
        handler = self._handlers[type(command)]
        async with self._uow_factory() as uow:
            return await handler(command, uow)

"""Telling an outage of the database or Kafka from a fault of the work itself: an outage says
nothing about the request or message, so it is waited out (workers) or answered 503 with
Retry-After (APIs), never blamed on the input."""
from __future__ import annotations

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# What an API tells a client to wait before retrying while the database is away.
RETRY_AFTER_SECONDS = 5


def is_outage(error: BaseException) -> bool:
    """True when the error is about reaching the database or Kafka, not about the work."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OperationalError, InterfaceError, asyncpg.PostgresConnectionError,
                              asyncpg.CannotConnectNowError, KafkaConnectionError, KafkaTimeoutError,
                              ConnectionError, TimeoutError))

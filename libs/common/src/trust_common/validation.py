"""Shapes of request input every service shares: identifiers and text the database can store.

PostgreSQL text cannot hold a NUL character and jsonb cannot hold `\\u0000`; identifiers never hold
control characters and are no longer than the columns they are compared with. Path and query
parameters and request bodies are annotated with these, so bad input is a 422 problem naming the
parameter, never a database error.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, StringConstraints

SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"
"""One line of text: no control characters (NUL, newlines, escapes)."""
MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""Free text: tabs and line breaks allowed, no other control character."""
ID_MAX_LENGTH = 100
"""The widest id column (platform accounts, shops, enterprises: String(100))."""


def line(max_length: int, *, min_length: int = 1) -> Any:
    """A single line of 1 (or `min_length`) to `max_length` characters."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=SINGLE_LINE)]


def text(max_length: int, *, min_length: int = 0) -> Any:
    """Free text of at most `max_length` characters; line breaks allowed."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=MULTI_LINE)]


Id = line(ID_MAX_LENGTH)
"""An identifier in a path, a query or a body: 1 to 100 characters, no control characters."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_id(value: str) -> bool:
    """Whether `value` has the shape of `Id`, for ids read from elsewhere than a schema (a CSV row)."""
    return 1 <= len(value) <= ID_MAX_LENGTH and _CONTROL.search(value) is None


INSTANT_MAX_YEAR = 9000
"""Later instants leave no room for the deadlines computed from them (datetime ends at 9999)."""


def _in_utc(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("is out of the range of dates") from error
    if not 1 < value.year <= INSTANT_MAX_YEAR:
        raise ValueError(f"must fall between the years 2 and {INSTANT_MAX_YEAR}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
"""A point in time given by a client: with its UTC offset, so it compares with the service's clock,
and within a range every computation and the database can hold; normalised to UTC."""

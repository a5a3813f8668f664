"""Cursor (keyset) pagination: stable under inserts, opaque to clients."""
from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from trust_common.problems import Invalid

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None

    @classmethod
    def of(cls, model: type[M], rows: Iterable[Any], next_cursor: str | None) -> Page[M]:
        """A page of `model`s validated from the rows a listing returned."""
        return Page[model](items=[model.model_validate(row) for row in rows],  # type: ignore[valid-type]
                           next_cursor=next_cursor)


@dataclass(frozen=True)
class PageRequest:
    """Where a listing resumes (`cursor`, opaque) and how many items it returns."""

    cursor: str | None = None
    limit: int | None = None


def page_request(cursor: str | None = None, limit: int | None = None) -> PageRequest:
    return PageRequest(cursor=cursor, limit=limit)


# A list route's `?cursor=&limit=`: `page: ListQuery`.
ListQuery = Annotated[PageRequest, Depends(page_request)]


def encode_cursor(values: tuple[Any, ...]) -> str:
    encoded = [{"dt": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(encoded, separators=(",", ":")).encode()).decode().rstrip("=")


# Far above any cursor this API issues (a few keys); a longer one is refused before decoding.
MAX_CURSOR_LENGTH = 1024


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    """The key values a cursor carries; anything this API did not issue is a 400, whatever its shape."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise Invalid("the cursor is not one this API issued", parameter="cursor")
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list):
            raise TypeError("a cursor is a list of key values")
        return tuple(datetime.fromisoformat(v["dt"]) if isinstance(v, dict) else v for v in raw)
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        # RecursionError: deeply nested brackets exhaust the JSON parser's stack.
        raise Invalid("the cursor is not one this API issued", parameter="cursor") from error


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", parameter="limit")
    return limit


_BIGINT = 2**63


def _fits(value: Any, key: ColumnElement[Any]) -> bool:
    """Whether a decoded cursor value can be compared with its key column (a forged cursor cannot)."""
    expected = key.type.python_type
    if isinstance(value, bool) or not isinstance(value, expected):
        return False
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if isinstance(value, int):
        return -_BIGINT <= value < _BIGINT
    if isinstance(value, str):
        return "\x00" not in value and len(value) <= (getattr(key.type, "length", None) or len(value))
    return True


async def paginate(session: AsyncSession, stmt: Select[Any], keys: list[ColumnElement[Any]], page: PageRequest,
                   *, descending: bool = False) -> tuple[list[Any], str | None]:
    """Run `stmt` ordered by `keys` (unique together) from the page's cursor; returns rows and the
    next cursor."""
    limit, cursor = check_limit(page.limit), page.cursor
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != len(keys) or not all(_fits(v, k) for v, k in zip(values, keys, strict=True)):
            raise Invalid("the cursor does not belong to this listing", parameter="cursor")
        position = tuple_(*keys)
        stmt = stmt.where(position < tuple_(*values) if descending else position > tuple_(*values))
    stmt = stmt.order_by(*[k.desc() if descending else k.asc() for k in keys]).limit(limit + 1)
    rows = list((await session.execute(stmt)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(tuple(getattr(last, str(k.key)) for k in keys))

"""Shapes of request input every service shares: what PostgreSQL can store, what the clock can compare."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from trust_common.validation import Id, Instant, is_id, line, text

IDS = TypeAdapter(Id)
INSTANTS = TypeAdapter(Instant)


@pytest.mark.parametrize("value", ["acc-1", "shop 1", "é-ü", "a" * 100])
def test_an_id_is_one_to_a_hundred_characters_without_control_characters(value):
    assert IDS.validate_python(value) == value and is_id(value)


@pytest.mark.parametrize("value", ["", "a" * 101, "acc\x00", "acc\n1", "acc\n", "\x7f"])
def test_an_id_postgresql_cannot_store_or_compare_is_refused(value):
    with pytest.raises(ValidationError):
        IDS.validate_python(value)
    assert not is_id(value)


def test_text_keeps_line_breaks_but_never_a_nul():
    assert TypeAdapter(text(20)).validate_python("two\nlines\t") == "two\nlines\t"
    with pytest.raises(ValidationError):
        TypeAdapter(text(20)).validate_python("nul\x00")
    with pytest.raises(ValidationError):
        TypeAdapter(line(20)).validate_python("two\nlines")


def test_an_instant_has_an_offset_and_is_normalised_to_utc():
    assert INSTANTS.validate_python("2030-01-01T02:00:00+02:00") == datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2030-01-01T00:00:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                   "9500-01-01T00:00:00Z"])
def test_an_instant_without_an_offset_or_beyond_the_calendar_is_refused(value):
    with pytest.raises(ValidationError):
        INSTANTS.validate_python(value)

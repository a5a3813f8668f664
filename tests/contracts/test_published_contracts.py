"""The documents clients build on change only on purpose: every API's OpenAPI document and
every event contract's schema equal their committed snapshots (refresh them with
`python -m tests.contracts.published --write` and review the diff)."""
from __future__ import annotations

import pytest

from tests.contracts.published import SNAPSHOTS, published, render

DOCUMENTS = published()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_published_document_matches_its_snapshot(name: str) -> None:
    assert render(DOCUMENTS[name]) == (SNAPSHOTS / name).read_text()

"""The documents clients build on change only on purpose: every API's OpenAPI document and
every event contract's schema equal their committed snapshots (refresh them with
`python -m tests.contracts.published --write` and review the diff)."""
from __future__ import annotations

import pytest

from tests.contracts.published import PACKAGES, SNAPSHOTS, event_contracts, openapi_document, render


@pytest.mark.parametrize("package", PACKAGES)
def test_openapi_document_matches_its_snapshot(package: str) -> None:
    assert render(openapi_document(package)) == (SNAPSHOTS / f"openapi-{package}.json").read_text()


def test_event_contracts_match_their_snapshot() -> None:
    assert render(event_contracts()) == (SNAPSHOTS / "events.json").read_text()

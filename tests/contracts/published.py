"""What the services publish to their clients: each API's OpenAPI document and the JSON
Schema of every event contract on the bus. Snapshots of both live in `snapshots/`;
`python -m tests.contracts.published --write` refreshes them after a deliberate change."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from trust_common.events import registered_contracts

SNAPSHOTS = Path(__file__).parent / "snapshots"
PACKAGES = ("certification", "employee_accounts", "shop_binding", "notifier")


def openapi_document(package: str) -> dict[str, Any]:
    """The OpenAPI document the service's API serves at /openapi.json."""
    service = importlib.import_module(f"{package}.bootstrap").SERVICE
    return service.create_app(service.settings(environment="test")).openapi()


def event_contracts() -> dict[str, Any]:
    """Every registered event contract: where it travels and the JSON Schema of its data."""
    return {
        f"{event_type}@v{version}": {
            "topic": contract.topic, "aggregate_type": contract.aggregate_type,
            "aggregate_field": contract.aggregate_field, "schema": contract.model_json_schema(),
        }
        for (event_type, version), contract in sorted(registered_contracts().items())
    }


def published() -> dict[str, Any]:
    documents = {f"openapi-{package}.json": openapi_document(package) for package in PACKAGES}
    documents["events.json"] = event_contracts()
    return documents


def render(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.contracts.published --write")
    SNAPSHOTS.mkdir(exist_ok=True)
    for name, document in published().items():
        (SNAPSHOTS / name).write_text(render(document))
        print(f"wrote {name}")

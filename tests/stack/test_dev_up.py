"""The README's start command brings up every service: ready, with its OpenAPI document."""
from __future__ import annotations

import subprocess

import httpx
import pytest

from trust_common.testing.infrastructure import repo_root

SERVICES = {"certification": (8101, 9101), "employee-accounts": (8102, 9102),
            "shop-binding": (8103, 9103), "notifier": (8104, 9104)}


@pytest.fixture(scope="module")
def stack_up() -> str:
    """Run `./dev up` as a newcomer would (idempotent: a running stack is left as it is)."""
    result = subprocess.run([str(repo_root() / "dev"), "up"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_is_ready_after_dev_up_and_serves_its_openapi_document(stack_up, service):
    api, worker = SERVICES[service]
    assert f"http://127.0.0.1:{api}/docs" in stack_up
    with httpx.Client(timeout=10) as client:
        # Readiness checks what each process needs: the API its database, the worker its database,
        # Kafka and every one of its loops.
        expected = {api: {"database": "ok"}, worker: {"database": "ok", "kafka": "ok", "loops": "ok"}}
        for port, checks in expected.items():
            ready = client.get(f"http://127.0.0.1:{port}/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == checks
        document = client.get(f"http://127.0.0.1:{api}/openapi.json")
        assert document.status_code == 200
        assert document.json()["openapi"].startswith("3.")
        assert "/readyz" in document.json()["paths"]
        assert client.get(f"http://127.0.0.1:{api}/docs").status_code == 200


def test_dev_up_twice_does_no_harm(stack_up):
    again = subprocess.run([str(repo_root() / "dev"), "up"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "starting" not in again.stderr  # nothing was started a second time

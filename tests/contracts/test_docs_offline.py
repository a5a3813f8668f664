"""/docs and /redoc render without internet access (issue 15 item 2): each service serves Swagger
UI and ReDoc itself, and a headless Chromium opening its /docs finds every operation listed."""
from __future__ import annotations

import importlib
import re
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from trust_common.testing.browser import rendered_dom

from tests.contracts.published import PACKAGES


def _serve(package: str) -> Iterator[tuple[str, dict]]:
    service = importlib.import_module(f"{package}.bootstrap").SERVICE
    app = service.create_app(service.settings(environment="test"))
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app.openapi()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(params=PACKAGES)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict]]:
    yield from _serve(request.param)


def _external_references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\'](https?://[^"\']+)', html)


def test_docs_pages_load_nothing_from_elsewhere(served: tuple[str, dict]) -> None:
    base, _ = served
    for page in ("/docs", "/redoc"):
        html = httpx.get(base + page).text
        assert _external_references(html) == [], page
        for asset in re.findall(r'(?:src|href)\s*=\s*["\'](/docs/assets/[^"\']+)', html):
            answer = httpx.get(base + asset)
            assert answer.status_code == 200 and len(answer.content) > 1000, asset
    assert httpx.get(base + "/docs/assets/..%2Fconsts.py").status_code == 404


def test_swagger_ui_lists_every_operation_in_headless_chromium(served: tuple[str, dict]) -> None:
    base, document = served
    dom = rendered_dom(base + "/docs")
    listed = set(re.findall(r'class="opblock-summary-path"[^>]*data-path="([^"]+)"', dom))
    listed |= set(re.findall(r'data-path="([^"]+)"[^>]*class="opblock-summary-path"', dom))
    expected = {path for path, item in document["paths"].items()}
    assert expected, "the service documents operations"
    assert expected <= listed, sorted(expected - listed)


def test_redoc_renders_in_headless_chromium(served: tuple[str, dict]) -> None:
    base, document = served
    dom = rendered_dom(base + "/redoc")
    assert document["info"]["title"] in dom
    some_path = sorted(document["paths"])[0]
    assert some_path in dom.replace("&amp;", "&")

"""URLs in logs (issue 13, item 7): credentials, query strings and fragments are redacted in the
message, in extra fields and in exception text, by the filter every process's handler carries."""
from __future__ import annotations

import io
import json
import logging
import uuid

import httpx
import pytest

from trust_common import logs
from trust_common.logs import REDACTED, configure_logging, redact

SECRETS = ("hunter2", "tok-123", "s3cret", "pii@example.com")


@pytest.mark.parametrize("text, expected", [
    ("POST https://bot:hunter2@hooks.example.com/services/T0/B1?token=tok-123 \"HTTP/1.1 200 OK\"",
     f"POST https://{REDACTED}@hooks.example.com/services/T0/B1?{REDACTED} \"HTTP/1.1 200 OK\""),
    ("connecting to postgresql+asyncpg://svc:s3cret@db:5432/svc",
     f"connecting to postgresql+asyncpg://{REDACTED}@db:5432/svc"),
    ('127.0.0.1:5000 - "GET /v1/me/bindings?cursor=abc&email=pii@example.com HTTP/1.1" 200',
     f'127.0.0.1:5000 - "GET /v1/me/bindings?{REDACTED} HTTP/1.1" 200'),
    ("https://example.com/callback#access_token=tok-123", f"https://example.com/callback#{REDACTED}"),
    ("nothing to hide at https://example.com/path or /v1/things", None),
    ("a ratio of 3/4? no URL here", None),
])
def test_urls_lose_their_credentials_query_and_fragment(text, expected):
    assert redact(text) == (expected or text)


@pytest.fixture
def captured(monkeypatch):
    """The root handler configure_logging installs, writing JSON lines to a buffer."""
    stream = io.StringIO()
    monkeypatch.setattr(logs.sys, "stdout", stream)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("redaction-probe", "INFO", as_json=True)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_every_record_written_by_a_service_is_redacted(captured, monkeypatch):
    # An earlier test may have run uvicorn, whose own log config stops its access logger from
    # propagating: here it must reach the service's handler, as it does in a service process.
    access = logging.getLogger("uvicorn.access")
    for attribute, value in (("propagate", True), ("disabled", False), ("level", logging.NOTSET)):
        monkeypatch.setattr(access, attribute, value)
    # A logger of its own: the repeat filter (one line per 30 s for the same warning) must not take
    # these records for repeats of another test's.
    log = logging.getLogger(f"tests.redaction.{uuid.uuid4().hex}")
    log.warning("webhook delivery to %s failed", "https://bot:hunter2@hooks.example.com/x?token=tok-123")
    log.info("delivered", extra={"url": "https://hooks.example.com/x?token=tok-123"})
    try:
        raise httpx.ConnectError("cannot reach https://svc:s3cret@10.0.0.1/hook?sig=tok-123")
    except httpx.ConnectError:
        log.exception("delivery failed")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                                             "/v1/me/bindings?email=pii@example.com", "1.1", 200)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert len(lines) == 4
    written = captured.getvalue()
    assert not any(secret in written for secret in SECRETS), written
    assert lines[0]["message"] == f"webhook delivery to https://{REDACTED}@hooks.example.com/x?{REDACTED} failed"
    assert lines[1]["url"] == f"https://hooks.example.com/x?{REDACTED}"
    assert "ConnectError" in lines[2]["exception"]
    assert lines[3]["message"].endswith(f'"GET /v1/me/bindings?{REDACTED} HTTP/1.1" 200')

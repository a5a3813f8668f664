"""JSON logs, one object per line, carrying the current trace and span ids."""
from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from trust_common.telemetry import current_trace_ids

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        trace_id, span_id = current_trace_ids()
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "service": self._service,
            "message": record.getMessage(),
        }
        if trace_id:
            entry["trace_id"], entry["span_id"] = trace_id, span_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_text:  # already formatted (and redacted) by RedactFilter
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# An absolute URL: scheme, optional user-info, host and the rest up to whitespace or a quote.
_URL = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?:(?P<userinfo>[^\s/@'\"<>]*)@)?"
                  r"(?P<rest>[^\s'\"<>]*)")
# A request target as access logs print it ("GET /v1/things?cursor=... HTTP/1.1").
_TARGET = re.compile(r"(?<![\w/:])(?P<path>/[^\s?#'\"<>]*)(?P<query>[?#][^\s'\"<>]*)")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with the user-info, query and fragment of every URL in it replaced: they carry
    passwords, tokens and personal data (a webhook's secret path stays, its query goes)."""
    def url(match: re.Match[str]) -> str:
        rest = match["rest"]
        cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=-1)
        tail = rest if cut < 0 else f"{rest[:cut]}{rest[cut]}{REDACTED}"
        return f"{match['scheme']}{REDACTED + '@' if match['userinfo'] is not None else ''}{tail}"

    text = _URL.sub(url, text)
    return _TARGET.sub(lambda m: f"{m['path']}{m['query'][0]}{REDACTED}", text)


class RedactFilter(logging.Filter):
    """Redacts URLs (credentials, query strings) in every record's message, extra fields and
    exception text before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True  # a malformed call: the handler reports it as logging always does
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and not name.startswith("_") and isinstance(value, str):
                setattr(record, name, redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


# A warning or error repeated within this window is written once, the next one carries the count.
REPEAT_WINDOW_SECONDS = 30.0


class RepeatFilter(logging.Filter):
    """Rate-limits repeated warnings and errors: during an outage every loop fails the same way
    many times a second, and thousands of identical lines hide everything else. A record is
    "the same" when logger, level, message template and exception type match; the first one
    in each window is written, with `repeated` = how many were dropped since the last one written.
    INFO and below pass untouched."""

    def __init__(self, window: float = REPEAT_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._window = window
        self._clock = clock
        self._seen: dict[tuple[object, ...], list[float]] = {}  # key -> [written_at, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
        key = (record.name, record.levelno, str(record.msg), error)
        now = self._clock()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self._window:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            record.repeated = int(seen[1])
        if len(self._seen) > 10_000:  # templates are few; this only bounds a pathological caller
            self._seen.clear()
        self._seen[key] = [now, 0]
        return True


def configure_logging(service: str, level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RepeatFilter())  # first: it keys on the message template, and drops before redacting
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter(service) if as_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

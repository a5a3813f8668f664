"""Load: `wrk` (compiled, cheap, closed loop) for maximum rates, and a small open-loop
generator for latency at a fixed offered rate (latency counted from when a request was due,
so a stalled server cannot hide its queueing: no coordinated omission)."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

LUA = Path(__file__).resolve().parent / "lua"
CONNECTIONS = 16


@dataclass(frozen=True)
class WrkResult:
    rate: float  # successful (2xx/3xx) responses per second
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed; `./dev bench` installs it from Debian's packages")
    return found


def wrk(url: str, seconds: float, *, script: str, args: Sequence[str] = (), connections: int = CONNECTIONS,
        headers: Sequence[str] = ()) -> WrkResult:
    """Run wrk with one thread (the client stays cheap) and a reporting Lua script."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write((LUA / script).read_text())
        lua.write((LUA / "report.lua").read_text())
    command = [wrk_binary(), "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", lua.name]
    for header in headers:
        command += ["-H", header]
    command += [url, "--", *args]
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        Path(lua.name).unlink(missing_ok=True)
    line = next(ln for ln in output.splitlines() if ln.startswith("BENCH-JSON "))
    data = json.loads(line.removeprefix("BENCH-JSON "))
    seconds_run = data["duration_us"] / 1e6
    errors = sum(data["errors"].values())
    # `requests` counts answered requests (non-2xx included, as `status` errors); connect, read and
    # timeout errors are attempts that never got an answer, so they are not subtracted from it.
    answered_ok = max(data["requests"] - data["errors"]["status"], 0)
    return WrkResult(rate=answered_ok / seconds_run, requests=data["requests"], errors=errors,
                     p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000)


def write_requests_file(lines: Sequence[tuple[str, str, str]]) -> Path:
    """(path, bearer token, JSON body) per request, tab-separated, for post.lua."""
    handle = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False)
    with handle:
        for path, token, body in lines:
            handle.write(f"{path}\t{token}\t{body}\n")
    return Path(handle.name)


@dataclass(frozen=True)
class Sent:
    due: float  # monotonic time the request was due
    latency_ms: float
    status: int


async def open_loop(base_url: str, requests: Sequence[tuple[str, str, str]], rate: float,
                    *, idempotency_prefix: str) -> list[Sent]:
    """POST each request at its due time (`rate` per second), concurrently, whatever the server does."""
    results: list[Sent] = []
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        start = time.monotonic() + 0.2

        async def one(index: int, path: str, token: str, body: str) -> None:
            due = start + index / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            try:
                response = await client.post(path, content=body, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                    "Idempotency-Key": f"{idempotency_prefix}-{index}"})
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            results.append(Sent(due, (time.monotonic() - due) * 1000, status))

        await asyncio.gather(*(one(i, *r) for i, r in enumerate(requests)))
    return results

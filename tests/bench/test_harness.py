"""`./dev bench` end to end on a tiny scale: every benchmark runs each of its arms and the
results come out as a table and as well-formed JSON. Speed is never asserted here (figures
on a shared machine are noise); bench/README.md is where they are read."""
from __future__ import annotations

import json
import math
import os
import random
import socket
import subprocess
import uuid

import pytest

from trust_common.testing.infrastructure import repo_root

# Opt-in (pytest -m bench tests/bench): its arms measured negative figures in suite runs on a busy machine
# (two causes fixed since); it rejoins the default run once it has proven stable.
pytestmark = pytest.mark.bench

BENCHMARKS = ["reads", "writes", "write-latency", "relay", "pipeline", "timers", "age", "tracing", "memory"]
# wrk arms last 5 s: with 16 connections a write takes seconds on a loaded 2-core machine, and an
# arm must see some answers for the test to mean anything.
TINY = ["--quick", "--rounds", "1", "--seconds", "5", "--pipeline-seconds", "2", "--pause-seconds", "1",
        "--due-timers", "40", "--pending-timers", "400", "--history-rows", "400", "--soak-seconds", "4",
        "--relay-rows", "200", "--shops", "40", "--creators", "40"]


def free_port_base() -> int:
    """A base with its 26 ports free, so this run shares nothing with a stack or another run."""
    for _ in range(50):
        base = random.randrange(30000, 60000, 100)
        if all(_free(base + offset) for offset in range(26)):
            return base
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def run_bench(args: list[str], tmp_path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BENCH_NAMESPACE": f"bench_t{uuid.uuid4().hex[:8]}", "BENCH_PORT_BASE": str(free_port_base())}
    return subprocess.run([str(repo_root() / "dev"), "bench", *args], env=env, capture_output=True, text=True,
                          timeout=1200, cwd=tmp_path)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bench")
    out = tmp_path / "results.json"
    result = run_bench([*TINY, "--out", str(out)], tmp_path)
    return result, out


def test_quick_profile_runs_every_benchmark_and_exits_cleanly(tiny_run):
    result, _ = tiny_run
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "| benchmark | figure: median (min–max) |" in result.stdout
    for name in BENCHMARKS:
        assert f"| {name} |" in result.stdout, name


def test_results_json_has_a_number_for_every_arm_of_every_benchmark(tiny_run):
    _, out = tiny_run
    document = json.loads(out.read_text())
    assert document["profile"]["failed"] == []
    assert document["profile"]["benchmarks"] == BENCHMARKS
    rows = document["rows"]
    assert {row["benchmark"] for row in rows} == set(BENCHMARKS)
    for row in rows:
        for arm in ("figures", "ceilings", "ratios"):
            values = row[arm]
            assert values, (row["figure"], arm)
            assert all(isinstance(v, int | float) and math.isfinite(v) and v >= 0 for v in values), (row, arm)
        assert min(row["ratios"]) <= row["ratio"] <= max(row["ratios"])
        assert row["met"] is None if row["target"] is None else isinstance(row["met"], bool)
        assert row["figure_stats"]["min"] <= row["figure_stats"]["median"] <= row["figure_stats"]["max"]


def test_an_unknown_benchmark_name_is_refused_with_exit_status_2(tmp_path):
    result = run_bench(["no-such-benchmark"], tmp_path)
    assert result.returncode == 2
    assert "unknown benchmark(s) no-such-benchmark" in result.stderr

"""The harness's own copy of the system: `bench_*` databases, `bench.` topics and service
processes on ports of its own, started through the services' console scripts (never imported),
so a benchmark never touches the development stack's data and can stop, pause or restart a
process it owns."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PG = "postgresql://trust:trust@127.0.0.1:54329"
KAFKA = "127.0.0.1:19092"
# Where this copy lives: its databases (`<namespace>_<service>`), topics (`<namespace>.`) and ports
# (from the base up). The environment can move it, so two runs (a test, say) never share one.
NAMESPACE = os.environ.get("BENCH_NAMESPACE", "bench")
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "28100"))
TOPIC_PREFIX = f"{NAMESPACE}."
SERVICES = {  # service → (python package, API port, worker port)
    "certification": ("certification", PORT_BASE + 1, PORT_BASE + 11),
    "employee-accounts": ("employee_accounts", PORT_BASE + 2, PORT_BASE + 12),
    "shop-binding": ("shop_binding", PORT_BASE + 3, PORT_BASE + 13),
    "notifier": ("notifier", PORT_BASE + 4, PORT_BASE + 14),
}


def database_of(service: str, variant: str = "") -> str:
    return f"{NAMESPACE}_{SERVICES[service][0]}{variant}"


def dsn(database: str) -> str:
    return f"{PG}/{database}"


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    popen: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def rss_mib(self) -> float:
        """Resident set size now, from /proc (what the kernel charges the process)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


@dataclass
class Stack:
    """Processes the harness started; everything here is stopped by `close()`."""

    logs: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def env(self, service: str, port: int, *, database: str | None = None, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUST_", "OTEL_"))}
        env.update({
            "TRUST_ENVIRONMENT": "development",
            "TRUST_DATABASE_URL": f"postgresql+asyncpg://{PG.removeprefix('postgresql://')}/"
                                  f"{database or database_of(service)}",
            "TRUST_TOPIC_PREFIX": TOPIC_PREFIX, "TRUST_HTTP_PORT": str(port), "TRUST_KAFKA_BOOTSTRAP": KAFKA,
            "TRUST_LOG_LEVEL": "WARNING",
        })
        env.update(extra)
        return env

    async def prepare(self, services: list[str], extra: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        """Fresh databases and topics, migrated by the services' own `-migrate` scripts; `extra` are
        (service, database) pairs: more databases of a service for arms that compare two."""
        await recreate_databases([database_of(s) for s in services] + [d for _, d in extra])
        run([str(VENV_BIN / "trust-topics"), "--partitions", "3"], self.env("shop-binding", 0))
        for service in services:
            run([str(VENV_BIN / f"{service}-migrate")], self.env(service, 0))
        for service, database in extra:
            run([str(VENV_BIN / f"{service}-migrate")], self.env(service, 0, database=database))

    def start(self, name: str, script: str, env: dict[str, str], port: int) -> Process:
        process = Process(name, [str(VENV_BIN / script)], env, port, log=self.logs / f"{name}.log")
        self.processes[name] = process
        self._spawn(process)
        return process

    def start_python(self, name: str, args: list[str], env: dict[str, str], port: int) -> Process:
        process = Process(name, [sys.executable, *args], env, port, log=self.logs / f"{name}.log")
        self.processes[name] = process
        self._spawn(process)
        return process

    def _spawn(self, process: Process) -> None:
        assert process.log is not None
        with process.log.open("ab") as out:
            process.popen = subprocess.Popen(process.command, env=process.env, stdout=out, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)

    def start_service(self, service: str, *, api: bool = True, worker: bool = True) -> None:
        _, api_port, worker_port = SERVICES[service]
        if api:
            self.start(f"{service}-api", f"{service}-api", self.env(service, api_port), api_port)
        if worker:
            self.start(f"{service}-worker", f"{service}-worker", self.env(service, worker_port), worker_port)

    def wait_ready(self, timeout: float = 90.0, *, optional: Sequence[str] = ()) -> None:
        """Wait for every process; one named in `optional` that exits is dropped with a warning."""
        deadline = time.monotonic() + timeout
        for process in list(self.processes.values()):
            while not ready(process.port):
                if process.popen is not None and process.popen.poll() is not None:
                    if process.name in optional:
                        print(f"WARNING: {process.name} exited (see {process.log}); running without it", flush=True)
                        self.processes.pop(process.name)
                        break
                    raise RuntimeError(f"{process.name} exited; see {process.log}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{process.name} not ready after {timeout:.0f}s; see {process.log}")
                time.sleep(0.2)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.popen is None:
            return
        if process.popen.poll() is None:
            os.kill(process.pid, signal.SIGCONT)  # a paused process must be able to hear SIGTERM
            process.popen.terminate()
            try:
                process.popen.wait(20)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()

    def pause(self, name: str) -> None:
        os.kill(self.processes[name].pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        os.kill(self.processes[name].pid, signal.SIGCONT)

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


async def recreate_databases(names: list[str]) -> None:
    connection = await asyncpg.connect(dsn("postgres"))
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


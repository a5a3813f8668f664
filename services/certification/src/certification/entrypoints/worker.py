"""`certification-worker`: outbox relay, consumers and timers of the certification service."""
from __future__ import annotations

from trust_common import worker
from trust_common.runtime import Runtime
from trust_common.worker import WorkerSpec

from certification.bootstrap import build_worker_spec
from certification.settings import Settings


def worker_spec(runtime: Runtime) -> WorkerSpec:
    """What this worker consumes and which timers it fires."""
    return build_worker_spec(runtime)


def main() -> None:
    worker.main(Settings(), worker_spec)


if __name__ == "__main__":
    main()

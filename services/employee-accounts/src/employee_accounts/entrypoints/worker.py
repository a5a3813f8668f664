"""`employee-accounts-worker`: outbox relay, consumers and timers of the employee-accounts service."""
from __future__ import annotations

from trust_common import worker
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.runtime import Runtime
from trust_common.worker import WorkerSpec

from employee_accounts.settings import Settings


def worker_spec(runtime: Runtime) -> WorkerSpec:
    """What this worker consumes and which timers it fires."""
    return WorkerSpec(handlers={**ACCOUNT_PROJECTION}, timers={})


def main() -> None:
    worker.main(Settings(), worker_spec)


if __name__ == "__main__":
    main()

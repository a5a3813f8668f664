"""`employee-accounts-worker`: outbox relay, consumers and timers of the employee-accounts service."""
from __future__ import annotations

from trust_common import worker
from trust_common.consumer import chain
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.runtime import Runtime
from trust_common.worker import WorkerSpec

from employee_accounts.handlers.facts import CERTIFICATION_HANDLERS, on_account_fact
from employee_accounts.handlers.invitations import LAPSE_TIMER, lapse_invitation
from employee_accounts.orm import start_mappers
from employee_accounts.settings import Settings


def worker_spec(runtime: Runtime) -> WorkerSpec:
    """Platform accounts and certification facts in; the 48-hour invitation lapse (EMP-12, X-1)."""
    start_mappers()
    accounts = {contract: chain(project, on_account_fact) for contract, project in ACCOUNT_PROJECTION.items()}
    return WorkerSpec(handlers={**accounts, **CERTIFICATION_HANDLERS}, timers={LAPSE_TIMER: lapse_invitation})


def main() -> None:
    worker.main(Settings(), worker_spec)


if __name__ == "__main__":
    main()

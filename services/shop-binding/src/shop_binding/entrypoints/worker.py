"""`shop-binding-worker`: outbox relay, consumers and timers of the shop-binding service."""
from __future__ import annotations

from trust_common import worker
from trust_common.projections import ACCOUNT_PROJECTION, SHOP_PROJECTION
from trust_common.runtime import Runtime
from trust_common.worker import WorkerSpec

from shop_binding.handlers import INVITATION_EXPIRY, lapse_invitation
from shop_binding.orm import start_mappers
from shop_binding.settings import Settings


def worker_spec(runtime: Runtime) -> WorkerSpec:
    """What this worker consumes and which timers it fires."""
    start_mappers()
    return WorkerSpec(handlers={**ACCOUNT_PROJECTION, **SHOP_PROJECTION},
                      timers={INVITATION_EXPIRY: lapse_invitation})  # SHOP-6


def main() -> None:
    worker.main(Settings(), worker_spec)


if __name__ == "__main__":
    main()

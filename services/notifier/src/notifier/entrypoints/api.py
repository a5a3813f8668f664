"""`notifier-api`: the HTTP API of the notifier service."""
from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from trust_common.http import create_api
from trust_common.runtime import Runtime

from notifier.bootstrap import build_bus
from notifier.entrypoints import inbox, webhooks
from notifier.settings import Settings


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_api(settings, title="Notifier",
                      description="48-hour confirmation prompts, reminders and notices over the in-app inbox, "
                                  "email and signed webhooks.",
                      routers=[inbox.router, webhooks.router], bootstrap=build_bus, runtime=runtime)


def main() -> None:
    settings = Settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()

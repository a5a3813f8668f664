"""`certification-api`: the HTTP API of the certification service."""
from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from trust_common.http import create_api
from trust_common.runtime import Runtime

from certification.bootstrap import build_bus, dependencies
from certification.routes import applications, reviews
from certification.settings import Settings


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_api(settings, title="Certification",
                     description="Enterprise (blue V), personal and real-name certification with the audit review.",
                     routers=[applications.router, reviews.router], bootstrap=build_bus, runtime=runtime)
    app.state.certification_deps = dependencies(app.state.runtime)
    return app


def main() -> None:
    settings = Settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()

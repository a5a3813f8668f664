"""`shop-binding-api`: the HTTP API of the shop-binding service."""
from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from trust_common.http import create_api
from trust_common.runtime import Runtime

from shop_binding.bootstrap import build_bus
from shop_binding.entrypoints import creator_routes, link_routes, merchant_routes, support_routes
from shop_binding.settings import Settings


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_api(settings, title="Shop binding",
                      description="Shop and creator bindings, invitations, unlink requests and business-centre links.",
                      routers=[merchant_routes.router, creator_routes.router, support_routes.router,
                               link_routes.router],
                      bootstrap=build_bus, runtime=runtime)


def main() -> None:
    settings = Settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()

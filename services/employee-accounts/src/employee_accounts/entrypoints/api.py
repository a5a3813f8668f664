"""`employee-accounts-api`: the HTTP API of the employee-accounts service.

Client headers: `X-Client-Platform` (`ios`, `android`: the mobile app; `pc`: the PC back office;
`web`) and `X-Client-Version` (e.g. `20.7.0`). Employee login and activation need the mobile app at
20.7 or later (EMP-8); a validity period on an invitation needs the PC back office (EMP-12).
Employee sessions travel in `X-Employee-Session`.
"""
from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from trust_common.http import create_api
from trust_common.runtime import Runtime

from employee_accounts.bootstrap import build_bus
from employee_accounts.routes import accounts, employee, internal, invitations, organisation
from employee_accounts.settings import Settings


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_api(settings, title="Employee accounts", description=__doc__ or "",
                      routers=[organisation.router, accounts.router, invitations.router, employee.router,
                               internal.router],
                      bootstrap=build_bus, runtime=runtime)


def main() -> None:
    settings = Settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()

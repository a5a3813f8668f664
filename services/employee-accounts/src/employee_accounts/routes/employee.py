"""The employee's own calls from the mobile app: login and activation (EMP-8), showcase (EMP-15),
merchant page (EMP-16). Sessions travel in `X-Employee-Session`."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.errors import FaceChecksExhausted, SignInThrottled
from employee_accounts.routes.deps import Client, CurrentEmployee
from employee_accounts.routes.schemas import (
    AffiliationIn,
    EmployeeAccountPublic,
    FaceIn,
    GrantsPublic,
    LoginIn,
    MerchantModuleIn,
    PasswordChangeIn,
    PhoneIn,
    SessionPublic,
    next_step,
    password_of,
)
from employee_accounts.views import grants_view
from trust_common.dependencies import BusDep, NowDep, SessionDep
from trust_common.problems import problem_response


def no_store(response: Response) -> None:
    """Issue 13: session tokens and the employee's own data are never cached (nor kept by the idempotency store)."""
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(prefix="/v1/employee", tags=["employee"], dependencies=[Depends(no_store)])
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many attempts: retry after `Retry-After` seconds (issue 13)"}}


def _retry_later(error: SignInThrottled | FaceChecksExhausted, request: Request) -> JSONResponse:
    """429 with `Retry-After` (and `no-store`, as every answer here)."""
    seconds = str(error.extensions.get("retry_after", 1))
    return problem_response(error.body(instance=request.url.path),
                            {"Retry-After": seconds, "Cache-Control": "no-store"})


@router.post("/sessions", status_code=201, responses=THROTTLED, response_model=SessionPublic)
async def log_in(body: LoginIn, client: Client, request: Request, bus: BusDep) -> SessionPublic | JSONResponse:
    """EMP-8: requires `X-Client-Platform: ios|android` and `X-Client-Version` ≥ 20.7; the web is refused.
    Issue 13: attempts are limited per account and per client address, with back-off: `429` + `Retry-After`."""
    address = request.client.host if request.client else None
    try:
        session = await bus.handle(c.LogIn(body.login_email, body.password.get_secret_value(), client, address))
    except SignInThrottled as error:
        return _retry_later(error, request)
    return SessionPublic(session_token=session.token, expires_in=session.expires_in_seconds,
                         account=EmployeeAccountPublic.of(session.account), next_step=next_step(session.account))


@router.get("/me")
async def me(account: CurrentEmployee) -> EmployeeAccountPublic:
    return EmployeeAccountPublic.of(account)


@router.post("/activation/face-verification", responses=THROTTLED, response_model=EmployeeAccountPublic)
async def verify_face(body: FaceIn, account: CurrentEmployee, client: Client, request: Request,
                      bus: BusDep) -> EmployeeAccountPublic | JSONResponse:
    """EMP-8: the face must match the identity on file (mobile app ≥ 20.7). Issue 13: at most 5 checks a day per
    activation (each is a paid provider call): `429` + `Retry-After`."""
    try:
        return _public(await bus.handle(c.VerifyFace(account.id, body.capture.get_secret_value(), client)))
    except FaceChecksExhausted as error:
        return _retry_later(error, request)


@router.post("/activation/phone")
async def bind_phone(body: PhoneIn, account: CurrentEmployee, client: Client, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-8: an auxiliary phone number of the employee's own (shown masked only; mobile app ≥ 20.7)."""
    return _public(await bus.handle(c.BindPhone(account.id, body.phone.get_secret_value(), client)))


@router.post("/activation/password")
async def change_password(body: PasswordChangeIn, account: CurrentEmployee, client: Client,
                          bus: BusDep) -> EmployeeAccountPublic:
    """EMP-8: the mandatory password change (mobile app ≥ 20.7); the account is then `active`."""
    return _public(await bus.handle(c.ChangePassword(
        account.id, body.current_password.get_secret_value(), password_of(body.new_password), client)))


@router.get("/grants")
async def my_grants(account: CurrentEmployee, session: SessionDep, now: NowDep) -> GrantsPublic:
    return GrantsPublic.of(await grants_view(session, account, now))


@router.post("/showcase/deposit")
async def pay_deposit(account: CurrentEmployee, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-15: the 500 CNY goods deposit through the payments provider."""
    return _public(await bus.handle(c.PayShowcaseDeposit(account.id)))


@router.post("/showcase")
async def open_showcase(account: CurrentEmployee, bus: BusDep) -> EmployeeAccountPublic:
    """EMP-15: real name, deposit, ≥ 10 public videos, > 1000 followers, of this account itself."""
    return _public(await bus.handle(c.OpenShowcase(account.id)))


@router.post("/merchant-page/modules")
async def configure_merchant_module(body: MerchantModuleIn, account: CurrentEmployee,
                                    bus: BusDep) -> EmployeeAccountPublic:
    """EMP-16: configure a merchant-page module whose tool is authorised; it then awaits approval."""
    return _public(await bus.handle(c.ConfigureMerchantModule(account.id, body.tool)))


@router.put("/me/affiliation")
async def set_affiliation(body: AffiliationIn, account: CurrentEmployee, bus: BusDep) -> AffiliationIn:
    """EMP-22: the profile always shows the enterprise; hiding it is refused."""
    if not body.shown:
        await bus.handle(c.HideAffiliation(account.id))
    return AffiliationIn(shown=True)


def _public(account: EmployeeAccount) -> EmployeeAccountPublic:
    return EmployeeAccountPublic.of(account)

"""Employee login and activation (EMP-8): mobile app ≥ 20.7, face check, phone, password change."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert

from trust_common.uow import UnitOfWork

from employee_accounts.dependencies import FACE_CHECK, NATIONAL_ID, PHONE, Dependencies
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.errors import ActivationRefused, InvalidCredentials
from employee_accounts.orm import employee_sessions
from employee_accounts.repository import Repository


@dataclass(frozen=True)
class Session:
    token: str
    account: EmployeeAccount
    expires_in_seconds: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def log_in(cmd: c.LogIn, uow: UnitOfWork, deps: Dependencies) -> Session:
    """EMP-8: email + password, only from the mobile app at version 20.7 or later."""
    cmd.client.require_activation_capable()
    repo = Repository(uow.session)
    found = await repo.by_login_email(cmd.login_email.strip().lower())
    stored, account_id = (found.password_hash, found.id) if found is not None else (None, None)
    await uow.session.rollback()  # release the connection while Argon2 works
    verified = await deps.passwords.verify(stored, cmd.password)
    account = await repo.employee_account(account_id) if verified and account_id else None
    if account is None or account.password_hash != stored or not account.can_log_in:
        raise InvalidCredentials("the email or password is wrong")
    token = secrets.token_urlsafe(32)
    now = uow.clock.now()
    lifetime = timedelta(hours=deps.settings.employee_session_hours)
    await uow.session.execute(insert(employee_sessions).values(
        token_hash=token_hash(token), employee_account_id=account.id, holder_generation=account.holder_generation,
        created_at=now, expires_at=now + lifetime))
    await uow.commit()
    return Session(token=token, account=account, expires_in_seconds=int(lifetime.total_seconds()))


async def verify_face(cmd: c.VerifyFace, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-8: the face must match the identity on file; outcome and score are kept sealed (X-4), the refusal
    follows. The client and the state are checked before the provider sees the national ID."""
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.require_activation_step(cmd.client)
    national_id = deps.vault.open(NATIONAL_ID, account.national_id_ciphertext, account.national_id_key_id)
    result = await deps.face_check.verify(national_id=national_id, real_name=account.real_name, capture=cmd.capture)
    matched = account.verify_face(result, deps.vault.seal_record(FACE_CHECK, result.to_sealable()),
                                  client=cmd.client, now=uow.clock.now())
    await uow.commit()
    EmployeeAccount.require_face_match(matched)
    return account


async def bind_phone(cmd: c.BindPhone, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-8: the employee's own auxiliary phone; it may already hold an account elsewhere."""
    digits = "".join(ch for ch in cmd.phone if ch.isdigit() or ch == "+")
    if len(digits.lstrip("+")) < 6:
        raise ActivationRefused("the phone number is not valid")
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.bind_phone(deps.vault.seal(PHONE, digits), client=cmd.client, now=uow.clock.now())
    await uow.commit()
    return account


async def change_password(cmd: c.ChangePassword, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-8: the mandatory change to a new password completes activation."""
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.require_password_change(cmd.client)  # EMP-8 before any Argon2 work
    if not await deps.passwords.verify(account.password_hash, cmd.current_password):
        raise InvalidCredentials("the current password is wrong")
    if cmd.new_password == cmd.current_password:
        raise ActivationRefused("choose a password different from the initial one")
    account.change_password(await deps.passwords.hash(cmd.new_password), client=cmd.client, now=uow.clock.now())
    await uow.commit()
    return account

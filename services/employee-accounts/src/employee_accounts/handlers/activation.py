"""Employee login and activation (EMP-8): mobile app ≥ 20.7, face check, phone, password change."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from employee_accounts.adapters.face_check import FaceCheck
from employee_accounts.adapters.passwords import Passwords
from employee_accounts.adapters.vault import FACE_CHECK, NATIONAL_ID, PHONE, PersonalDataVault
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount, Status
from employee_accounts.domain.errors import InvalidCredentials
from employee_accounts.domain.policies import require_new_password
from employee_accounts.domain.throttling import ACCOUNT_LIMIT, ADDRESS_LIMIT
from employee_accounts.domain.values import phone_digits
from employee_accounts.handlers.entitlements import publish_entitlements
from employee_accounts.repository import UnitOfWork
from employee_accounts.settings import Settings
from trust_common.uow import AMBIENT_SESSION


@dataclass(frozen=True)
class Session:
    token: str
    account: EmployeeAccount
    expires_in_seconds: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _attempt_keys(cmd: c.LogIn, email: str) -> list[tuple[str, int]]:
    """Issue 13: one counter per login email (hashed: the table holds no addresses of people) and one per client
    address."""
    keys = [(f"account:{hashlib.sha256(email.encode()).hexdigest()}", ACCOUNT_LIMIT)]
    if cmd.client_address:
        keys.append((f"address:{cmd.client_address}", ADDRESS_LIMIT))
    return keys


async def log_in(cmd: c.LogIn, uow: UnitOfWork, passwords: Passwords, settings: Settings) -> Session:
    """EMP-8: email + password, only from the mobile app at version 20.7 or later. Issue 13: attempts are counted
    per account and per client address before Argon2 runs; over the limit they are refused (429) without it."""
    cmd.client.require_activation_capable()
    email = cmd.login_email.strip().lower()
    keys = _attempt_keys(cmd, email)
    for key, limit in keys:
        await uow.sign_in_attempts.admit(key, limit, uow.clock.now())
    found = await uow.employee_accounts.by_login_email(email)
    stored, account_id = (found.password_hash, found.id) if found is not None else (None, None)
    if AMBIENT_SESSION.get() is None:  # release the connection while Argon2 works (unless the idempotency
        await uow.session.rollback()  # middleware's transaction holds it: rolling that back would end it)
    verified = await passwords.verify(stored, cmd.password)
    if not (verified and account_id):
        raise InvalidCredentials("the email or password is wrong")
    account = await uow.employee_accounts.get(account_id)
    account.require_login(stored)
    await uow.sign_in_attempts.succeeded(keys[0][0], keys[1:])
    token = secrets.token_urlsafe(32)
    now = uow.clock.now()
    lifetime = timedelta(hours=settings.employee_session_hours)
    await uow.employee_accounts.open_session(token_hash(token), account, now, lifetime)
    await uow.commit()
    return Session(token=token, account=account, expires_in_seconds=int(lifetime.total_seconds()))


async def verify_face(cmd: c.VerifyFace, uow: UnitOfWork, vault: PersonalDataVault,
                      face_check: FaceCheck) -> EmployeeAccount:
    """EMP-8: the face must match the identity on file; outcome and score are kept sealed (X-4), the refusal
    follows. The client and the state are checked before the provider sees the national ID."""
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    account.require_activation_step(cmd.client)
    account.admit_face_check(uow.clock.now())  # issue 13: a cap on paid provider calls
    national_id = vault.open(NATIONAL_ID, account.national_id_ciphertext, account.national_id_key_id)
    result = await face_check.verify(national_id=national_id, real_name=account.real_name, capture=cmd.capture)
    matched = account.verify_face(result, vault.seal_record(FACE_CHECK, result.to_sealable()),
                                  client=cmd.client, now=uow.clock.now())
    await uow.commit()
    EmployeeAccount.require_face_match(matched)
    return account


async def bind_phone(cmd: c.BindPhone, uow: UnitOfWork, vault: PersonalDataVault) -> EmployeeAccount:
    """EMP-8: the employee's own auxiliary phone; it may already hold an account elsewhere."""
    digits = phone_digits(cmd.phone)
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    account.bind_phone(vault.seal(PHONE, digits), client=cmd.client, now=uow.clock.now())
    await uow.commit()
    return account


async def change_password(cmd: c.ChangePassword, uow: UnitOfWork, passwords: Passwords) -> EmployeeAccount:
    """EMP-8: the mandatory change to a new password completes activation."""
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    account.require_password_change(cmd.client)  # EMP-8 before any Argon2 work
    if not await passwords.verify(account.password_hash, cmd.current_password):
        raise InvalidCredentials("the current password is wrong")
    require_new_password(cmd.current_password, cmd.new_password)
    was_active = account.status is Status.ACTIVE
    account.change_password(await passwords.hash(cmd.new_password), client=cmd.client, now=uow.clock.now())
    await uow.employee_accounts.end_sessions(account)  # issue 13: sessions opened with the old password die
    if not was_active:
        await publish_entitlements(uow, account)  # EMP-22: activation puts the grants in force
    await uow.commit()
    return account

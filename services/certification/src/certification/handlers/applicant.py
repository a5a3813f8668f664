"""Use cases of applicants: start, fill in, upload, submit, reopen, renew, sync, cancel."""
from __future__ import annotations

import uuid

from trust_common.contracts.certification import CancelledBy, CertificationType
from trust_common.projections import load_account
from trust_common.uow import UnitOfWork

from certification.adapters.payments import PaymentFailed
from certification.domain import commands, errors
from certification.domain.model import Application, Document
from certification.handlers.support import Deps, schedule_deadlines
from certification.repository import ApplicationRepository


async def start_application(cmd: commands.StartApplication, uow: UnitOfWork, deps: Deps) -> Application:
    repo = ApplicationRepository(uow.session)
    profile = await load_account(uow.session, cmd.account_id)
    if profile is None:  # CERT-2: the snapshot comes from the platform-accounts projection
        raise errors.AccountUnknown("the platform has not told us about this account yet")
    if await repo.has_open(cmd.account_id, cmd.certification_type):
        raise errors.OpenApplicationExists(f"an open {cmd.certification_type} application exists already")
    app = Application.start(cmd.account_id, cmd.certification_type, cmd.channel, cmd.fields, cmd.actor,
                            uow.clock.now(), profile=profile)
    repo.add(app)
    await uow.commit()
    return app


async def update_fields(cmd: commands.UpdateFields, uow: UnitOfWork, deps: Deps) -> Application:
    app = await ApplicationRepository(uow.session).get_owned(cmd.application_id, cmd.account_id)
    app.update_fields(cmd.fields, cmd.actor, uow.clock.now())
    await uow.commit()
    return app


async def upload_document(cmd: commands.UploadDocument, uow: UnitOfWork, deps: Deps) -> Document:
    """CERT-3: check the kind first, then stream to storage; a refused upload leaves no file behind.

    The body streams with no transaction open and no pooled connection held (a slow client must not pin
    one): a short read checks ownership and the kind, then the file is stored, then a second transaction
    attaches it (re-checking the state, which may have changed meanwhile)."""
    repo = ApplicationRepository(uow.session)
    app = await repo.get_owned(cmd.application_id, cmd.account_id)
    app.check_upload(cmd.kind)
    await uow.session.rollback()  # ends the read: the connection goes back to the pool
    stored = await deps.storage.store(cmd.content, deps.document_max_bytes)
    try:
        app = await repo.get(cmd.application_id, lock=True)
        now = uow.clock.now()
        document = Document(str(uuid.uuid4()), app.id, cmd.kind, stored.key, stored.media_type, stored.size,
                            stored.sha256, now)
        app.attach_document(document, cmd.actor, now)
        await uow.commit()
    except BaseException:
        await deps.storage.delete(stored.key)
        raise
    return document


async def submit_application(cmd: commands.SubmitApplication, uow: UnitOfWork, deps: Deps) -> Application:
    """CERT-4: the fee of an application is charged once, guarded by its ledger line, never refunded."""
    repo = ApplicationRepository(uow.session)
    app = await repo.get_owned(cmd.application_id, cmd.account_id)
    now = uow.clock.now()
    fee = app.submit(await load_account(uow.session, app.account_id), deps.calendar, cmd.actor, now)
    if fee and await repo.open_fee(app.id, app.account_id, fee, now):
        try:
            receipt = await deps.payments.charge(idempotency_key=f"certification-fee:{app.id}",
                                                 account_id=app.account_id, amount_cny=fee,
                                                 description="certification audit service fee")
        except PaymentFailed as error:  # the transaction rolls back: no ledger line, still a draft
            raise errors.PaymentDeclined("the audit fee of 300 CNY could not be charged") from error
        await repo.settle_fee(app.id, receipt.reference)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def reopen_application(cmd: commands.ReopenApplication, uow: UnitOfWork, deps: Deps) -> Application:
    app = await ApplicationRepository(uow.session).get_owned(cmd.application_id, cmd.account_id)
    app.reopen(deps.calendar, cmd.actor, uow.clock.now())
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def renew_certification(cmd: commands.RenewCertification, uow: UnitOfWork, deps: Deps) -> Application:
    """CERT-8: renewal is a new (charged) application reviewed before the current one expires."""
    repo = ApplicationRepository(uow.session)
    current = await repo.get_owned(cmd.application_id, cmd.account_id)
    now = uow.clock.now()
    current.check_renewable(now)
    if await repo.has_open(current.account_id, CertificationType.ENTERPRISE, renewal_of=current.id):
        raise errors.RenewalNotPossible("a renewal of this certification is already open")
    renewal = current.start_renewal(cmd.channel, cmd.actor, now)
    repo.add(renewal)
    await uow.commit()
    return renewal


async def sync_from_sister_app(cmd: commands.SyncFromSisterApp, uow: UnitOfWork, deps: Deps) -> Application:
    """CERT-9: an associated sister-app certification becomes ours without a fee or a new review."""
    source = await deps.sister_app.certification_of(cmd.source_reference, cmd.account_id)
    if source is None:
        raise errors.SyncRefused("no sister-app certification with this reference is associated with the account")
    repo = ApplicationRepository(uow.session)
    if await repo.has_open(cmd.account_id, CertificationType.ENTERPRISE):
        raise errors.OpenApplicationExists("an open enterprise application or certification exists already",
                                           rule="CERT-9")
    app = Application.sync_from_sister_app(cmd.account_id, source, await load_account(uow.session, cmd.account_id),
                                           cmd.actor, uow.clock.now())
    repo.add(app)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def cancel_certification(cmd: commands.CancelCertification, uow: UnitOfWork, deps: Deps) -> Application:
    """CERT-10: the holder (or support) cancels; the fee stays paid, the data stays kept."""
    repo = ApplicationRepository(uow.session)
    if cmd.by == CancelledBy.HOLDER:
        assert cmd.account_id is not None
        app = await repo.get_owned(cmd.application_id, cmd.account_id)
    else:
        app = await repo.get(cmd.application_id)
    # CERT-8/CERT-10: open renewals go with it; locks in the order an approval takes them (renewal first).
    renewals = await repo.open_renewals_of(app.id)
    app = await repo.get(app.id, lock=True)
    app.cancel(cmd.by, cmd.actor, uow.clock.now(), renewals)
    await uow.commit()
    return app

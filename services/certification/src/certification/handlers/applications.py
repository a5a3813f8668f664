"""Applicants' commands: start, fill in, upload, submit, reopen, renew, sync, cancel."""
from __future__ import annotations

import uuid

from certification.adapters.payments import PaymentFailed, Payments
from certification.adapters.storage import DocumentStorage
from certification.domain import commands, errors
from certification.domain.application import Application
from certification.domain.calendar import WorkingCalendar
from certification.domain.records import Document
from certification.handlers.deadlines import schedule_deadlines
from certification.repository import UnitOfWork
from certification.settings import Settings
from trust_common.contracts.certification import CertificationType
from trust_common.projections import load_account


async def start_application(cmd: commands.StartApplication, uow: UnitOfWork) -> Application:
    app = Application.start(cmd.account_id, cmd.certification_type, cmd.channel, cmd.fields, cmd.actor,
                            uow.clock.now(), profile=await load_account(uow.session, cmd.account_id),
                            open_exists=await uow.applications.has_open(cmd.account_id, cmd.certification_type))
    uow.applications.add(app)
    await uow.commit()
    return app


async def update_fields(cmd: commands.UpdateFields, uow: UnitOfWork) -> Application:
    app = await uow.applications.get(cmd.application_id, owner=cmd.account_id)
    app.update_fields(cmd.fields, cmd.actor, uow.clock.now())
    await uow.commit()
    return app


async def upload_document(cmd: commands.UploadDocument, uow: UnitOfWork, storage: DocumentStorage,
                          settings: Settings) -> Document:
    """CERT-3: check the kind first, then stream to storage; a refused upload leaves no file behind.

    The body streams with no transaction open and no pooled connection held (a slow client must not pin
    one): a short read checks ownership and the kind, then the file is stored, then a second transaction
    attaches it (re-checking the state, which may have changed meanwhile)."""
    app = await uow.applications.get(cmd.application_id, owner=cmd.account_id)
    app.check_upload(cmd.kind)
    await uow.session.rollback()  # ends the read: the connection goes back to the pool
    stored = await storage.store(cmd.content, settings.document_max_bytes)
    try:
        app = await uow.applications.get(cmd.application_id, lock=True)
        now = uow.clock.now()
        document = Document(str(uuid.uuid4()), app.id, cmd.kind, stored.key, stored.media_type, stored.size,
                            stored.sha256, now)
        replaced = app.attach_document(document, cmd.actor, now)
        # Issue 13: a superseded upload is deleted, unless a renewal's copy still uses the same file.
        orphaned = [old.storage_key for old in replaced if not await uow.applications.file_in_use(old)]
        await uow.commit()
    except BaseException:
        await storage.delete(stored.key)
        raise
    for key in orphaned:
        await storage.delete(key)
    return document


async def submit_application(cmd: commands.SubmitApplication, uow: UnitOfWork, calendar: WorkingCalendar,
                             payments: Payments) -> Application:
    """CERT-4: the fee of an application is charged once, guarded by its ledger line, never refunded."""
    # CERT-4: the row lock makes concurrent submits take turns: the losers find it in audit (409, CERT-4)
    app = await uow.applications.get(cmd.application_id, owner=cmd.account_id, lock=True)
    now = uow.clock.now()
    fee = app.submit(await load_account(uow.session, app.account_id), calendar, cmd.actor, now)
    if fee and await uow.applications.open_fee(app.id, app.account_id, fee, now):
        try:
            receipt = await payments.charge(idempotency_key=f"certification-fee:{app.id}",
                                            account_id=app.account_id, amount_cny=fee,
                                            description="certification audit service fee")
        except PaymentFailed as error:  # the transaction rolls back: no ledger line, still a draft
            raise errors.PaymentDeclined("the audit fee of 300 CNY could not be charged") from error
        await uow.applications.settle_fee(app.id, receipt.reference)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def reopen_application(cmd: commands.ReopenApplication, uow: UnitOfWork,
                             calendar: WorkingCalendar) -> Application:
    app = await uow.applications.get(cmd.application_id, owner=cmd.account_id)
    app.reopen(calendar, cmd.actor, uow.clock.now(), await load_account(uow.session, app.account_id))
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def renew_certification(cmd: commands.RenewCertification, uow: UnitOfWork) -> Application:
    """CERT-8: renewal is a new (charged) application reviewed before the current one expires."""
    current = await uow.applications.get(cmd.application_id, owner=cmd.account_id)
    renewal = current.start_renewal(cmd.channel, cmd.actor, uow.clock.now(), renewal_open=await uow.applications
                                    .has_open(current.account_id, CertificationType.ENTERPRISE, renewal_of=current.id))
    uow.applications.add(renewal)
    await uow.commit()
    return renewal


async def sync_from_sister_app(cmd: commands.SyncFromSisterApp, uow: UnitOfWork) -> Application:
    """CERT-9: a sister-app certification (as its events told us) becomes ours without a fee or a new review."""
    source = await uow.sister_app.get(cmd.source_reference)
    app = Application.sync_from_sister_app(
        cmd.account_id, source, await load_account(uow.session, cmd.account_id), cmd.actor, uow.clock.now(),
        open_exists=await uow.applications.has_open(cmd.account_id, CertificationType.ENTERPRISE))
    uow.applications.add(app)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def cancel_certification(cmd: commands.CancelCertification, uow: UnitOfWork) -> Application:
    """CERT-10: the holder (or support, for any account) cancels; the fee stays paid, the data stays kept."""
    app = await uow.applications.get(cmd.application_id, owner=cmd.account_id)
    # CERT-8/CERT-10: open renewals go with it; locks in the order an approval takes them (renewal first).
    renewals = await uow.applications.open_renewals_of(app.id)
    app = await uow.applications.get(app.id, lock=True)
    app.cancel(cmd.by, cmd.actor, uow.clock.now(), renewals)
    await uow.commit()
    return app

"""The one place that wires the certification service: adapters, calendar, bus, worker handlers."""
from __future__ import annotations

from datetime import timedelta
from functools import partial

from trust_common.consumer import chain
from trust_common.contracts.platform import AccountChanged, AccountDeleted
from trust_common.messagebus import MessageBus
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.providers import provider
from trust_common.runtime import Runtime
from trust_common.worker import WorkerSpec

from certification import orm
from certification.adapters.payments import FakePayments
from certification.adapters.sister_app import FakeSisterAppDirectory
from certification.adapters.storage import LocalDocumentStorage
from certification.domain import commands
from certification.domain.calendar import WorkingCalendar
from certification.handlers import applicant, events, review
from certification.handlers.support import (
    BADGE_GRACE, CORRECTION_DEADLINE, EXPIRY, EXPIRY_REMINDER, REOPEN_WINDOW, REVIEW_SLA, Deps,
    OVERDUE_GAUGE, constraint_problems,
)
from certification.settings import Settings

DEPS_KEY = "certification.deps"


def dependencies(runtime: Runtime) -> Deps:
    """The adapters of this process, built once per runtime (tests reach the fakes through it)."""
    if DEPS_KEY not in runtime.extras:
        settings = runtime.settings
        assert isinstance(settings, Settings)
        orm.start_mappers()
        runtime.extras[DEPS_KEY] = Deps(
            calendar=WorkingCalendar(settings.holidays),
            payments=provider(runtime, "payments", lambda: FakePayments(settings.payments_decline_prefix)),
            storage=LocalDocumentStorage(settings.document_dir),
            sister_app=provider(runtime, "sister_app", FakeSisterAppDirectory),
            review_lease=timedelta(seconds=settings.review_lease_seconds),
            document_max_bytes=settings.document_max_bytes,
        )
    return runtime.extras[DEPS_KEY]


COMMAND_HANDLERS = {
    commands.StartApplication: applicant.start_application,
    commands.UpdateFields: applicant.update_fields,
    commands.UploadDocument: applicant.upload_document,
    commands.SubmitApplication: applicant.submit_application,
    commands.ReopenApplication: applicant.reopen_application,
    commands.RenewCertification: applicant.renew_certification,
    commands.SyncFromSisterApp: applicant.sync_from_sister_app,
    commands.CancelCertification: applicant.cancel_certification,
    commands.ClaimReview: review.claim_review,
    commands.ApproveApplication: review.approve_application,
    commands.RejectApplication: review.reject_application,
}


def build_bus(runtime: Runtime) -> MessageBus:
    deps = dependencies(runtime)
    return MessageBus(runtime.uow, {command: partial(h, deps=deps) for command, h in COMMAND_HANDLERS.items()},
                      constraint_problems=constraint_problems())


def build_worker_spec(runtime: Runtime) -> WorkerSpec:
    deps = dependencies(runtime)
    handlers = {
        **ACCOUNT_PROJECTION,
        # CERT-2: the projection is updated first, then certified profiles are compared with it.
        AccountChanged: chain(ACCOUNT_PROJECTION[AccountChanged], partial(events.account_changed, deps=deps)),
        AccountDeleted: chain(ACCOUNT_PROJECTION[AccountDeleted], partial(events.account_deleted, deps=deps)),
    }
    timers = {
        REVIEW_SLA: partial(events.review_sla_due, deps=deps),
        BADGE_GRACE: partial(events.badge_grace_over, deps=deps),
        CORRECTION_DEADLINE: partial(events.correction_deadline_over, deps=deps),
        REOPEN_WINDOW: partial(events.reopen_window_over, deps=deps),
        EXPIRY_REMINDER: partial(events.expiry_reminder_due, deps=deps),
        EXPIRY: partial(events.expiry_due, deps=deps),
        OVERDUE_GAUGE: partial(events.refresh_overdue_gauge, deps=deps),
    }
    return WorkerSpec(handlers=handlers, timers=timers)

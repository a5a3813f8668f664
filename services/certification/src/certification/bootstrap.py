"""The one place that wires the certification service: `SERVICE`, from which libs/common builds its API,
worker, migrations and test harness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from certification.adapters.payments import FakePayments, Payments
from certification.adapters.storage import DocumentStorage, LocalDocumentStorage
from certification.domain import commands
from certification.domain.calendar import WorkingCalendar
from certification.handlers import accounts, applications, deadlines, enterprise_accounts, reviews, sister_app
from certification.orm import CONSTRAINT_PROBLEMS, metadata, start_mappers
from certification.repository import UnitOfWork
from certification.routes import applications as application_routes
from certification.routes import enterprise_accounts as enterprise_account_routes
from certification.routes import reviews as review_routes
from certification.settings import Settings
from trust_common.contracts.platform import AccountChanged, AccountDeleted, SisterAppCertificationChanged
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.providers import fake
from trust_common.runtime import Runtime
from trust_common.service import Service, handlers


@dataclass(frozen=True)
class Adapters:
    calendar: WorkingCalendar  # CERT-5: working days: holidays, make-up days, in the calendar's time zone
    payments: Payments  # CERT-4: the audit fee
    storage: DocumentStorage  # CERT-3: uploaded documents (a mounted volume in production)


def adapters(runtime: Runtime[Settings]) -> Adapters:
    settings = runtime.settings
    return Adapters(
        calendar=WorkingCalendar(settings.holidays, settings.makeup_working_days, settings.calendar_timezone),
        payments=fake(settings, "payments", lambda: FakePayments(settings.payments_decline_prefix)),
        storage=LocalDocumentStorage(settings.document_dir),
    )


SERVICE = Service(
    name="certification",
    title="Certification",
    description="Enterprise (blue V), personal and real-name certification with the audit review.",
    settings=Settings,
    migrations=Path(__file__).parent / "migrations",
    routers=[application_routes.router, review_routes.router, enterprise_account_routes.router],
    commands={
        commands.StartApplication: applications.start_application,
        commands.UpdateFields: applications.update_fields,
        commands.UploadDocument: applications.upload_document,
        commands.SubmitApplication: applications.submit_application,
        commands.ReopenApplication: applications.reopen_application,
        commands.RenewCertification: applications.renew_certification,
        commands.SyncFromSisterApp: applications.sync_from_sister_app,
        commands.CancelCertification: applications.cancel_certification,
        commands.ClaimReview: reviews.claim_review,
        commands.ApproveApplication: reviews.approve_application,
        commands.RejectApplication: reviews.reject_application,
        commands.OpenEnterpriseAccount: enterprise_accounts.open_enterprise_account,  # CERT-11
    },
    # CERT-2: the projection is updated first, then certified profiles are compared with it.
    # CERT-9: the sister app's certification facts; synced certifications follow them.
    events=handlers(ACCOUNT_PROJECTION,
                    {AccountChanged: accounts.account_changed, AccountDeleted: accounts.account_deleted,
                     SisterAppCertificationChanged: sister_app.sister_app_certification_changed}),
    timers={
        deadlines.REVIEW_SLA: deadlines.review_sla_due,  # CERT-5
        deadlines.OVERDUE_GAUGE: deadlines.refresh_overdue_gauge,  # CERT-5 dashboard
        deadlines.BADGE_GRACE: deadlines.badge_grace_over,  # CERT-2
        deadlines.CORRECTION_DEADLINE: deadlines.correction_deadline_over,  # CERT-7
        deadlines.REOPEN_WINDOW: deadlines.reopen_window_over,  # CERT-7
        deadlines.EXPIRY_REMINDER: deadlines.expiry_reminder_due,  # CERT-8
        deadlines.EXPIRY: deadlines.expiry_due,  # CERT-8
    },
    adapters=adapters,
    unit_of_work=UnitOfWork,
    mappers=start_mappers,
    metadata=metadata,
    constraint_problems=CONSTRAINT_PROBLEMS,
)

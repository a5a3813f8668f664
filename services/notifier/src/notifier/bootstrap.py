"""The one place that wires the notifier: `SERVICE`, from which libs/common builds its API,
worker, migrations and test harness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from notifier.adapters.egress import EgressGuard, SystemResolver
from notifier.adapters.email import EmailTransport, SmtpTransport
from notifier.adapters.webhooks import HttpWebhookTransport, WebhookTransport
from notifier.domain import commands
from notifier.handlers import deliveries, inbox, notices, webhooks, windows
from notifier.orm import metadata, start_mappers
from notifier.repository import UnitOfWork
from notifier.routes import inbox as inbox_routes
from notifier.routes import webhooks as webhook_routes
from notifier.settings import Settings
from trust_common.contracts import certification as cert
from trust_common.contracts import employee_accounts as emp
from trust_common.contracts import shop_binding as shop
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.runtime import Runtime
from trust_common.sealing import Sealer
from trust_common.service import Service, handlers


@dataclass(frozen=True)
class Adapters:
    email: EmailTransport  # NOTE-4: mail to recipients (SMTP; the local stack's sink in development)
    webhooks: WebhookTransport  # NOTE-4: signed POSTs to tenants' endpoints
    sealer: Sealer  # webhook signing secrets at rest
    egress: EgressGuard  # issue 13: where a webhook URL may point, at registration and at every delivery


def adapters(runtime: Runtime[Settings]) -> Adapters:
    settings = runtime.settings
    egress = EgressGuard(SystemResolver(), allow_http=settings.webhook_allow_http,
                         allow_loopback=settings.webhook_allow_loopback)
    return Adapters(
        email=SmtpTransport(settings, runtime.tracer_provider),
        webhooks=HttpWebhookTransport(egress, settings.webhook_timeout_seconds, runtime.tracer_provider),
        sealer=Sealer.from_settings(settings.webhook_secret_keys, settings.webhook_secret_active_key_id),
        egress=egress)


SERVICE = Service(
    name="notifier",
    title="Notifier",
    description="48-hour confirmation prompts, reminders and notices over the in-app inbox, email and signed "
                "webhooks.",
    settings=Settings,
    migrations=Path(__file__).parent / "migrations",
    routers=[inbox_routes.router, webhook_routes.router],
    commands={
        commands.MarkRead: inbox.mark_read,
        commands.MarkAllRead: inbox.mark_all_read,
        commands.SetMute: inbox.set_mute,
        commands.RegisterEndpoint: webhooks.register_endpoint,
        commands.RotateEndpointSecret: webhooks.rotate_secret,
        commands.DisableEndpoint: webhooks.disable_endpoint,
        commands.ReplayDelivery: deliveries.replay_delivery,
        commands.ReplayDeliveries: deliveries.replay_deliveries,
    },
    events=handlers(ACCOUNT_PROJECTION, {
        # NOTE-1: both 48-hour windows, opened, closed early, or lapsed.
        emp.InvitationSent: windows.employee_invitation_sent,
        emp.InvitationAccepted: windows.employee_invitation_accepted,
        emp.InvitationDeclined: windows.employee_invitation_declined,
        emp.InvitationWithdrawn: windows.employee_invitation_withdrawn,
        emp.InvitationLapsed: windows.employee_invitation_lapsed,
        shop.ShopInvitationSent: windows.shop_invitation_sent,
        shop.ShopInvitationConfirmed: windows.shop_invitation_confirmed,
        shop.ShopInvitationDeclined: windows.shop_invitation_declined,
        shop.ShopInvitationWithdrawn: windows.shop_invitation_withdrawn,
        shop.ShopInvitationLapsed: windows.shop_invitation_lapsed,
        # NOTE-2: certification notices.
        cert.ApplicationSubmitted: notices.application_submitted,
        cert.ApplicationApproved: notices.application_approved,
        cert.ApplicationRejected: notices.application_rejected,
        cert.ApplicationFailed: notices.application_failed,
        cert.ExpiryReminderDue: notices.expiry_reminder_due,
        cert.CertificationRenewed: notices.certification_renewed,
        cert.BadgeSuspended: notices.badge_suspended,
        cert.CertificationExpired: notices.certification_expired,
        cert.CertificationCancelled: notices.certification_cancelled,
        # NOTE-3: a departing employee must unbind their real name.
        emp.EmployeeDepartureAwaitingRealNameUnbinding: notices.departure_awaiting_unbinding,
        # NOTE-5: authorisation changed (EMP-19), validity ending and ended (EMP-21), support answers (SHOP-12).
        emp.AuthorisationChanged: notices.authorisation_changed,
        emp.AuthorisationValidityEnding: notices.authorisation_validity_ending,
        emp.AuthorisationValidityEnded: notices.authorisation_validity_ended,
        shop.SupportCaseResolved: notices.support_case_answered,
        shop.SupportCaseDeclined: notices.support_case_answered,
    }),
    timers={
        deliveries.ATTEMPT_TIMER: deliveries.attempt_delivery,  # NOTE-4
        windows.REMINDER_TIMER: windows.remind,  # NOTE-1
    },
    adapters=adapters,
    unit_of_work=UnitOfWork,
    mappers=start_mappers,
    metadata=metadata,
)

"""The one place that wires the notifier: the bus for the API and the worker's handlers."""
from __future__ import annotations

from trust_common.messagebus import MessageBus
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.runtime import Runtime
from trust_common.worker import WorkerSpec

from notifier import handlers
from notifier.channels import EmailTransport, HttpWebhookTransport, SmtpTransport, WebhookTransport
from notifier.consumers import NOTICE_HANDLERS, window_handlers
from notifier.domain import commands
from notifier.notices import ATTEMPT_TIMER, REMINDER_TIMER, remind
from notifier.orm import start_mappers
from notifier.secrets_box import FernetBox
from notifier.sending import DeliveryAttempts
from notifier.settings import Settings

# Tests and local tools may put other transports here before the worker starts.
EMAIL_TRANSPORT = "notifier.email_transport"
WEBHOOK_TRANSPORT = "notifier.webhook_transport"


def build_bus(runtime: Runtime) -> MessageBus:
    start_mappers()
    settings = runtime.settings
    assert isinstance(settings, Settings)
    box = FernetBox.from_settings(settings)
    return MessageBus(runtime.uow, {
        commands.MarkRead: handlers.mark_read, commands.MarkAllRead: handlers.mark_all_read,
        commands.SetMute: handlers.set_mute,
        commands.RegisterEndpoint: handlers.make_register_endpoint(settings, box),
        commands.RotateEndpointSecret: handlers.make_rotate_secret(settings, box),
        commands.DisableEndpoint: handlers.disable_endpoint,
        commands.ReplayDelivery: handlers.replay_delivery,
    })


def build_worker_spec(runtime: Runtime) -> WorkerSpec:
    start_mappers()
    settings = runtime.settings
    assert isinstance(settings, Settings)
    email: EmailTransport = runtime.extras.get(EMAIL_TRANSPORT) or SmtpTransport(settings)
    webhooks: WebhookTransport = runtime.extras.get(WEBHOOK_TRANSPORT) or HttpWebhookTransport(settings)
    attempts = DeliveryAttempts(settings, runtime.uow, email, webhooks, FernetBox.from_settings(settings))
    return WorkerSpec(
        handlers={**ACCOUNT_PROJECTION, **window_handlers(settings.reminder_offsets), **NOTICE_HANDLERS},
        timers={ATTEMPT_TIMER: attempts, REMINDER_TIMER: remind},
    )

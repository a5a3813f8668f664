"""The one place that wires the service: mappers, the message bus and its handlers."""
from __future__ import annotations

from functools import partial

from trust_common.messagebus import MessageBus
from trust_common.runtime import Runtime

from shop_binding import handlers
from shop_binding.business_centre import HmacBusinessCentreVerifier
from shop_binding.domain import commands
from shop_binding.orm import start_mappers
from shop_binding.repository import constraint_problems
from shop_binding.settings import Settings


def build_bus(runtime: Runtime) -> MessageBus:
    start_mappers()
    settings = runtime.settings if isinstance(runtime.settings, Settings) else Settings()
    markets = settings.link_markets
    # LINK-1: proofs of control of a business-centre account come from the business centre.
    verifier = HmacBusinessCentreVerifier(settings.business_centre_assertion_key.get_secret_value().encode())
    return MessageBus(runtime.uow, {
        commands.InviteCreator: handlers.invite_creator,
        commands.WithdrawInvitation: handlers.withdraw_invitation,
        commands.ConfirmInvitation: handlers.confirm_invitation,
        commands.DeclineInvitation: handlers.decline_invitation,
        commands.UnbindCreator: handlers.unbind_creator,
        commands.RequestUnlink: handlers.request_unlink,
        commands.AnswerUnlinkRequest: handlers.answer_unlink_request,
        commands.ResolvePendingBinding: handlers.resolve_pending_binding,
        commands.LinkBusinessCentre: partial(handlers.link_business_centre, markets=markets, verifier=verifier),
        commands.UnlinkBusinessCentre: handlers.unlink_business_centre,
    }, constraint_problems=constraint_problems())

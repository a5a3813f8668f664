"""The one place that wires the shop-binding service: `SERVICE`, from which libs/common
builds its API, worker, migrations and test harness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trust_common.projections import ACCOUNT_PROJECTION, SHOP_PROJECTION
from trust_common.runtime import Runtime
from trust_common.service import Service, handlers

from shop_binding import handlers as h
from shop_binding.business_centre import HmacBusinessCentreVerifier
from shop_binding.domain import commands
from shop_binding.domain.links import BusinessCentreVerifier
from shop_binding.entrypoints import creator_routes, link_routes, merchant_routes, support_routes
from shop_binding.handlers import INVITATION_EXPIRY
from shop_binding.orm import start_mappers
from shop_binding.repository import constraint_problems
from shop_binding.settings import Settings


@dataclass(frozen=True)
class Adapters:
    # LINK-1: proofs of control of a business-centre account come from the business centre.
    verifier: BusinessCentreVerifier


def adapters(runtime: Runtime[Settings]) -> Adapters:
    key = runtime.settings.business_centre_assertion_key.get_secret_value().encode()
    return Adapters(verifier=HmacBusinessCentreVerifier(key))


SERVICE = Service(
    name="shop-binding",
    title="Shop binding",
    description="Shop and creator bindings, invitations, unlink requests and business-centre links.",
    settings=Settings,
    migrations=Path(__file__).parent / "migrations",
    routers=[merchant_routes.router, creator_routes.router, support_routes.router, link_routes.router],
    commands={
        commands.InviteCreator: h.invite_creator,
        commands.WithdrawInvitation: h.withdraw_invitation,
        commands.ConfirmInvitation: h.confirm_invitation,
        commands.DeclineInvitation: h.decline_invitation,
        commands.UnbindCreator: h.unbind_creator,
        commands.RequestUnlink: h.request_unlink,
        commands.AnswerUnlinkRequest: h.answer_unlink_request,
        commands.ResolvePendingBinding: h.resolve_pending_binding,
        commands.LinkBusinessCentre: h.link_business_centre,
        commands.UnlinkBusinessCentre: h.unlink_business_centre,
    },
    events=handlers(ACCOUNT_PROJECTION, SHOP_PROJECTION),
    timers={INVITATION_EXPIRY: h.lapse_invitation},  # SHOP-6
    adapters=adapters,
    mappers=start_mappers,
    constraint_problems=constraint_problems(),
)

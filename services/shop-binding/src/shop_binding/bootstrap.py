"""The one place that wires the shop-binding service: `SERVICE`, from which libs/common
builds its API, worker, migrations and test harness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shop_binding.adapters.business_centre import BusinessCentreVerifier, HmacBusinessCentreVerifier
from shop_binding.domain import commands
from shop_binding.handlers import bindings, invitations, links, platform, support
from shop_binding.orm import CONSTRAINT_PROBLEMS, metadata, start_mappers
from shop_binding.repository import UnitOfWork
from shop_binding.routes import creator, internal, merchant
from shop_binding.routes import links as link_routes
from shop_binding.routes import support as support_routes
from shop_binding.settings import Settings
from trust_common.contracts.platform import AccountChanged, AccountDeleted
from trust_common.projections import ACCOUNT_PROJECTION, SHOP_PROJECTION
from trust_common.runtime import Runtime
from trust_common.service import Service, handlers


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
    routers=[merchant.router, creator.router, support_routes.router, link_routes.router, internal.router],
    commands={
        commands.InviteCreator: invitations.invite_creator,
        commands.WithdrawInvitation: invitations.withdraw_invitation,
        commands.ConfirmInvitation: invitations.confirm_invitation,
        commands.DeclineInvitation: invitations.decline_invitation,
        commands.UnbindCreator: bindings.unbind_creator,
        commands.RequestUnlink: bindings.request_unlink,
        commands.AnswerUnlinkRequest: bindings.answer_unlink_request,
        commands.ResolvePendingBinding: bindings.resolve_pending_binding,
        commands.OpenSupportCase: support.open_support_case,  # SHOP-12
        commands.AnswerSupportCase: support.answer_support_case,
        commands.LinkBusinessCentre: links.link_business_centre,
        commands.UnlinkBusinessCentre: links.unlink_business_centre,
    },
    # A deleted or banned creator account's bindings end (SHOP-7 Decision, SHOP-13), after the projection.
    events=handlers(ACCOUNT_PROJECTION, SHOP_PROJECTION, {
        AccountChanged: platform.end_bindings_of_gone_account,
        AccountDeleted: platform.end_bindings_of_gone_account}),
    timers={invitations.INVITATION_EXPIRY: invitations.lapse_invitation},  # SHOP-6
    adapters=adapters,
    unit_of_work=UnitOfWork,
    mappers=start_mappers,
    metadata=metadata,
    constraint_problems=CONSTRAINT_PROBLEMS,
)

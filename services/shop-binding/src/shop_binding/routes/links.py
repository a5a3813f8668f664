"""Business-centre link routes (LINK-1, LINK-2) for the platform account the caller acts as."""
from __future__ import annotations

from fastapi import APIRouter

from shop_binding import views
from shop_binding.domain import commands
from shop_binding.domain.errors import LinkNotFound
from shop_binding.domain.links import Consent, ControlProof
from shop_binding.routes.schemas import LinkCreate, LinkPublic
from trust_common.auth import CurrentPrincipal, Role, requires
from trust_common.dependencies import BusDep, SessionDep

# LINK-1: a platform account acting for itself (not support, an auditor or a service acting for it). Every route
# of the resource has this one gate (issue 13: reading and deleting a link admitted every role).
LINKING_ROLES = (Role.ACCOUNT_HOLDER, Role.CREATOR, Role.MERCHANT)

router = APIRouter(prefix="/v1/business-centre-links", tags=["business-centre links"],
                   dependencies=[requires(*LINKING_ROLES)])


@router.post("", status_code=201)
async def link(body: LinkCreate, principal: CurrentPrincipal, bus: BusDep) -> LinkPublic:
    """Link from the sign-up, login, user-settings or ad-creation entry point (recorded), with the business
    centre's proof that the caller controls the business-centre account (`control_proof`, LINK-1) and the
    user's acceptance of the centre's current terms and authorisation of its access (`consent`, LINK-2)."""
    proof = ControlProof(body.control_proof.issued_at, body.control_proof.signature) if body.control_proof else None
    consent = Consent(body.consent.terms_version, tuple(body.consent.scopes)) if body.consent else None
    command = commands.LinkBusinessCentre(principal.require_account(), body.business_centre_account_id,
                                          body.entry_point, proof, consent)
    return LinkPublic.model_validate(await bus.handle(command))


@router.get("/me")
async def my_link(principal: CurrentPrincipal, session: SessionDep) -> LinkPublic:
    """The live link and the platform account's name, as user settings show it."""
    found = await views.link_of_account(session, principal.require_account())
    if found is None:
        raise LinkNotFound("this account has no business-centre link")
    return LinkPublic.model_validate(found)


@router.delete("/me")
async def unlink(principal: CurrentPrincipal, bus: BusDep) -> LinkPublic:
    """Unlink; the business centre's authorisation is revoked (LINK-2)."""
    link = await bus.handle(commands.UnlinkBusinessCentre(principal.require_account()))
    return LinkPublic.model_validate(link)

"""Business-centre links: linked with the business centre's proof of control (LINK-1) and the user's
consent (LINK-2), unlinked (the authorisation revoked)."""
from __future__ import annotations

import uuid

from shop_binding.adapters.business_centre import BusinessCentreVerifier
from shop_binding.domain import commands
from shop_binding.domain.errors import LinkNotFound
from shop_binding.domain.links import BusinessCentreLink
from shop_binding.repository import UnitOfWork
from shop_binding.settings import Settings


async def link_business_centre(command: commands.LinkBusinessCentre, uow: UnitOfWork, settings: Settings,
                               verifier: BusinessCentreVerifier) -> BusinessCentreLink:
    # LINK-1: only someone the business centre vouches for may link its account (no squatting), checked
    # before anything is read so a refused caller learns nothing about existing links.
    verifier.verify(command.control_proof, platform_account_id=command.platform_account_id,
                    business_centre_account_id=command.business_centre_account_id, now=uow.clock.now())
    account = await uow.platform.account(command.platform_account_id)
    link = BusinessCentreLink.link(
        link_id=str(uuid.uuid4()), platform_account_id=command.platform_account_id,
        business_centre_account_id=command.business_centre_account_id, entry_point=command.entry_point,
        market=account.country, enabled_markets=settings.link_markets,
        consent=command.consent, current_terms_version=settings.business_centre_terms_version,
        link_of_account=await uow.links.live_of_account(command.platform_account_id),
        link_of_business_centre=await uow.links.live_of_business_centre(command.business_centre_account_id),
        now=uow.clock.now())
    uow.links.add(link)  # the same pair again is the live link, already in the session: nothing new
    await uow.commit()  # LINK-1: unique indexes refuse a concurrent second link
    return link


async def unlink_business_centre(command: commands.UnlinkBusinessCentre, uow: UnitOfWork) -> BusinessCentreLink:
    link = await uow.links.live_of_account(command.platform_account_id)
    if link is None:
        raise LinkNotFound("this account has no business-centre link")
    link.remove(uow.clock.now())
    await uow.commit()
    return link


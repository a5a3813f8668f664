"""Questions other services ask (internal service tokens only)."""
from __future__ import annotations

from fastapi import APIRouter

from shop_binding import views
from shop_binding.routes.schemas import SellingEntitlementPublic
from trust_common.auth import Role, requires
from trust_common.dependencies import SessionDep
from trust_common.validation import Id

router = APIRouter(prefix="/v1/internal", tags=["internal"], dependencies=[requires(Role.SERVICE)])


@router.get("/creators/{account_id}/selling-entitlement")
async def selling_entitlement(account_id: Id, session: SessionDep) -> SellingEntitlementPublic:
    """SHOP-13: whether the creator account may sell in live and short video without 1,000 followers (it is
    bound to a shop); also published as `selling_entitlement` events keyed by the creator account."""
    return SellingEntitlementPublic(**await views.selling_entitlement(session, account_id))

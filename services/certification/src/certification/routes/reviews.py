"""Auditors' routes: the review queue by SLA due time, claims with leases, decisions (CERT-5, CERT-6)."""
from __future__ import annotations

from fastapi import APIRouter

from certification import views
from certification.domain import commands
from certification.routes.deps import AuditorDep, BusDep, NowDep, SessionDep, identities, staff_actor
from certification.routes.schemas import ApplicationPublic, Rejection
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


@router.get("")
async def review_queue(principal: AuditorDep, session: SessionDep, page: ListQuery) -> Page[ApplicationPublic]:
    apps, next_cursor = await views.review_queue(session, page)
    return Page.of(ApplicationPublic, [ApplicationPublic.of(a) for a in apps], next_cursor)


@router.get("/overdue")
async def overdue_reviews(principal: AuditorDep, session: SessionDep, now: NowDep,
                          page: ListQuery) -> Page[ApplicationPublic]:
    """CERT-5: reviews past their 2-working-day due time (SLA breaches)."""
    apps, next_cursor = await views.review_queue(session, page, overdue_at=now)
    return Page.of(ApplicationPublic, [ApplicationPublic.of(a) for a in apps], next_cursor)


@router.post("/claim")
async def claim_next(principal: AuditorDep, bus: BusDep) -> ApplicationPublic:
    """Lease the waiting application with the earliest SLA due time."""
    return ApplicationPublic.of(await bus.handle(commands.ClaimReview(staff_actor(principal),
                                                                      identities=identities(principal))))


@router.post("/{application_id}/claim")
async def claim(application_id: Id, principal: AuditorDep, bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.ClaimReview(staff_actor(principal), application_id,
                                                                      identities(principal))))


@router.post("/{application_id}/approve")
async def approve(application_id: Id, principal: AuditorDep, bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.ApproveApplication(staff_actor(principal), application_id,
                                                                             identities(principal))))


@router.post("/{application_id}/reject")
async def reject(application_id: Id, body: Rejection, principal: AuditorDep, bus: BusDep) -> ApplicationPublic:
    """CERT-6: reasons per document or field, with reason codes such as false_information."""
    return ApplicationPublic.of(await bus.handle(commands.RejectApplication(
        staff_actor(principal), application_id, body.reasons, identities(principal))))

"""Consumed sister-app certification facts (CERT-9): the projection, then the synced certifications follow."""
from __future__ import annotations

from certification.domain.calendar import WorkingCalendar
from certification.handlers.accounts import PLATFORM
from certification.handlers.deadlines import schedule_deadlines
from certification.repository import UnitOfWork, to_source
from trust_common.contracts.platform import SisterAppCertificationChanged
from trust_common.events import EventEnvelope


async def sister_app_certification_changed(event: SisterAppCertificationChanged, envelope: EventEnvelope,
                                           uow: UnitOfWork, calendar: WorkingCalendar) -> None:
    """CERT-9 decision: renewed there → extended here; cancelled or expired there → ended here; the two
    profiles diverge → re-review. A late, older fact changes nothing."""
    if not await uow.sister_app.apply(event, envelope):
        return
    source = to_source({**event.model_dump(mode="python"), "status": str(event.status),
                        "profile": event.profile.model_dump(mode="json")})
    for app in await uow.applications.following(event.reference):
        if app.follow_source(source, calendar, PLATFORM, uow.clock.now()):
            await schedule_deadlines(uow, app)

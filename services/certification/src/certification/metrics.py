"""Review SLA metrics (CERT-5): a breach counter and the overdue reviews right now."""
from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter, Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from certification.orm import applications

REVIEWS_OVERDUE = Gauge("certification_reviews_overdue", "Applications in audit past their 2-working-day due time")
REVIEW_SLA_BREACHES = Counter("certification_review_sla_breaches_total", "Reviews that missed the 2-working-day SLA")


async def refresh_overdue(session: AsyncSession, now: datetime) -> int:
    """Count the overdue reviews and publish the count on the gauge."""
    overdue = (await session.execute(select(func.count()).select_from(applications).where(
        applications.c.status.in_(("submitted", "in_review")), applications.c.review_due_at < now))).scalar_one()
    REVIEWS_OVERDUE.set(overdue)
    return overdue

"""Auditors' commands: claim a review with a lease, approve, reject with reasons (CERT-5, CERT-6)."""
from __future__ import annotations

from certification.domain import commands, policies
from certification.domain.application import Application
from certification.handlers.deadlines import schedule_deadlines
from certification.repository import UnitOfWork
from certification.settings import Settings


async def claim_review(cmd: commands.ClaimReview, uow: UnitOfWork, settings: Settings) -> Application:
    """Lease one application to one auditor; two auditors claiming at once never both win."""
    now = uow.clock.now()
    if cmd.application_id is None:
        app = await uow.applications.next_claimable(now, skip_accounts=cmd.identities)
    else:
        app = await uow.applications.get(cmd.application_id, lock=True)
    policies.check_independent(app.account_id, cmd.identities)  # CERT-5
    app.claim(cmd.auditor, now, settings.review_lease)
    await uow.commit()
    return app


async def approve_application(cmd: commands.ApproveApplication, uow: UnitOfWork) -> Application:
    """CERT-5; CERT-8: a renewal replaces its predecessor, locked after the renewal (as cancelling does)."""
    app = await uow.applications.get(cmd.application_id, lock=True)
    policies.check_independent(app.account_id, cmd.identities)  # CERT-5
    renewed = await uow.applications.get(app.renews, lock=True) if app.renews else None
    app.approve(cmd.auditor, uow.clock.now(), renewed=renewed)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def reject_application(cmd: commands.RejectApplication, uow: UnitOfWork) -> Application:
    app = await uow.applications.get(cmd.application_id, lock=True)
    policies.check_independent(app.account_id, cmd.identities, rule="CERT-6")
    app.reject(cmd.auditor, cmd.reasons, uow.clock.now())
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app

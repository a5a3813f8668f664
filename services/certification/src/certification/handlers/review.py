"""Use cases of auditors: claim a review with a lease, approve, reject with reasons (CERT-5, CERT-6)."""
from __future__ import annotations

from trust_common.uow import UnitOfWork

from certification.domain import commands, errors
from certification.domain.model import Application
from certification.handlers.support import Deps, schedule_deadlines
from certification.repository import ApplicationRepository


async def claim_review(cmd: commands.ClaimReview, uow: UnitOfWork, deps: Deps) -> Application:
    """Lease one application to one auditor; two auditors claiming at once never both win."""
    repo = ApplicationRepository(uow.session)
    now = uow.clock.now()
    if cmd.application_id is None:
        app = await repo.next_claimable(now)
        if app is None:
            raise errors.ApplicationNotFound("no application is waiting for review")
    else:
        app = await repo.get(cmd.application_id, lock=True)
    app.claim(cmd.auditor, now, deps.review_lease)
    await uow.commit()
    return app


async def approve_application(cmd: commands.ApproveApplication, uow: UnitOfWork, deps: Deps) -> Application:
    repo = ApplicationRepository(uow.session)
    app = await repo.get(cmd.application_id, lock=True)
    now = uow.clock.now()
    if app.renewal_of is not None and not app.profile_changed:  # CERT-8: the renewal replaces its predecessor
        previous = await repo.get(app.renewal_of, lock=True)
        previous.renew(app, cmd.auditor, now)
    else:
        app.approve(cmd.auditor, now)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app


async def reject_application(cmd: commands.RejectApplication, uow: UnitOfWork, deps: Deps) -> Application:
    app = await ApplicationRepository(uow.session).get(cmd.application_id, lock=True)
    now = uow.clock.now()
    app.reject(cmd.auditor, cmd.reasons, now)
    await schedule_deadlines(uow, app)
    await uow.commit()
    return app

"""Request dependencies: the bus, a read session, settings and document storage, and who acts (X-3)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from certification.adapters.storage import DocumentStorage
from certification.domain.states import Actor
from certification.settings import Settings
from trust_common.auth import CurrentPrincipal, Principal, Role
from trust_common.dependencies import BusDep, NowDep, SessionDep  # noqa: F401  (used by the routes)

APPLICANT_ROLES = (Role.ACCOUNT_HOLDER, Role.ENTERPRISE_ADMIN)
STAFF_ROLES = (Role.AUDITOR, Role.SUPPORT)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


def get_storage(request: Request) -> DocumentStorage:
    storage: DocumentStorage = request.app.state.runtime.adapters.storage
    return storage


SettingsDep = Annotated[Settings, Depends(get_settings)]
StorageDep = Annotated[DocumentStorage, Depends(get_storage)]


def applicant(principal: CurrentPrincipal) -> Principal:
    """An account holder acting for its own platform account; other roles may never apply (403)."""
    principal.require(*APPLICANT_ROLES)
    principal.require_account()
    return principal


def auditor(principal: CurrentPrincipal) -> Principal:
    return principal.require(Role.AUDITOR)


ApplicantDep = Annotated[Principal, Depends(applicant)]
AuditorDep = Annotated[Principal, Depends(auditor)]


def holder_actor(principal: Principal) -> Actor:
    return Actor(principal.require_account(), "holder")


def staff_actor(principal: Principal) -> Actor:
    return Actor(principal.subject, "auditor" if principal.has(Role.AUDITOR) else "support")


def identities(principal: Principal) -> frozenset[str]:
    """CERT-5/6: whom a reviewing principal acts for besides itself: its account and its enterprises."""
    return frozenset({principal.subject, *([principal.account_id] if principal.account_id else []),
                      *principal.enterprise_ids})


def reader_scope(principal: Principal) -> str | None:
    """Whose applications a reader may see: auditors and support any (None), holders only their own."""
    if principal.has(*STAFF_ROLES):
        return None
    principal.require(*APPLICANT_ROLES)
    return principal.require_account()


def reviewed_only(principal: Principal) -> bool:
    """X-3: auditors see the review queue: only applications ever sent to audit (in review or decided),
    never drafts nor their documents; anything else is as good as absent (404)."""
    return principal.has(Role.AUDITOR) and not principal.has(Role.SUPPORT)

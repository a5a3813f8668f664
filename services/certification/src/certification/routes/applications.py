"""Applicants' routes: start, fill in, upload, submit, reopen, renew, sync, cancel, read (CERT-1 … CERT-12)."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response

from certification import views
from certification.domain import commands, errors
from certification.routes.deps import (
    APPLICANT_ROLES,
    ApplicantDep,
    BusDep,
    SessionDep,
    SettingsDep,
    StorageDep,
    holder_actor,
    reader_scope,
    reviewed_only,
    staff_actor,
)
from certification.routes.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    DocumentPublic,
    FieldsUpdate,
    HistoryPublic,
    RenewalCreate,
    SyncCreate,
)
from trust_common.auth import CurrentPrincipal, Role
from trust_common.contracts.certification import CancelledBy, DocumentKind
from trust_common.limits import max_body
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1", tags=["applications"])
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@router.post("/applications", status_code=201)
async def start_application(body: ApplicationCreate, principal: ApplicantDep, bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.StartApplication(
        holder_actor(principal), principal.require_account(), body.certification_type, body.channel, body.fields)))


@router.get("/applications")
async def list_applications(principal: ApplicantDep, session: SessionDep,
                            page: ListQuery) -> Page[ApplicationPublic]:
    apps, next_cursor = await views.applications_of(session, principal.require_account(), page)
    return Page.of(ApplicationPublic, [ApplicationPublic.of(a) for a in apps], next_cursor)


@router.get("/applications/{application_id}")
async def read_application(application_id: Id, principal: CurrentPrincipal,
                           session: SessionDep) -> ApplicationPublic:
    return ApplicationPublic.of(await views.application(session, application_id, account_id=reader_scope(principal),
                                                        reviewed_only=reviewed_only(principal)))


@router.patch("/applications/{application_id}")
async def update_fields(application_id: Id, body: FieldsUpdate, principal: ApplicantDep,
                        bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.UpdateFields(
        holder_actor(principal), principal.require_account(), application_id, body.fields)))


@router.put("/applications/{application_id}/documents/{kind}", status_code=201,
            dependencies=[max_body(lambda settings: settings.document_max_bytes, errors.DocumentTooLarge)])
async def upload_document(application_id: Id, kind: DocumentKind, request: Request, principal: ApplicantDep,
                          bus: BusDep, settings: SettingsDep) -> DocumentPublic:
    """The raw file is the body; its type is read from its first bytes, not from Content-Type (CERT-3)."""
    limit = settings.document_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise errors.DocumentTooLarge(f"documents may be at most {limit} bytes", max_bytes=limit)
    return DocumentPublic.of(await bus.handle(commands.UploadDocument(
        holder_actor(principal), principal.require_account(), application_id, kind, request.stream())))


@router.get("/applications/{application_id}/documents/{document_id}")
async def download_document(application_id: Id, document_id: Id, principal: CurrentPrincipal,
                            session: SessionDep, storage: StorageDep) -> Response:
    """Served only to the owner and to auditors (CERT-3: used only for this certification)."""
    if principal.has(Role.AUDITOR):
        scope = None
    elif principal.has(*APPLICANT_ROLES):
        scope = principal.require_account()
    else:
        raise errors.NotYourDocument("documents are served only to their owner and auditors")
    await views.application(session, application_id, account_id=scope, reviewed_only=reviewed_only(principal))
    document = await views.document(session, application_id, document_id)
    content = await storage.read(document.storage_key)
    filename = f"{document.kind}.{EXTENSIONS.get(document.media_type, 'bin')}"
    return Response(content, media_type=document.media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"',
                             "cache-control": "private, no-store", "x-content-type-options": "nosniff"})


@router.post("/applications/{application_id}/submit")
async def submit_application(application_id: Id, principal: ApplicantDep, bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.SubmitApplication(
        holder_actor(principal), principal.require_account(), application_id)))


@router.post("/applications/{application_id}/reopen")
async def reopen_application(application_id: Id, principal: ApplicantDep, bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.ReopenApplication(
        holder_actor(principal), principal.require_account(), application_id)))


@router.post("/applications/{application_id}/renewal", status_code=201)
async def renew(application_id: Id, body: RenewalCreate, principal: ApplicantDep, bus: BusDep) -> ApplicationPublic:
    return ApplicationPublic.of(await bus.handle(commands.RenewCertification(
        holder_actor(principal), principal.require_account(), application_id, body.channel)))


@router.post("/applications/{application_id}/cancel")
async def cancel(application_id: Id, principal: CurrentPrincipal, bus: BusDep) -> ApplicationPublic:
    """CERT-10: by the holder, or by support for any account."""
    if principal.has(Role.SUPPORT):
        command = commands.CancelCertification(staff_actor(principal), application_id, CancelledBy.SUPPORT)
    else:
        holder = principal.require(Role.ACCOUNT_HOLDER, Role.ENTERPRISE_ADMIN)
        command = commands.CancelCertification(holder_actor(holder), application_id, CancelledBy.HOLDER,
                                               holder.require_account())
    return ApplicationPublic.of(await bus.handle(command))


@router.post("/certifications/sync", status_code=201)
async def sync(body: SyncCreate, principal: ApplicantDep, bus: BusDep) -> ApplicationPublic:
    """CERT-9: sync an associated sister-app enterprise certification."""
    return ApplicationPublic.of(await bus.handle(commands.SyncFromSisterApp(
        holder_actor(principal), principal.require_account(), body.source_reference)))


@router.get("/applications/{application_id}/history")
async def read_history(application_id: Id, principal: CurrentPrincipal, session: SessionDep,
                       page: ListQuery) -> Page[HistoryPublic]:
    """CERT-12: the audit trail, readable by the holder and by auditors."""
    await views.application(session, application_id, account_id=reader_scope(principal),
                            reviewed_only=reviewed_only(principal))
    rows, next_cursor = await views.history(session, application_id, page)
    return Page.of(HistoryPublic, rows, next_cursor)

"""Applicants over HTTP: CERT-1, CERT-2, CERT-3, CERT-4, CERT-11, CERT-12 and tenancy (X-3)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from certification.domain import commands, errors
from certification.domain.states import Actor
from certification.handlers import applications
from trust_common.auth import Role
from trust_common.contracts.certification import DocumentKind

from tests.certification.flows import (
    BRAND,
    PDF,
    PNG,
    auditor,
    enterprise_draft,
    event_types,
    holder,
    ledger_lines,
    new_id,
    seed_account,
    stored_files,
    submitted_enterprise,
)


async def test_an_enterprise_applies_from_the_mobile_app_and_submits_once_charged(certification):
    """CERT-11 (channel recorded), CERT-4 (300 CNY once, in the ledger), CERT-5 (review due)."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client, channel="mobile")
        before = (await client.get(f"/v1/applications/{app['id']}")).json()
        assert before["channel"] == "mobile" and before["requirements"]["currently_due"] == []
        response = await client.post(f"/v1/applications/{app['id']}/submit")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "submitted" and body["review_due_at"]
    assert body["requirements"]["disabled_reason"] == "requirements.pending_verification"
    assert await ledger_lines(certification, app["id"]) == 1
    assert await event_types(certification, app["id"]) == [
        "certification.application.started", "certification.application.document_uploaded",
        "certification.application.document_uploaded", "certification.application.submitted"]


async def test_a_draft_lists_what_is_currently_due(certification):
    """CERT-3: the required documents and fields are shown as currently due."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        response = await client.post("/v1/applications", json={"certification_type": "enterprise", "channel": "pc"})
    requirements = response.json()["requirements"]
    assert requirements["currently_due"] == ["documents.business_licence", "documents.certification_letter",
                                             "fields.display_name", "fields.enterprise_name"]
    assert requirements["disabled_reason"] == "requirements.currently_due"


async def test_bad_uploads_get_a_problem_and_store_nothing(certification):
    """CERT-3: wrong type by content (whatever the declared type), too large while streaming, empty."""
    account = await seed_account(certification)
    limit = certification.settings.document_max_bytes

    async def too_big():
        chunk = b"%PDF-" + b"0" * (64 * 1024 - 5)
        for _ in range(limit // len(chunk) + 2):
            yield chunk
            chunk = b"0" * 64 * 1024

    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "enterprise",
                                                           "channel": "pc"})).json()
        url = f"/v1/applications/{app['id']}/documents/business_licence"
        files_before = stored_files(certification)
        disguised = await client.put(url, content=b"GIF89a" + b"\x00" * 100,
                                     headers={"content-type": "application/pdf"})
        streamed = await client.put(url, content=too_big())  # chunked: no Content-Length to trust
        declared = await client.put(url, content=b"%PDF-" + b"0" * (limit + 1))
        empty = await client.put(url, content=b"")
        after = (await client.get(f"/v1/applications/{app['id']}")).json()
    assert (disguised.status_code, disguised.json()["rule"]) == (415, "CERT-3")
    assert disguised.headers["content-type"] == "application/problem+json"
    assert (streamed.status_code, streamed.json()["rule"]) == (413, "CERT-3")
    assert declared.status_code == 413
    assert (empty.status_code, empty.json()["rule"]) == (400, "CERT-3")
    assert after["documents"] == [] and stored_files(certification) == files_before


async def test_png_and_jpeg_are_accepted_and_named_by_the_server(certification):
    """CERT-3: server-side file names, never the client's."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "enterprise",
                                                           "channel": "pc"})).json()
        files_before = stored_files(certification)
        png = await client.put(f"/v1/applications/{app['id']}/documents/icp_filing", content=PNG,
                               headers={"content-disposition": 'attachment; filename="../../etc/passwd"'})
        jpeg = await client.put(f"/v1/applications/{app['id']}/documents/trademark_certificate",
                                content=b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert png.status_code == 201 and png.json()["media_type"] == "image/png"
    assert jpeg.json()["media_type"] == "image/jpeg"
    new_files = stored_files(certification) - files_before
    assert len(new_files) == 2 and not any("passwd" in name for name in new_files)


async def test_a_document_not_asked_for_is_refused(certification):
    """CERT-3: personal (yellow V) takes no business licence; nothing else may be demanded."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "personal", "channel": "pc",
                                                           "fields": {"title": "Musician"}})).json()
        response = await client.put(f"/v1/applications/{app['id']}/documents/business_licence", content=PDF)
    assert (response.status_code, response.json()["rule"]) == (422, "CERT-3")


async def test_documents_are_served_only_to_the_owner_and_to_auditors_once_submitted(certification):
    """CERT-3 (documents used only for this certification), X-3 (auditors see the review queue, not drafts)."""
    account = await seed_account(certification)
    other = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        document_id = (await client.get(f"/v1/applications/{app['id']}")).json()["documents"][0]["id"]
        url = f"/v1/applications/{app['id']}/documents/{document_id}"
        own = await client.get(url)
    async with holder(certification, other.account_id) as client:
        foreign = await client.get(url)
    async with auditor(certification) as client:
        draft_read = await client.get(f"/v1/applications/{app['id']}")
        draft_document = await client.get(url)
        draft_history = await client.get(f"/v1/applications/{app['id']}/history")
    async with holder(certification, account.account_id) as client:
        assert (await client.post(f"/v1/applications/{app['id']}/submit")).status_code == 200
    async with auditor(certification) as client:
        audited = await client.get(url)
        audited_read = await client.get(f"/v1/applications/{app['id']}")
    async with certification.client("support-1", Role.SUPPORT) as client:
        support = await client.get(url)
    assert own.status_code == 200 and own.content == PDF and own.headers["content-type"] == "application/pdf"
    assert draft_read.status_code == draft_document.status_code == draft_history.status_code == 404
    assert audited.status_code == 200 and audited.content == PDF and audited_read.status_code == 200
    assert foreign.status_code == 404 and support.status_code == 403


async def test_auditors_do_not_see_a_draft_cancelled_before_it_was_ever_submitted(certification):
    """X-3: auditors see the review queue (what was sent to audit), never drafts, not even withdrawn ones."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        assert (await client.post(f"/v1/applications/{app['id']}/cancel")).status_code == 200
    async with auditor(certification) as client:
        read = await client.get(f"/v1/applications/{app['id']}")
    assert read.status_code == 404 and read.json()["type"].endswith("application-not-found")


async def test_a_second_fee_is_never_charged_when_submit_is_raced_or_retried(certification):
    """CERT-4: concurrent submits of one application charge once; a retry is refused without a charge."""
    account = await seed_account(certification)
    payments = certification.adapters.payments
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        url = f"/v1/applications/{app['id']}/submit"
        responses = await asyncio.gather(*[client.post(url) for _ in range(5)])
        retried = await client.post(url)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 1 and all(c == 409 for c in codes if c != 200), [r.text for r in responses]
    assert retried.status_code == 409
    # Issue 15: the loser of the race (and the retry) is told which rule refused it: CERT-4, charged once.
    assert {r.json()["rule"] for r in [*responses, retried] if r.status_code == 409} == {"CERT-4"}
    assert await ledger_lines(certification, app["id"]) == 1
    assert payments.attempts.count(f"certification-fee:{app['id']}") == 1  # type: ignore[attr-defined]


async def test_a_submit_retried_with_its_idempotency_key_gets_the_first_answer_and_no_second_charge(certification):
    """CERT-4: a network retry of the same submit replays the response; the fee is charged once."""
    account = await seed_account(certification)
    payments = certification.adapters.payments
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        url, headers = f"/v1/applications/{app['id']}/submit", {"Idempotency-Key": f"submit-{app['id']}"}
        first = await client.post(url, headers=headers)
        retried = await client.post(url, headers=headers)
    assert first.status_code == retried.status_code == 200 and first.json() == retried.json()
    assert payments.attempts.count(f"certification-fee:{app['id']}") == 1  # type: ignore[attr-defined]
    assert await ledger_lines(certification, app["id"]) == 1


async def test_a_declined_payment_leaves_the_draft_unsent_and_uncharged(certification):
    """CERT-4: no ledger line without a charge."""
    account = await seed_account(certification, new_id("declined"))
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        response = await client.post(f"/v1/applications/{app['id']}/submit")
        after = (await client.get(f"/v1/applications/{app['id']}")).json()
    assert (response.status_code, response.json()["rule"]) == (422, "CERT-4")
    assert after["status"] == "draft" and await ledger_lines(certification, app["id"]) == 0


async def test_personal_and_real_name_applications_are_free(certification):
    """CERT-1: personal (yellow V) is free; real-name needs the platform's verified identity."""
    account = await seed_account(certification, real_name_verified=True)
    async with holder(certification, account.account_id) as client:
        real_name = (await client.post("/v1/applications", json={"certification_type": "real_name",
                                                                 "channel": "mobile"})).json()
        submitted = await client.post(f"/v1/applications/{real_name['id']}/submit")
    assert submitted.status_code == 200 and await ledger_lines(certification, real_name["id"]) == 0


async def test_an_inconsistent_profile_is_refused_at_submission(certification):
    """CERT-2: the account's username must be consistent with the enterprise details."""
    account = await seed_account(certification, username="someone_random")
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        response = await client.post(f"/v1/applications/{app['id']}/submit")
    assert (response.status_code, response.json()["rule"]) == (422, "CERT-2")
    assert response.json()["errors"][0]["target"] == "display_name"


async def test_a_bare_substring_of_the_username_is_a_mismatch(certification):
    """CERT-2 decision: "Acme Coffee" inside "NotAcme Coffee" is refused; a whole word passes."""
    account = await seed_account(certification, username="NotAcme Coffee")
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        response = await client.post(f"/v1/applications/{app['id']}/submit")
    assert (response.status_code, response.json()["rule"]) == (422, "CERT-2")


async def test_the_auditor_sees_the_profile_snapshot_and_the_name_check(certification):
    """CERT-2 decision: the result of the pre-check and the full snapshot (username, avatar, signature) are on
    the application the auditor reviews; the fee is on it too (issue 15)."""
    account = await seed_account(certification, signature="We roast in Shanghai")
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        submitted = (await client.post(f"/v1/applications/{app['id']}/submit")).json()
    async with auditor(certification) as client:
        seen = (await client.get(f"/v1/applications/{app['id']}")).json()
    assert seen["profile"] == {"username": f"{BRAND} Official", "avatar_url": "https://img/a.png",
                               "signature": "We roast in Shanghai", "name_check": "whole_word", "sister_app": None}
    assert seen["fee"]["amount_cny"] == 300 and seen["fee"]["currency"] == "CNY" and not seen["fee"]["refundable"]
    assert seen["fee"]["charged_at"] == submitted["fee"]["charged_at"] is not None


async def test_a_superseded_document_is_no_longer_downloadable_and_its_file_is_gone(certification):
    """Issue 13 (CERT-3: documents used only for this certification): a replaced upload is not served (404)
    and its stored file is deleted; the current version still is."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = await enterprise_draft(client)
        url = f"/v1/applications/{app['id']}/documents/business_licence"
        first = (await client.get(f"/v1/applications/{app['id']}")).json()["documents"]
        old = next(d for d in first if d["kind"] == "business_licence")
        files_before = stored_files(certification)
        new = (await client.put(url, content=PNG)).json()
        old_read = await client.get(f"/v1/applications/{app['id']}/documents/{old['id']}")
        new_read = await client.get(f"/v1/applications/{app['id']}/documents/{new['id']}")
    assert old_read.status_code == 404 and old_read.json()["type"].endswith("document-not-found")
    assert new_read.status_code == 200 and new_read.content == PNG
    files_after = stored_files(certification)
    assert len(files_before - files_after) == 1 and len(files_after - files_before) == 1


async def test_an_account_unknown_to_the_platform_projection_cannot_apply(certification):
    """CERT-2: the profile snapshot comes from the platform-accounts projection."""
    async with holder(certification, new_id("acc")) as client:
        response = await client.post("/v1/applications", json={"certification_type": "enterprise", "channel": "pc"})
    assert (response.status_code, response.json()["rule"]) == (422, "CERT-2")


async def test_one_open_application_per_type(certification):
    """CERT-1: a second open application of the same type is refused."""
    account_id, _ = await submitted_enterprise(certification)
    async with holder(certification, account_id) as client:
        response = await client.post("/v1/applications", json={"certification_type": "enterprise", "channel": "pc"})
    assert (response.status_code, response.json()["rule"]) == (409, "CERT-1")


async def test_concurrent_starts_open_exactly_one_application(certification):
    """CERT-1 (one open application per account and type; CERT-4: one charge) also when requests race."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        responses = await asyncio.gather(*[client.post("/v1/applications", json={
            "certification_type": "personal", "channel": "pc", "fields": {"title": "Musician"}}) for _ in range(6)])
        listed = (await client.get("/v1/applications", params={"limit": 50})).json()["items"]
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5, [r.text for r in responses]
    assert {r.json()["rule"] for r in responses if r.status_code == 409} == {"CERT-1"}
    assert len(listed) == 1


async def test_the_upload_streams_with_no_transaction_open_and_attaches_afterwards(certification):
    """CERT-3: a slow upload holds no database connection while its body arrives; the document is then attached."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "personal", "channel": "pc",
                                                           "fields": {"title": "Musician"}})).json()
    runtime, storage, seen = certification.runtime, certification.adapters.storage, []

    async with runtime.uow() as uow:
        async def body() -> AsyncIterator[bytes]:
            for part in (PDF[:10], PDF[10:]):
                seen.append(uow.session.in_transaction())
                yield part

        command = commands.UploadDocument(Actor(account.account_id, "holder"), account.account_id, app["id"],
                                          DocumentKind.PROFESSIONAL_PROOF, body())
        document = await applications.upload_document(command, uow, storage, certification.settings)
    assert seen == [False, False]
    async with holder(certification, account.account_id) as client:
        stored = (await client.get(f"/v1/applications/{app['id']}")).json()["documents"]
    assert [d["id"] for d in stored] == [document.id]


async def test_an_upload_to_an_application_sent_to_audit_meanwhile_leaves_no_file(certification):
    """CERT-3: the state is checked again when attaching; a refused attach deletes the stored file."""
    account = await seed_account(certification, real_name_verified=True)
    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "personal", "channel": "pc",
                                                           "fields": {"title": "Musician"}})).json()
        assert (await client.put(f"/v1/applications/{app['id']}/documents/professional_proof",
                                 content=PDF)).status_code == 201
    runtime, storage, before = certification.runtime, certification.adapters.storage, stored_files(certification)

    async def body() -> AsyncIterator[bytes]:
        async with holder(certification, account.account_id) as client:  # submitted while the body streams
            assert (await client.post(f"/v1/applications/{app['id']}/submit")).status_code == 200
        yield PDF

    async with runtime.uow() as uow:
        command = commands.UploadDocument(Actor(account.account_id, "holder"), account.account_id, app["id"],
                                          DocumentKind.PROFESSIONAL_PROOF, body())
        with pytest.raises(errors.WrongStatus):
            await applications.upload_document(command, uow, storage, certification.settings)
    assert stored_files(certification) == before


async def test_another_accounts_application_is_invisible_and_untouchable(certification):
    """X-3: foreign resources are 404; roles that may never apply or review get 403."""
    owner_id, app_id = await submitted_enterprise(certification)
    stranger = await seed_account(certification)
    async with holder(certification, stranger.account_id) as client:
        assert (await client.get(f"/v1/applications/{app_id}")).status_code == 404
        assert (await client.patch(f"/v1/applications/{app_id}", json={"fields": {}})).status_code == 404
        assert (await client.post(f"/v1/applications/{app_id}/submit")).status_code == 404
        assert (await client.post(f"/v1/applications/{app_id}/cancel")).status_code == 404
        assert (await client.get(f"/v1/applications/{app_id}/history")).status_code == 404
        assert (await client.put(f"/v1/applications/{app_id}/documents/icp_filing", content=PDF)).status_code == 404
        assert app_id not in [a["id"] for a in (await client.get("/v1/applications")).json()["items"]]
        assert (await client.post(f"/v1/reviews/{app_id}/claim")).status_code == 403
        assert (await client.get("/v1/reviews")).status_code == 403
    async with certification.client("m-1", Role.MERCHANT, account_id=owner_id) as client:
        assert (await client.post("/v1/applications", json={"certification_type": "enterprise",
                                                             "channel": "pc"})).status_code == 403
        assert (await client.get(f"/v1/applications/{app_id}")).status_code == 403
    async with certification.client() as anonymous:
        assert (await anonymous.get(f"/v1/applications/{app_id}")).status_code == 401


async def test_own_applications_are_listed_with_cursors(certification):
    """X-3 listings are paginated with cursors."""
    account = await seed_account(certification, real_name_verified=True)
    async with holder(certification, account.account_id) as client:
        for kind in ("enterprise", "personal", "real_name"):
            await client.post("/v1/applications", json={"certification_type": kind, "channel": "pc"})
        first = (await client.get("/v1/applications", params={"limit": 2})).json()
        second = (await client.get("/v1/applications", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    types = [a["certification_type"] for a in first["items"] + second["items"]]
    assert sorted(types) == ["enterprise", "personal", "real_name"]


async def test_the_holder_and_auditors_read_back_the_audit_trail(certification):
    """CERT-12: who, when, from → to and why."""
    account_id, app_id = await submitted_enterprise(certification)
    async with holder(certification, account_id) as client:
        page = (await client.get(f"/v1/applications/{app_id}/history", params={"limit": 3})).json()
        rest = (await client.get(f"/v1/applications/{app_id}/history",
                                 params={"cursor": page["next_cursor"]})).json()
    async with auditor(certification) as client:
        as_auditor = await client.get(f"/v1/applications/{app_id}/history")
    lines = page["items"] + rest["items"]
    assert [line["action"] for line in lines] == ["started", "document_uploaded", "document_uploaded", "submitted"]
    assert lines[-1]["from_status"] == "draft" and lines[-1]["to_status"] == "submitted"
    assert lines[-1]["actor_id"] == account_id and lines[-1]["reason"]["fee_cny"] == 300
    assert as_auditor.status_code == 200 and len(as_auditor.json()["items"]) == 4


async def test_unknown_enum_values_are_validation_problems(certification):
    """CERT-11: only pc and mobile (and sync by its own route)."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        bad = await client.post("/v1/applications", json={"certification_type": "gold", "channel": "fax"})
        synced = await client.post("/v1/applications", json={"certification_type": "enterprise",
                                                              "channel": "sister_app_sync"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert (synced.status_code, synced.json()["rule"]) == (400, "CERT-11")

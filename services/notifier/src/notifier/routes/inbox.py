"""For recipients: their in-app inbox, delivery status and preferences (NOTE-4)."""
from __future__ import annotations

from fastapi import APIRouter

from notifier import views
from notifier.domain.commands import MarkAllRead, MarkRead, SetMute
from notifier.domain.errors import NotificationNotFound
from notifier.routes.deps import UnreadOnly
from notifier.routes.schemas import (
    DeliveryPublic,
    InboxItem,
    Marked,
    MuteEntry,
    MuteIn,
    PreferencesPublic,
    UnreadCount,
)
from trust_common.auth import CurrentPrincipal, Role
from trust_common.dependencies import BusDep, SessionDep
from trust_common.pagination import ListQuery, Page
from trust_common.validation import Id

router = APIRouter(prefix="/v1", tags=["inbox"])


@router.get("/inbox")
async def list_inbox(principal: CurrentPrincipal, session: SessionDep, page: ListQuery,
                     unread: UnreadOnly) -> Page[InboxItem]:
    """The caller's own notifications, newest first, in the caller's locale."""
    account_id = principal.require_account()
    rows, next_cursor = await views.inbox_page(session, account_id, page, unread_only=unread)
    locale = await views.locale_of(session, account_id)
    return Page[InboxItem](items=[InboxItem.of(r, locale) for r in rows], next_cursor=next_cursor)


@router.get("/inbox/unread-count")
async def count_unread(principal: CurrentPrincipal, session: SessionDep) -> UnreadCount:
    return UnreadCount(unread=await views.unread_count(session, principal.require_account()))


@router.post("/inbox/read-all")
async def read_all(principal: CurrentPrincipal, bus: BusDep) -> Marked:
    return Marked(marked=await bus.handle(MarkAllRead(principal.require_account())))


@router.post("/inbox/{notification_id}/read")
async def read_one(notification_id: Id, principal: CurrentPrincipal, bus: BusDep, session: SessionDep) -> InboxItem:
    account_id = principal.require_account()
    await bus.handle(MarkRead(account_id, notification_id))
    row = await views.notification_row(session, notification_id)
    return InboxItem.of(row, await views.locale_of(session, account_id))


@router.get("/notifications/{notification_id}/deliveries")
async def notification_deliveries(notification_id: Id, principal: CurrentPrincipal,
                                  session: SessionDep) -> list[DeliveryPublic]:
    """Status per channel of one notification: its recipient's, or any for support (X-3)."""
    row = await views.notification_row(session, notification_id)
    operator = principal.has(Role.SUPPORT, Role.SERVICE)
    if row is None or not (operator or row.recipient_account_id == principal.account_id):
        raise NotificationNotFound(f"no notification {notification_id} among yours")
    rows = await views.deliveries_of(session, notification_id)
    if not operator:
        # Issue 13: the recipient sees their own channels; the tenant's webhook endpoints are not theirs.
        rows = [d for d in rows if d.channel != "webhook"]
    return [DeliveryPublic.model_validate(d) for d in rows]


@router.get("/preferences")
async def get_preferences(principal: CurrentPrincipal, session: SessionDep) -> PreferencesPublic:
    muted = await views.muted(session, principal.require_account())
    return PreferencesPublic(muted=[MuteEntry(channel=c, kind=k) for c, k in muted])


@router.put("/preferences/mutes")
async def set_mute(body: MuteIn, principal: CurrentPrincipal, bus: BusDep) -> PreferencesPublic:
    """Mute or unmute a channel for non-critical kinds; critical kinds are refused (NOTE-4)."""
    preferences = await bus.handle(SetMute(principal.require_account(), body.channel, body.kind, body.muted))
    return PreferencesPublic(muted=[MuteEntry(channel=c, kind=k) for c, k in sorted(preferences.muted)])

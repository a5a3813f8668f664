"""A recipient's inbox and preferences (NOTE-4): read marks and mutes."""
from __future__ import annotations

from notifier.domain.commands import MarkAllRead, MarkRead, SetMute
from notifier.domain.errors import NotificationNotFound
from notifier.domain.notification import Notification
from notifier.domain.preferences import Preferences
from notifier.repository import UnitOfWork


async def mark_read(command: MarkRead, uow: UnitOfWork) -> Notification:
    notification = await uow.notifications.get(command.notification_id)
    if notification is None:
        raise NotificationNotFound(f"no notification {command.notification_id} in your inbox")
    notification.mark_read(command.account_id, uow.clock.now())
    await uow.commit()
    return notification


async def mark_all_read(command: MarkAllRead, uow: UnitOfWork) -> int:
    marked = await uow.notifications.mark_all_read(command.account_id, uow.clock.now())
    await uow.commit()
    return marked


async def set_mute(command: SetMute, uow: UnitOfWork) -> Preferences:
    preferences = await uow.preferences.get(command.account_id)
    if command.muted:
        entry = preferences.mute(command.channel, command.kind)  # NOTE-4: refuses critical kinds
    else:
        entry = preferences.unmute(command.channel, command.kind)
    await uow.preferences.save(command.account_id, entry, command.muted)
    await uow.commit()
    return preferences

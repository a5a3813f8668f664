"""Pure rules of the notifier (no I/O): windows, preferences, deliveries, templates, signatures."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifier.domain.delivery import Delivery, DeliveryStatus, RetryPolicy
from notifier.domain.errors import (
    ChannelCannotBeMuted,
    CriticalKindCannotBeMuted,
    DeliveryClaimHeld,
    DeliveryNotDeadLettered,
    InvalidEndpointUrl,
    NotificationNotFound,
    TenantNotFound,
)
from notifier.domain.kinds import Kind, is_critical
from notifier.domain.notification import Notification, Tenant
from notifier.domain.preferences import Preferences
from notifier.domain.templates import LOCALES, TEMPLATES, render, resolve_locale
from notifier.domain.webhooks import SECRET_PURPOSE, WebhookEndpoint, signature_header, verify_signature
from notifier.domain.window import ConfirmationWindow, WindowSource, WindowStatus
from trust_common.contracts.notifier import (
    Channel,
    NotificationDeadLettered,
    NotificationDelivered,
    NotificationFailed,
    NotificationReplayed,
)
from trust_common.sealing import Sealed, Sealer, SealingError

SEALER = Sealer({"k1": b"k" * 32}, "k1")
OWNED = frozenset({("shop", "shop-1"), ("shop", "s")})  # the tenants the caller acts for

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OFFSETS = [timedelta(hours=24), timedelta(hours=2)]


def window(closes_in: timedelta = timedelta(hours=48)) -> ConfirmationWindow:
    return ConfirmationWindow.open(WindowSource.SHOP_INVITATION, "inv-1", invitee_account_id="creator-1",
                                   initiator_account_id="merchant-1", tenant=Tenant("shop", "shop-1"),
                                   closes_at=NOW + closes_in, now=NOW)


# NOTE-1 ---------------------------------------------------------------------------------------

def test_a_window_prompts_the_invitee_when_it_opens():
    """NOTE-1: the prompt goes to the invitee, carries the tenant and the close time."""
    prompt = window().prompt(NOW)
    assert prompt is not None
    assert prompt.kind == Kind.WINDOW_PROMPT and prompt.recipient_account_id == "creator-1"
    assert (prompt.tenant_kind, prompt.tenant_id) == ("shop", "shop-1")
    assert prompt.params["closes_at"] == "2026-03-04 09:00 UTC"


def test_a_window_seen_only_after_it_closed_prompts_nobody():
    """NOTE-1: a prompt for a window already past its close would ask for the impossible."""
    assert window(timedelta(hours=-1)).prompt(NOW) is None


def test_reminders_fall_24_and_2_hours_before_the_window_closes():
    """NOTE-1: one reminder per configured offset, keyed per window and offset."""
    reminders = window().reminders(OFFSETS, NOW)
    assert [r.due_at for r in reminders] == [NOW + timedelta(hours=24), NOW + timedelta(hours=46)]
    assert [r.key for r in reminders] == ["shop_invitation:inv-1:86400", "shop_invitation:inv-1:7200"]


def test_reminders_already_past_when_the_window_opens_are_not_planned():
    """NOTE-1: a window seen with 10 hours left gets only the 2-hour reminder."""
    assert [r.offset_seconds for r in window(timedelta(hours=10)).reminders(OFFSETS, NOW)] == [7200]


def test_a_closed_window_sends_no_reminder():
    """NOTE-1: accepted early means the pending reminder has nothing to say."""
    w = window()
    assert w.close("confirmed", NOW + timedelta(hours=1))
    assert w.remind(7200, NOW + timedelta(hours=46)) is None
    assert not w.close("declined", NOW + timedelta(hours=2))  # closing twice changes nothing


def test_an_open_window_reminds_with_the_hours_left():
    """NOTE-1."""
    reminder = window().remind(7200, NOW + timedelta(hours=46))
    assert reminder is not None and reminder.kind == Kind.WINDOW_REMINDER and reminder.params["hours_left"] == 2


def test_the_24_hour_reminder_says_24_hours_even_when_it_fires_a_little_late():
    """NOTE-1, issue 15: the hours left round to the nearest hour (they used to floor to "23 h")."""
    for late in (timedelta(0), timedelta(seconds=1), timedelta(minutes=20)):
        reminder = window().remind(86400, NOW + timedelta(hours=24) + late)
        assert reminder is not None and reminder.params["hours_left"] == 24
    last = window().remind(7200, NOW + timedelta(hours=47, minutes=50))
    assert last is not None and last.params["hours_left"] == 1


def test_a_lapsed_window_tells_the_initiator_once():
    """NOTE-1: the lapse notice goes to the initiator, not the invitee, and only once."""
    w = window()
    notice = w.lapse(NOW + timedelta(hours=48))
    assert notice is not None and notice.kind == Kind.WINDOW_LAPSED and notice.recipient_account_id == "merchant-1"
    assert w.status == WindowStatus.LAPSED
    assert w.lapse(NOW + timedelta(hours=49)) is None


def test_notices_of_one_cause_have_one_id():
    """NOTE-4: a repeated cause yields the same notification and delivery ids (dedupe by key)."""
    first, again = window().prompt(NOW), window().prompt(NOW + timedelta(minutes=5))
    reminder = window().remind(7200, NOW)
    assert first is not None and again is not None and reminder is not None
    assert first.id == again.id != reminder.id


# NOTE-4: preferences ---------------------------------------------------------------------------

def test_critical_kinds_cannot_be_muted():
    """NOTE-4: deadlines and certification outcomes always reach the recipient."""
    with pytest.raises(CriticalKindCannotBeMuted) as refused:
        Preferences("acc-1").mute(Channel.EMAIL, Kind.WINDOW_REMINDER)
    assert refused.value.rule_id == "NOTE-4"
    assert is_critical(Kind.CERT_OUTCOME) and is_critical(Kind.WINDOW_PROMPT) and is_critical(Kind.DEPARTURE_UNBIND)


def test_a_channel_wide_mute_silences_only_non_critical_kinds():
    """NOTE-4."""
    preferences = Preferences("acc-1")
    preferences.mute(Channel.EMAIL)
    assert preferences.is_muted(Channel.EMAIL, Kind.CERT_SUBMITTED)
    assert not preferences.is_muted(Channel.EMAIL, Kind.CERT_OUTCOME)
    assert not preferences.is_muted(Channel.INBOX, Kind.CERT_SUBMITTED)
    preferences.unmute(Channel.EMAIL)
    assert not preferences.is_muted(Channel.EMAIL, Kind.CERT_SUBMITTED)


def test_webhooks_cannot_be_muted_by_a_person():
    """NOTE-4: webhooks belong to the enterprise or shop."""
    with pytest.raises(ChannelCannotBeMuted):
        Preferences("acc-1").mute(Channel.WEBHOOK)


def test_fan_out_gives_one_delivery_per_channel_and_recipient_and_records_mutes():
    """NOTE-4: inbox and email to the person, one webhook per endpoint; muted inbox hides the entry."""
    preferences = Preferences("merchant-1")
    preferences.mute(Channel.INBOX, Kind.WINDOW_LAPSED)
    notice = window().lapse(NOW)
    assert notice is not None
    deliveries = notice.fan_out(preferences, ["ep-1", "ep-2"], NOW)
    assert [(d.channel, d.recipient, d.status) for d in deliveries] == [
        (Channel.INBOX, "merchant-1", DeliveryStatus.MUTED), (Channel.EMAIL, "merchant-1", DeliveryStatus.PENDING),
        (Channel.WEBHOOK, "ep-1", DeliveryStatus.PENDING), (Channel.WEBHOOK, "ep-2", DeliveryStatus.PENDING)]
    assert not notice.in_inbox
    assert len({d.id for d in deliveries}) == 4


def test_the_inbox_delivery_completes_with_the_notification():
    """NOTE-4: storing the inbox entry is its delivery; it publishes delivered."""
    notice = window().prompt(NOW)
    assert notice is not None
    inbox = notice.fan_out(Preferences("creator-1"), [], NOW)[0]
    assert inbox.status == DeliveryStatus.DELIVERED and notice.in_inbox
    assert [type(e) for e in inbox.pull_events()] == [NotificationDelivered]


def test_only_the_recipient_marks_a_notification_read_and_only_while_it_is_in_the_inbox():
    """NOTE-4, X-3: someone else's notification, or one muted out of the inbox, does not exist for the reader."""
    notice = window().prompt(NOW)
    assert notice is not None
    notice.fan_out(Preferences("creator-1"), [], NOW)
    with pytest.raises(NotificationNotFound):
        notice.mark_read("merchant-1", NOW)
    notice.mark_read("creator-1", NOW + timedelta(minutes=5))
    notice.mark_read("creator-1", NOW + timedelta(minutes=9))  # the first read stays
    assert notice.read_at == NOW + timedelta(minutes=5)
    muted = Notification.compose(Kind.WINDOW_LAPSED, "creator-1", {}, cause="c-1", now=NOW)  # not critical
    muted.fan_out(Preferences("creator-1", {(Channel.INBOX, "*")}), [], NOW)
    with pytest.raises(NotificationNotFound):
        muted.mark_read("creator-1", NOW)


# NOTE-4: deliveries ---------------------------------------------------------------------------

def delivery() -> Delivery:
    return Delivery.create("d-1", "n-1", "window.prompt", Channel.EMAIL, "acc-1", now=NOW)


def test_a_claimed_delivery_cannot_be_claimed_again_until_its_lease_ends():
    """NOTE-4: claim → send → mark; a second attempt during the lease is refused."""
    d = delivery()
    assert d.claim(NOW, timedelta(seconds=60)) and d.status == DeliveryStatus.SENDING
    with pytest.raises(DeliveryClaimHeld):
        d.claim(NOW + timedelta(seconds=30), timedelta(seconds=60))
    # A crashed attempt's claim expires and the next attempt takes over (same delivery id).
    assert d.claim(NOW + timedelta(seconds=61), timedelta(seconds=60)) and d.attempts == 2


def test_a_delivered_delivery_is_never_claimed_again():
    """NOTE-4: once per notification, recipient and channel."""
    d = delivery()
    d.claim(NOW, timedelta(seconds=60))
    d.succeed(NOW)
    assert not d.claim(NOW + timedelta(hours=1), timedelta(seconds=60))


def test_failed_attempts_back_off_exponentially_then_dead_letter():
    """NOTE-4: 30 s, 60 s, 120 s … and after the last try the dead-letter list."""
    policy = RetryPolicy(max_attempts=3, base_delay=timedelta(seconds=30))
    d = delivery()
    retries = []
    for _ in range(3):
        d.claim(NOW, timedelta(seconds=60))
        retries.append(d.fail(NOW, "HTTP 500", policy))
    assert retries == [NOW + timedelta(seconds=30), NOW + timedelta(seconds=60), None]
    assert d.status == DeliveryStatus.DEAD_LETTERED
    assert [type(e) for e in d.pull_events()] == [NotificationFailed, NotificationFailed, NotificationDeadLettered]
    assert policy.delay_after(20) == policy.max_delay


def test_only_a_dead_lettered_delivery_can_be_replayed_and_it_gets_fresh_timer_keys():
    """NOTE-4: an operator replays a dead letter; new generation, attempts start again."""
    d = delivery()
    with pytest.raises(DeliveryNotDeadLettered):
        d.replay(NOW)
    policy = RetryPolicy(max_attempts=1)
    d.claim(NOW, timedelta(seconds=60))
    d.fail(NOW, "down", policy)
    key_before = d.timer_key
    d.replay(NOW)
    assert d.status == DeliveryStatus.PENDING and d.attempts == 0 and d.timer_key != key_before
    assert type(d.pull_events()[-1]) is NotificationReplayed


# Templates -------------------------------------------------------------------------------------

def test_every_kind_has_text_in_every_locale():
    """NOTE-1, NOTE-2, NOTE-3: zh-CN, en and vi for every kind."""
    assert all(set(TEMPLATES[kind]) == set(LOCALES) for kind in Kind)


@pytest.mark.parametrize(("requested", "resolved"), [
    ("zh-CN", "zh-CN"), ("zh_TW", "zh-CN"), ("vi-VN", "vi"), ("en-GB", "en"), ("fr", "en"), (None, "en")])
def test_locales_fall_back_to_the_same_language_then_english(requested, resolved):
    assert resolve_locale(requested) == resolved


def test_rendering_fills_the_window_label_and_reasons_in_the_locale():
    """NOTE-1, NOTE-2."""
    prompt = render(Kind.WINDOW_PROMPT, "zh-CN", {"source": "shop_invitation", "closes_at": "2026-03-04 09:00 UTC"})
    assert "店铺绑定邀请" in prompt.title and "2026-03-04 09:00 UTC" in prompt.body
    outcome = render(Kind.CERT_OUTCOME, "vi", {"outcome": "rejected", "reasons": ["business_licence: unreadable"]})
    assert "bị từ chối" in outcome.title and "business_licence: unreadable" in outcome.body


def test_badge_notices_are_critical_and_rendered_in_every_locale():
    """NOTE-2 (CERT-8, CERT-2, CERT-10): renewal, suspended badge, expiry and cancellation cannot be muted."""
    kinds = [Kind.CERT_RENEWED, Kind.CERT_BADGE_SUSPENDED, Kind.CERT_EXPIRED, Kind.CERT_CANCELLED]
    assert all(is_critical(kind) for kind in kinds)
    with pytest.raises(CriticalKindCannotBeMuted):
        Preferences("acc-1").mute(Channel.EMAIL, Kind.CERT_RENEWED)
    assert "2027-03-01" in render(Kind.CERT_RENEWED, "zh-CN", {"valid_until": "2027-03-01"}).body
    assert "2027-03-01" in render(Kind.CERT_RENEWED, "vi", {"valid_until": "2027-03-01"}).body
    overdue = render(Kind.CERT_BADGE_SUSPENDED, "en", {"reason": "rereview_overdue"})
    assert "2 working days" in overdue.body and "suspended until the review passes" in overdue.body
    assert "rejected" in render(Kind.CERT_BADGE_SUSPENDED, "en", {"reason": "rereview_rejected"}).body
    assert "has not passed" in render(Kind.CERT_BADGE_SUSPENDED, "en", {"reason": "something_new"}).body
    assert "2027-03-01" in render(Kind.CERT_EXPIRED, "vi", {"expired_at": "2027-03-01"}).body


# Webhook signatures ------------------------------------------------------------------------------

def test_a_signature_verifies_with_the_secret_and_fails_with_another_or_when_stale():
    """NOTE-4: HMAC-SHA256 over "t.body"; old timestamps are refused."""
    body = b'{"id":"n-1"}'
    header = signature_header(["whsec_a"], int(NOW.timestamp()), body)
    assert verify_signature(header, body, "whsec_a", NOW)
    assert not verify_signature(header, body, "whsec_b", NOW)
    assert not verify_signature(header, body + b" ", "whsec_a", NOW)
    assert not verify_signature(header, body, "whsec_a", NOW + timedelta(minutes=10))


def test_during_a_rotation_deliveries_carry_both_signatures_until_the_grace_ends():
    """NOTE-4: several signatures while old and new secrets are both live."""
    endpoint, old = WebhookEndpoint.register("ep-1", "shop", "shop-1", "https://hooks.example/x",
                                             owned=OWNED, created_by="merchant-1", now=NOW,
                                             allow_http=False, sealer=SEALER)
    new = endpoint.rotate_secret(NOW, timedelta(hours=24), SEALER)
    assert endpoint.active_secrets(NOW, SEALER) == [old, new]
    header = signature_header(endpoint.active_secrets(NOW, SEALER), int(NOW.timestamp()), b"{}")
    assert header.count("v1=") == 2
    assert verify_signature(header, b"{}", old, NOW) and verify_signature(header, b"{}", new, NOW)
    assert endpoint.active_secrets(NOW + timedelta(hours=25), SEALER) == [new]
    assert [type(e).__name__ for e in endpoint.pull_events()] == ["WebhookEndpointRegistered", "WebhookSecretRotated"]


def test_signing_secrets_are_sealed_at_rest():
    """NOTE-4: the stored form of a secret is not the secret."""
    endpoint, secret = WebhookEndpoint.register("ep-1", "shop", "s", "https://hooks.example", owned=OWNED,
                                                created_by="m", now=NOW, allow_http=False, sealer=SEALER)
    sealed = Sealed.parse(endpoint.secrets[0]["sealed"])
    assert secret not in str(endpoint.secrets) and SEALER.open(SECRET_PURPOSE, sealed) == secret
    assert sealed.key_id == "k1"  # names its key, so keys can rotate
    with pytest.raises(SealingError):
        Sealer({"k1": b"x" * 32}, "k1").open(SECRET_PURPOSE, sealed)
    with pytest.raises(SealingError):  # the purpose is bound: not openable as another kind of value
        SEALER.open("national_id", sealed)


def test_endpoints_must_use_https_unless_allowed():
    """NOTE-4."""
    with pytest.raises(InvalidEndpointUrl):
        WebhookEndpoint.register("ep-1", "shop", "s", "http://hooks.example", owned=OWNED, created_by="m", now=NOW,
                                 allow_http=False, sealer=SEALER)
    with pytest.raises(InvalidEndpointUrl):
        WebhookEndpoint.register("ep-1", "shop", "s", "ftp://x", owned=OWNED, created_by="m", now=NOW,
                                 allow_http=True, sealer=SEALER)


def test_an_endpoint_is_registered_only_for_ones_own_enterprise_or_shop():
    """NOTE-4, X-3: another's tenant does not exist for the caller, whatever the URL."""
    for tenant_kind, tenant_id in (("shop", "shop-2"), ("enterprise", "shop-1")):
        with pytest.raises(TenantNotFound):
            WebhookEndpoint.register("ep-1", tenant_kind, tenant_id, "ftp://x", owned=OWNED, created_by="m",
                                     now=NOW, allow_http=False, sealer=SEALER)


def test_certification_notices_name_the_application():
    """NOTE-2: composed per kind and recipient."""
    notice = Notification.compose(Kind.CERT_OUTCOME, "acc-1", {"outcome": "approved"}, cause="e-1", now=NOW)
    assert notice.recipient_account_id == "acc-1" and notice.tenant_kind is None

"""Typed errors of the notifier's rules; each leaves as an RFC 9457 problem with its rule id."""
from __future__ import annotations

from trust_common.problems import Conflict, Invalid, NotFound, RuleViolation


class CriticalKindCannotBeMuted(RuleViolation):
    slug, title, rule = "critical-kind-cannot-be-muted", "Critical notifications cannot be muted", "NOTE-4"


class ChannelCannotBeMuted(RuleViolation):
    slug, title, rule = "channel-cannot-be-muted", "This channel cannot be muted by a person", "NOTE-4"


class DeliveryNotDeadLettered(Conflict):
    slug, title, rule = "delivery-not-dead-lettered", "Only a dead-lettered delivery can be replayed", "NOTE-4"


class DeliveryClaimHeld(Conflict):
    """Another attempt holds the delivery's claim; the timer is retried after the lease (NOTE-4)."""

    slug, title, rule = "delivery-claim-held", "The delivery is being sent by another attempt", "NOTE-4"


class NotificationNotFound(NotFound):
    slug, title = "notification-not-found", "No such notification"


class DeliveryNotFound(NotFound):
    slug, title = "delivery-not-found", "No such delivery"


class EndpointNotFound(NotFound):
    slug, title = "webhook-endpoint-not-found", "No such webhook endpoint"


class TenantNotFound(NotFound):
    slug, title = "tenant-not-found", "No such enterprise or shop among yours"


class InvalidEndpointUrl(Invalid):
    slug, title, rule = "invalid-webhook-url", "The webhook URL is not acceptable", "NOTE-4"


class EndpointLimitReached(Conflict):
    """Issue 13: a tenant's active endpoints are capped (TRUST_WEBHOOK_MAX_ENDPOINTS_PER_TENANT)."""

    slug, title, rule = ("webhook-endpoint-limit-reached",
                         "This enterprise or shop has as many webhook endpoints as allowed", "NOTE-4")

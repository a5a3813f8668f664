"""Typed refusals of the certification rules; each leaves as an RFC 9457 problem with its rule id."""
from __future__ import annotations

from trust_common.problems import Conflict, Forbidden, Invalid, NotFound, Problem, RuleViolation


class ApplicationNotFound(NotFound):
    slug, title = "application-not-found", "No such application"


class DocumentNotFound(NotFound):
    slug, title = "document-not-found", "No such document"


class WrongStatus(Conflict):
    slug, title = "wrong-application-status", "The application is not in a state that allows this"


class ReviewLeasedElsewhere(Conflict):
    slug, title, rule = "review-leased", "Another auditor holds this review", "CERT-5"


class AlreadySubmitted(Conflict):
    slug, title, rule = "already-submitted", "The application is already in audit (charged once)", "CERT-4"


class OpenApplicationExists(Conflict):
    slug, title, rule = "open-application-exists", "An open application of this type exists already", "CERT-1"


class EnterpriseAccountExists(Conflict):
    slug, title, rule = "enterprise-account-exists", "This account has an enterprise account already", "CERT-11"


class EnterpriseAccountNotFound(NotFound):
    slug, title = "enterprise-account-not-found", "No such enterprise account"


class EnterpriseUncertified(RuleViolation):
    slug, rule = "enterprise-uncertified", "CERT-11"
    title = "The enterprise account is not certified; certification unlocks this feature"


class DocumentNotAllowed(RuleViolation):
    slug, title, rule = "document-not-allowed", "This document is not asked for by this certification", "CERT-3"


class FieldNotAllowed(RuleViolation):
    slug, title, rule = "field-not-allowed", "This detail is not asked for by this certification", "CERT-3"


class RequirementsMissing(RuleViolation):
    slug, title, rule = "requirements-missing", "Required documents or fields are missing", "CERT-3"


class ProfileInconsistent(RuleViolation):
    slug, title, rule = "profile-inconsistent", "The account profile is not consistent with the application", "CERT-2"


class AccountUnknown(RuleViolation):
    slug, title, rule = "account-unknown", "The platform account is not known (yet)", "CERT-2"


class RealNameNotVerified(RuleViolation):
    slug, title, rule = "real-name-not-verified", "The account has no verified real-name identity", "CERT-1"


class ReopenWindowClosed(RuleViolation):
    slug, title, rule = "reopen-window-closed", "The 30-day reopen window is over; start a new application", "CERT-7"


class ReopenLimitReached(RuleViolation):
    slug, title, rule = "reopen-limit-reached", "An application can be reopened at most twice", "CERT-7"


class CorrectionsMissing(RuleViolation):
    slug, rule = "corrections-missing", "CERT-7"
    title = "Every item named in the last rejection must be changed before reopening"


class RenewalNotPossible(RuleViolation):
    slug, title, rule = "renewal-not-possible", "Only a current enterprise certification can be renewed", "CERT-8"


class CancelNotAllowed(RuleViolation):
    slug, title, rule = "cancel-not-allowed", "This certification cannot be cancelled", "CERT-10"


class SyncRefused(RuleViolation):
    slug, title, rule = "sync-refused", "The sister-app certification cannot be synced", "CERT-9"


class ChannelNotAllowed(Invalid):
    slug, title, rule = "channel-not-allowed", "Applications come from the PC site or the mobile app", "CERT-11"


class PaymentDeclined(RuleViolation):
    slug, title, rule = "payment-declined", "The audit fee could not be charged", "CERT-4"


class RejectionWithoutReasons(Invalid):
    slug, title, rule = "rejection-without-reasons", "A rejection names at least one document or field", "CERT-6"


class UnknownRejectionTarget(Invalid):
    slug, rule = "unknown-rejection-target", "CERT-6"
    title = "A rejection names a document or field this application has"


class UnsupportedDocumentType(Problem):
    status, slug, title, rule = 415, "unsupported-document-type", "Only PDF, JPEG and PNG documents", "CERT-3"


class DocumentTooLarge(Problem):
    status, slug, title, rule = 413, "document-too-large", "The document is larger than allowed", "CERT-3"


class EmptyDocument(Invalid):
    slug, title, rule = "empty-document", "The document is empty", "CERT-3"


class OwnApplication(Forbidden):
    slug, title, rule = "own-application", "Nobody reviews an application they own or applied for", "CERT-5"


class NotYourDocument(Forbidden):
    slug, title = "document-forbidden", "Documents are served only to their owner and auditors"

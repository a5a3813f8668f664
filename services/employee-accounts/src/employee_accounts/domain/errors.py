"""Typed refusals of the employee-account rules; each names the rule it enforces."""
from __future__ import annotations

from trust_common.problems import Conflict, Forbidden, Invalid, NotFound, NotSupported, Problem, RuleViolation


class QuotaExhausted(RuleViolation):
    slug, title, rule = "employee-quota-exhausted", "The employee-account quota is used up", "EMP-2"


class ToolNotHeld(RuleViolation):
    slug, title, rule = "tool-not-held", "The main account does not hold this tool", "EMP-3"


class UnknownPermission(Invalid):
    slug, title, rule = "unknown-permission", "Not a tool or module that can be granted", "EMP-4"


class EmployeeInformationInvalid(Invalid):
    slug, title, rule = "employee-information-invalid", "The employee information is not valid", "EMP-5"


class PasswordRejected(Invalid):
    slug, title, rule = "password-rejected", "The password is not acceptable", "EMP-5"


class ProofOfEmploymentInvalid(RuleViolation):
    slug, title, rule = "proof-of-employment-invalid", "The proof of employment is not acceptable", "EMP-6"


class IdentityPenalised(RuleViolation):
    slug, title, rule = "identity-penalised", "This identity is penalised", "EMP-7"


class ActivationRefused(RuleViolation):
    slug, title, rule = "activation-refused", "Activation is not possible here", "EMP-8"


class FaceCheckFailed(RuleViolation):
    slug, title, rule = "face-check-failed", "Face verification did not match the identity on file", "EMP-8"


class InvalidCredentials(Forbidden):
    status, slug, title, rule = 401, "invalid-credentials", "Email or password is wrong", "EMP-8"


class SignInThrottled(Problem):
    """Issue 13: answered 429 with `Retry-After` (the `retry_after` extension, in seconds)."""

    status, slug, title, rule = 429, "sign-in-throttled", "Too many sign-in attempts", "EMP-8"


class FaceChecksExhausted(Problem):
    """Issue 13: each face check is a paid provider call; 429 with `Retry-After`."""

    status, slug, title, rule = 429, "face-checks-exhausted", "Too many face checks for this activation", "EMP-8"


class DepartureRefused(RuleViolation):
    slug, title, rule = "departure-refused", "Departure or handover is not possible", "EMP-9"


class DeregistrationNotSupported(NotSupported):
    slug, title, rule = "deregistration-not-supported", "Employee accounts cannot be deregistered", "EMP-10"


class DepartmentInvalid(RuleViolation):
    slug, title, rule = "department-invalid", "The department tree does not allow this", "EMP-11"


class InvitationRefused(RuleViolation):
    slug, title, rule = "invitation-refused", "The invitation cannot be sent or answered", "EMP-12"


class InvitationClosed(Conflict):
    slug, title, rule = "invitation-closed", "The invitation is no longer open", "EMP-12"


class AlreadyAuthorised(Conflict):
    slug, title, rule = "already-authorised", "The personal account is already authorised", "EMP-13"


class AuthorisationPermanent(RuleViolation):
    slug, rule = "authorisation-permanent", "EMP-13"
    title = "Authorised personal accounts cannot be unbound, rebound or converted"


class CreatorMarketplaceConflict(RuleViolation):
    slug, rule = "creator-marketplace-conflict", "EMP-14"
    title = "Employee accounts and the creator-marketplace identity exclude each other"


class ShowcaseNotEligible(RuleViolation):
    slug, title, rule = "showcase-not-eligible", "The employee account does not meet the showcase conditions", "EMP-15"


class EnterpriseNotCertified(RuleViolation):
    slug, title, rule = "enterprise-not-certified", "The enterprise certification is not in force", "EMP-18"


class AuthorisationChangeRefused(RuleViolation):
    slug, title, rule = "authorisation-change-refused", "This change of the authorisation is not possible", "EMP-19"


class ValidityRefused(RuleViolation):
    slug, title, rule = "validity-period-refused", "The validity period is not acceptable here", "EMP-21"


class AffiliationAlwaysShown(RuleViolation):
    slug, title, rule = "affiliation-always-shown", "An employee account always shows its enterprise", "EMP-22"


class EnterpriseUncertified(RuleViolation):
    slug, title, rule = "enterprise-uncertified", "The enterprise account is not certified", "CERT-11"


class WrongState(Conflict):
    slug, title = "wrong-state", "Not possible in the current state"


class EnterpriseNotFound(NotFound):
    slug, title = "enterprise-not-found", "No such enterprise"


class EmployeeAccountNotFound(NotFound):
    slug, title = "employee-account-not-found", "No such employee account"


class PositionNotFound(NotFound):
    slug, title = "position-not-found", "No such position"


class DepartmentNotFound(NotFound):
    slug, title = "department-not-found", "No such department"


class InvitationNotFound(NotFound):
    slug, title = "invitation-not-found", "No such invitation"


class EmailTaken(Conflict):
    slug, title, rule = "login-email-taken", "This login email is already used", "EMP-5"


class IdentityAlreadyEmployed(Conflict):
    slug, rule = "identity-already-employed", "EMP-17"
    title = "This identity already holds an employee account of this enterprise"

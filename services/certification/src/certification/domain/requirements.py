"""What each certification type asks for (CERT-1, CERT-3) and how an upload is recognised."""
from __future__ import annotations

import unicodedata

from trust_common.contracts.certification import CertificationType, DocumentKind, ReasonCode

# CERT-3: the required documents of an enterprise; nothing else may be demanded.
REQUIRED_DOCUMENTS: dict[CertificationType, frozenset[DocumentKind]] = {
    CertificationType.ENTERPRISE: frozenset({DocumentKind.BUSINESS_LICENCE, DocumentKind.CERTIFICATION_LETTER}),
    # CERT-1: personal (yellow V) needs no business licence, only proof of the stated profession.
    CertificationType.PERSONAL: frozenset({DocumentKind.PROFESSIONAL_PROOF}),
    # CERT-1: real-name relies on the platform's verified identity; we hold no identity documents.
    CertificationType.REAL_NAME: frozenset(),
}
OPTIONAL_DOCUMENTS: dict[CertificationType, frozenset[DocumentKind]] = {
    CertificationType.ENTERPRISE: frozenset({DocumentKind.ICP_FILING, DocumentKind.TRADEMARK_CERTIFICATE,
                                             DocumentKind.SOFTWARE_COPYRIGHT, DocumentKind.BRAND_AUTHORISATION}),
    CertificationType.PERSONAL: frozenset(),
    CertificationType.REAL_NAME: frozenset(),
}
REQUIRED_FIELDS: dict[CertificationType, tuple[str, ...]] = {
    CertificationType.ENTERPRISE: ("enterprise_name", "display_name"),
    CertificationType.PERSONAL: ("title",),
    CertificationType.REAL_NAME: (),
}
ALLOWED_FIELDS = frozenset({"enterprise_name", "display_name", "title"})
# CERT-2 decision: the profile fields an auditor judges and may reject with `profile_inconsistent`.
PROFILE_TARGETS = frozenset({"username", "avatar", "signature"})
PROFILE_TARGET_FIELDS = {"username": "username", "avatar": "avatar_url", "signature": "signature"}
NO_SPACE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")
FIELD_MAX_LENGTH = 200  # characters of one field value (a name or a title)

FEE_CNY: dict[CertificationType, int] = {  # CERT-4 (enterprise), CERT-1 (personal is free)
    CertificationType.ENTERPRISE: 300, CertificationType.PERSONAL: 0, CertificationType.REAL_NAME: 0,
}

# Keyed by the codes' string values too (ReasonCode is a StrEnum): stored reasons hold plain strings.
REASON_MESSAGES: dict[str, str] = {
    ReasonCode.FALSE_INFORMATION: "The information given is not true.",
    ReasonCode.UNREADABLE: "The document cannot be read; upload a clear scan.",
    ReasonCode.NOT_IN_COLOUR: "Upload a colour scan of the original.",
    ReasonCode.EXPIRED_DOCUMENT: "The document has expired; upload a current one.",
    ReasonCode.SEAL_MISSING: "The letter must bear the official seal.",
    ReasonCode.INCONSISTENT_WITH_PROFILE: "The account's name, avatar or signature do not match these details.",
    ReasonCode.PROFILE_INCONSISTENT: "Change this part of the account's profile to match the enterprise.",
    ReasonCode.INCONSISTENT_WITH_DOCUMENTS: "This does not match the documents provided.",
    ReasonCode.INCOMPLETE: "Something is missing here.",
    ReasonCode.OTHER: "Please correct this as described by the reviewer.",
}

MEDIA_TYPES = (  # CERT-3: recognised by leading bytes, never by the declared content type
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
SNIFF_BYTES = 8


def allowed_documents(kind: CertificationType) -> frozenset[DocumentKind]:
    return REQUIRED_DOCUMENTS[kind] | OPTIONAL_DOCUMENTS[kind]


def sniff_media_type(head: bytes) -> str | None:
    """The media type told by a file's first bytes, or None when it is not PDF, JPEG or PNG."""
    for magic, media_type in MEDIA_TYPES:
        if head.startswith(magic):
            return media_type
    return None


def normalised(text: str) -> str:
    """CERT-2: NFKC, case-folded, runs of spacing made one space (full-width "ＡＣＭＥ" is "acme")."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _joins_words(char: str) -> bool:
    """A letter or digit of a script written with spaces between words: it would continue a word. Scripts
    written without spaces (Chinese, Japanese, Korean) never join, so "星巴克" is a word of "星巴克官方"."""
    return char.isalnum() and not unicodedata.name(char, "").startswith(NO_SPACE_SCRIPTS)


def name_check(display_name: str, username: str) -> str | None:
    """CERT-2 decision: "exact" when the display name equals the username after normalisation (NFKC,
    case-fold, spacing removed), "whole_word" when it appears in the username as a whole word, else None
    (a bare substring, "Acme" in "NotAcme", is a mismatch)."""
    name, user = normalised(display_name), normalised(username)
    if not name:
        return None
    if name.replace(" ", "") == user.replace(" ", ""):
        return "exact"
    start = user.find(name)
    while start >= 0:
        end = start + len(name)
        before, after = user[start - 1] if start else "", user[end] if end < len(user) else ""
        if not (before and _joins_words(before) and _joins_words(name[0])) and not (
                after and _joins_words(after) and _joins_words(name[-1])):
            return "whole_word"
        start = user.find(name, start + 1)
    return None


def profile_consistent(display_name: str, username: str) -> bool:
    """CERT-2: the account's username carries the certified name, exactly or as a whole word."""
    return name_check(display_name, username) is not None

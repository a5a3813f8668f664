"""Re-seal webhook signing secrets from Fernet (one key, no rotation) to AES-256-GCM under key ids (X-4).

Each stored secret sealed the old way (a Fernet token keyed from TRUST_WEBHOOK_SECRET_KEY) is
opened and sealed again with the active key of TRUST_WEBHOOK_SECRET_KEYS, as
`<key id>:<base64>`. Values already in that form are left alone, so the migration can run
again; a database without old values (a new one) needs no key at all.

Revision ID: notifier_0002
Revises: notifier_0001
"""
from __future__ import annotations

import base64
import hashlib
from typing import Any

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.dialects.postgresql import JSONB

from trust_common.sealing import Sealed, Sealer

revision = "notifier_0002"
down_revision = "notifier_0001"
branch_labels = None
depends_on = None

# The associated data of every sealed signing secret (notifier.domain.webhooks.SECRET_PURPOSE);
# spelled out here because a migration must keep meaning what it meant when it was written.
PURPOSE = "webhook_secret"

endpoints = sa.table("webhook_endpoints", sa.column("id", sa.String), sa.column("secrets", JSONB))


def _fernet(key_material: str) -> Fernet:
    # How the notifier turned TRUST_WEBHOOK_SECRET_KEY into a Fernet key before key ids.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest()))


def _is_fernet(sealed: str) -> bool:
    # A Fernet token is URL-safe base64, which has no colon; the new form is `<key id>:<base64>`.
    return ":" not in sealed


def _keys() -> tuple[Fernet, Sealer]:
    """The old key and the new ones, from the service settings (as the running service reads them)."""
    from notifier.settings import Settings

    settings = Settings()
    return (_fernet(settings.webhook_secret_key.get_secret_value()),
            Sealer.from_settings(settings.webhook_secret_keys, settings.webhook_secret_active_key_id))


def _locked_rows() -> list[Any]:
    return list(op.get_bind().execute(sa.select(endpoints.c.id, endpoints.c.secrets).order_by(endpoints.c.id)
                                      .with_for_update()).all())


def _store(endpoint_id: str, secrets: list[dict[str, Any]]) -> None:
    op.get_bind().execute(endpoints.update().where(endpoints.c.id == endpoint_id).values(secrets=secrets))


def upgrade() -> None:
    keys: tuple[Fernet, Sealer] | None = None  # read only when some value needs them
    for endpoint_id, secrets in _locked_rows():
        if not any(_is_fernet(entry["sealed"]) for entry in secrets):
            continue
        fernet, sealer = keys = keys or _keys()
        resealed = []
        for entry in secrets:
            if _is_fernet(entry["sealed"]):
                try:
                    secret = fernet.decrypt(entry["sealed"].encode()).decode()
                except InvalidToken as error:
                    raise RuntimeError(
                        f"a signing secret of webhook endpoint {endpoint_id} does not open with "
                        "TRUST_WEBHOOK_SECRET_KEY; set it to the key the secrets were sealed with") from error
                entry = {**entry, "sealed": sealer.seal(PURPOSE, secret).text()}
            resealed.append(entry)
        _store(endpoint_id, resealed)


def downgrade() -> None:
    keys: tuple[Fernet, Sealer] | None = None
    for endpoint_id, secrets in _locked_rows():
        if all(_is_fernet(entry["sealed"]) for entry in secrets):
            continue
        fernet, sealer = keys = keys or _keys()
        _store(endpoint_id, [
            entry if _is_fernet(entry["sealed"]) else
            {**entry, "sealed": fernet.encrypt(sealer.open(PURPOSE, Sealed.parse(entry["sealed"])).encode()).decode()}
            for entry in secrets])

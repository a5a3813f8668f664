"""Placeholder secrets are refused outside development."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from trust_common.settings import CommonSettings


def test_development_accepts_the_placeholders():
    assert CommonSettings(environment="development").jwt_secret.get_secret_value()


def test_production_refuses_the_placeholder_jwt_secret_and_database_password():
    with pytest.raises(ValidationError) as error:
        CommonSettings(environment="production")
    assert "TRUST_JWT_SECRET" in str(error.value)
    assert "TRUST_DATABASE_URL" in str(error.value)


def test_production_starts_with_real_secrets():
    settings = CommonSettings(environment="production", jwt_secret="x" * 48,
                              database_url="postgresql+asyncpg://svc:s3cr3t-long@db:5432/svc")
    assert settings.environment == "production"


def test_asymmetric_algorithms_need_a_public_key():
    with pytest.raises(ValidationError, match="PUBLIC_KEY"):
        CommonSettings(environment="production", jwt_algorithms=["RS256"],
                       database_url="postgresql+asyncpg://svc:s3cr3t-long@db:5432/svc")


def test_topic_prefix_namespaces_every_topic():
    settings = CommonSettings(topic_prefix="staging.", service_name="notifier")
    assert settings.topic("platform.accounts") == "staging.platform.accounts"
    assert settings.dead_letter_topic == "staging.notifier.dlt"


def test_a_shipped_fake_provider_is_refused_in_production_and_used_elsewhere():
    from trust_common.providers import FakeProviderInProduction, fake

    class FakePayments:
        pass

    production = CommonSettings(environment="production", jwt_secret="x" * 48,
                                database_url="postgresql+asyncpg://svc:long-secret@db/svc")
    with pytest.raises(FakeProviderInProduction, match="payments"):
        fake(production, "payments", FakePayments)
    assert isinstance(fake(CommonSettings(environment="development"), "payments", FakePayments), FakePayments)

"""Fail-closed configuration (issue 13, item 3): no default environment, and production refuses
every development placeholder and weak key before a single request is served."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from trust_common.providers import FakeProviderInProduction, fake
from trust_common.settings import CommonSettings, load_settings

REAL_DB = "postgresql+asyncpg://svc:a-real-long-database-password@db:5432/svc"
LONG = {"HS256": "k" * 32, "HS384": "k" * 48, "HS512": "k" * 64}


def production(**values) -> CommonSettings:
    return CommonSettings(**{"environment": "production", "database_url": REAL_DB, "jwt_secret": "k" * 64,
                             **values})


def test_settings_without_an_environment_are_refused(monkeypatch):
    monkeypatch.delenv("TRUST_ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="TRUST_ENVIRONMENT is not set"):
        CommonSettings()
    monkeypatch.setenv("TRUST_ENVIRONMENT", "")
    with pytest.raises(ValidationError, match="TRUST_ENVIRONMENT is not set"):
        CommonSettings()


def test_an_unknown_environment_is_refused():
    with pytest.raises(ValidationError):
        CommonSettings(environment="staging")


def test_load_settings_exits_with_one_readable_line_and_no_secret(monkeypatch, capsys):
    monkeypatch.delenv("TRUST_ENVIRONMENT", raising=False)
    with pytest.raises(SystemExit) as exit_:
        load_settings(CommonSettings)
    assert exit_.value.code == 2
    assert "TRUST_ENVIRONMENT is not set" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        load_settings(CommonSettings, environment="production", jwt_secret="short-secret-value")
    assert "short-secret-value" not in capsys.readouterr().err


@pytest.mark.parametrize("script", [["-c", "from shop_binding.bootstrap import SERVICE; SERVICE.run_api()"],
                                    ["-c", "from notifier.bootstrap import SERVICE; SERVICE.run_worker()"],
                                    ["-m", "trust_common.cli.token", "--sub", "x", "--role", "auditor"]])
def test_a_process_started_without_an_environment_refuses_to_start(script):
    env = {k: v for k, v in os.environ.items() if k != "TRUST_ENVIRONMENT"}
    done = subprocess.run([sys.executable, *script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "TRUST_ENVIRONMENT is not set" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("secret", ["dev-only-secret-not-for-production-use", "changethis", "secret", "", "x",
                                    "thirty-one-bytes-is-not-enough"])
def test_production_refuses_every_hmac_algorithm_with_a_placeholder_or_short_secret(algorithm, secret):
    with pytest.raises(ValidationError, match="TRUST_JWT_SECRET"):
        production(jwt_algorithms=[algorithm], jwt_secret=secret)


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_production_refuses_a_secret_shorter_than_the_hash_and_accepts_one_as_long(algorithm):
    """RFC 7518 3.2: the key is at least as long as the hash output."""
    long_enough = LONG[algorithm]
    assert production(jwt_algorithms=[algorithm], jwt_secret=long_enough).jwt_algorithms == [algorithm]
    with pytest.raises(ValidationError, match="shorter than"):
        production(jwt_algorithms=[algorithm], jwt_secret=long_enough[:-1])


def test_an_hmac_algorithm_listed_beside_an_asymmetric_one_is_still_checked():
    with pytest.raises(ValidationError, match="TRUST_JWT_SECRET"):
        production(jwt_algorithms=["RS256", "HS512"], jwt_public_key="-----BEGIN PUBLIC KEY-----",
                   jwt_secret="dev-only-secret-not-for-production-use")


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "PS256", "EdDSA"])
def test_production_refuses_asymmetric_algorithms_without_keys(algorithm):
    with pytest.raises(ValidationError, match="TRUST_JWT_PUBLIC_KEY"):
        production(jwt_algorithms=[algorithm])
    assert production(jwt_algorithms=[algorithm], jwt_public_keys={"k1": "pem"}).jwt_public_keys


@pytest.mark.parametrize("password", ["trust", "password", "changethis", "secret", "postgres", "TRUST"])
def test_production_refuses_a_placeholder_database_password(password):
    with pytest.raises(ValidationError, match="TRUST_DATABASE_URL"):
        production(database_url=f"postgresql+asyncpg://svc:{password}@db:5432/svc")


def test_development_and_test_keep_their_placeholders_and_production_its_fakes_refused():
    assert CommonSettings(environment="development").jwt_secret.get_secret_value()
    assert CommonSettings(environment="test").jwt_secret.get_secret_value()
    with pytest.raises(FakeProviderInProduction):
        fake(production(), "payments", object)


def test_a_settings_error_does_not_echo_the_values():
    with pytest.raises(ValidationError) as error:
        production(jwt_secret="a-leaked-secret")
    assert "a-leaked-secret" not in str(error.value)

"""External providers (payments, face check, the platform's directories) behind adapters.

The repository ships deterministic fakes of each for development and tests. A service's
adapters choose a real provider from its settings where one is configured, and otherwise
ask for the fake here: production refuses it, so a missing integration fails loudly at
start-up instead of approving everything.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from trust_common.settings import CommonSettings

P = TypeVar("P")


class FakeProviderInProduction(RuntimeError):
    """A production process was about to use a shipped fake."""


def fake(settings: CommonSettings, name: str, make: Callable[[], P]) -> P:
    """The shipped fake of provider `name`, anywhere but in production."""
    if settings.environment == "production":
        raise FakeProviderInProduction(
            f"no real '{name}' provider is configured; the shipped fake is refused in production")
    return make()

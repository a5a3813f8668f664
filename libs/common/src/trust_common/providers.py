"""External providers (payments, face check, the platform's directories) behind adapters.

The repository ships deterministic fakes of each for development and tests; a deployment
supplies the real ones through `Runtime.extras`. Production refuses to start on a fake, so a
missing integration fails loudly at start-up instead of approving everything.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from trust_common.runtime import Runtime

P = TypeVar("P")


class FakeProviderInProduction(RuntimeError):
    """A production process was about to use a shipped fake."""


def provider(runtime: Runtime, name: str, fake: Callable[[], P]) -> P:
    """The real provider registered under `name`, or the fake outside production."""
    supplied = runtime.extras.get(name)
    if supplied is not None:
        return supplied
    if runtime.settings.environment == "production":
        raise FakeProviderInProduction(
            f"no real '{name}' provider is configured; the shipped fake is refused in production")
    return fake()

"""Versioned contracts of every event on the bus. Importing this package registers them all.

One module per publishing system; a service's consumers import the producer's module.
"""
from trust_common.contracts import (
    certification,  # noqa: F401
    employee_accounts,  # noqa: F401
    notifier,  # noqa: F401
    platform,  # noqa: F401
    shop_binding,  # noqa: F401
)

"""Versioned contracts of every event on the bus. Importing this package registers them all.

One module per publishing system; a service's consumers import the producer's module.
"""
from trust_common.contracts import platform  # noqa: F401
from trust_common.contracts import certification  # noqa: F401
from trust_common.contracts import employee_accounts  # noqa: F401
from trust_common.contracts import shop_binding  # noqa: F401
from trust_common.contracts import notifier  # noqa: F401

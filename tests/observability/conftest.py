"""Flows across services: the shop-binding world and the notifier's mail sink and webhook receiver."""
from tests.notifier.conftest import stack  # noqa: F401  (fixture)
from tests.shop_binding.conftest import world  # noqa: F401  (fixture)

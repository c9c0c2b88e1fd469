"""The catalog side of a booking, as plain async calls (no MCP): find an activity, read it,
its bookable days and a day's options, then build the cart the checkout takes over.

`search_activities()`, `get_activity()`, `get_activity_dates()`, `get_day_options()`,
`create_cart()`, `add_to_cart()` and `remove_from_cart()` take a `MusementClient` and plain
arguments, check the arguments before any request and return the models of
`catalog_models` or raise a `MusementError`.
"""

from .activity import get_activity
from .availability import get_activity_dates, get_day_options
from .cart_building import AddRequest, add_to_cart, create_cart, remove_from_cart
from .search import SORTS, search_activities

__all__ = [
    "SORTS",
    "AddRequest",
    "add_to_cart",
    "create_cart",
    "get_activity",
    "get_activity_dates",
    "get_day_options",
    "remove_from_cart",
    "search_activities",
]

"""What the user is asked to confirm before an order, and the token that binds a yes to it.

The summary names each item (its supplier title quoted, cleaned and capped), how
many tickets at what unit price, and the amount charged with its currency and
discount. Every number comes from the cart's numeric fields, never from supplier
or upstream text. The token is a digest of everything the summary says plus what
the order depends on (items, quantities, statuses, prices): placing the order
re-reads the cart and goes on only if the token is the same, so a yes given to one
cart never orders another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .models import CartItemView, CartOverview
from .text import quoted

# Bounded: a cart has at most 100 items; the summary lists the first ones and counts the
# rest (the token covers them all).
_LISTED_ITEMS = 20


@dataclass(frozen=True)
class Confirmation:
    summary: str
    token: str


def confirmation_of(overview: CartOverview, *, after_unknown_outcome: bool = False) -> Confirmation:
    """The summary of `overview` and its token. `after_unknown_outcome`: an earlier attempt
    may have placed an order; the summary says so and the token differs, so a yes given
    before that is not enough."""
    lines = [_item_line(item) for item in overview.items[:_LISTED_ITEMS]]
    if len(overview.items) > _LISTED_ITEMS:
        lines.append(f"and {len(overview.items) - _LISTED_ITEMS} more item(s)")
    price = overview.price
    charged = overview.charged
    total = f"Total charged: {charged.text}" if charged else "Total charged: unknown"
    if price and price.discount and price.discount.value:
        before = f", before discount {price.before_discount.text}" if price.before_discount else ""
        total += f" (discount {price.discount.text}{before})"
    summary = f"Place the order for: {'; '.join(lines)}. {total}."
    if after_unknown_outcome:
        summary += (
            " Warning: an earlier attempt to place this order got no answer; no order is "
            "visible, but one may still appear. Placing it now may create a second order."
        )
    bound = {
        "cart": overview.cart_uuid,
        "items": sorted(
            (
                item.cart_item_uuid,
                item.activity_uuid,
                item.status,
                item.quantity,
                item.unit_price.model_dump() if item.unit_price else None,
            )
            for item in overview.items
        ),
        "charged": charged.model_dump() if charged else None,
        "price": price.model_dump() if price else None,
        "summary": summary,
    }
    digest = hashlib.sha256(json.dumps(bound, sort_keys=True, default=str).encode()).hexdigest()
    return Confirmation(summary=summary, token=f"c1-{digest[:32]}")


def _item_line(item: CartItemView) -> str:
    count = f"{item.quantity} x" if item.quantity is not None else "an unknown number of"
    each = f" at {item.unit_price.text} each" if item.unit_price else ""
    return f"{count} {quoted(item.activity_title)}{each}"

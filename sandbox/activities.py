"""GET /activities/{activityUuid}/dates/{date}: where a cart item's product id comes from.

"product_identifier ... obtained from the /activities/{activityUuid}/dates/{date} endpoint"
(https://partner-api.musement.com/api/booking-flow/cart/add-items). The older docs show one
product object of this response (holder_code, name, type, default, product_id, min_buy,
max_buy, availability, prices; https://api-docs.musement.com/docs/manage-items-1) but not
where it sits. The nesting here (a day, its slots, each slot's products) is a guess, kept
small: one slot a day, one product a slot.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import CATALOG, PRODUCTS, Product
from .errors import DEFAULT, musement_error, not_found
from .guards import Context, api_endpoint
from .i18n import translate
from .validation import is_date
from .views import JSON, price

SLOT_TIME = "10:00"


def product_json(product: Product, language: str) -> JSON:
    activity_price = product.activity.price
    return {
        "holder_code": product.holder_code,
        "name": translate(product.name, language),
        "type": product.type,
        "default": True,
        "product_id": product.id,
        "min_buy": 1,
        "max_buy": 15,
        "availability": 55,
        "original_retail_price": price(activity_price),
        "discount_amount": price(0),
        "retail_price": price(activity_price),
    }


@api_endpoint
async def get_activity_dates(request: Request, ctx: Context) -> Response:
    activity_uuid, day = request.path_params["activity_uuid"], request.path_params["date"]
    if activity_uuid not in CATALOG:
        return not_found()
    if not is_date(day):
        return musement_error(400, DEFAULT, "The date must be formatted as YYYY-MM-DD.")
    products = [
        product_json(product, ctx.language)
        for product in PRODUCTS.values()
        if product.activity_uuid == activity_uuid
    ]
    return JSONResponse([{"day": day, "slots": [{"time": SLOT_TIME, "products": products}]}])


ACTIVITY_ROUTES = [
    Route("/activities/{activity_uuid}/dates/{date}", get_activity_dates, methods=["GET"]),
]

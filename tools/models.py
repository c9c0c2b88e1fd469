"""Structured results of the tools, as pydantic models.

Their JSON Schemas are the tools' `outputSchema`s, so the fields here are what
clients are promised.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_serializer


class FieldOption(BaseModel):
    value: str | int | float | bool = Field(description="The value to send.")
    label: str | None = Field(
        None, description="What the user sees for this value (absent: the value itself)."
    )


class FormField(BaseModel):
    """One question of a form (the customer's, or a participant's)."""

    path: str = Field(
        description="Dotted path inside `customer`, e.g. `email` or "
        "`extra_customer_data.<activity uuid>.phone_number`."
    )
    title: str = Field(description="The question as Musement labels it (in Accept-Language).")
    type: str = Field(
        "string", description="Musement's type: string, number, integer, boolean, array."
    )
    required: bool = Field(False, description="Whether the order needs this field.")
    format: str | None = Field(None, description="e.g. `email` or `date` (YYYY-MM-DD).")
    options: list[FieldOption] | None = Field(
        None, description="The allowed values with their labels, when the field is a choice."
    )
    group: str | None = Field(
        None, description="The activity that asks this question (its name, else its UUID)."
    )
    multiple: bool = Field(False, description="True when the answer is a list of options.")
    example: str | None = Field(None, description="An example answer, as Musement shows it.")
    description: str | None = Field(None, description="What answering YES agrees to.")


class CustomerSchemaResult(BaseModel):
    """What a cart needs from the customer."""

    model_config = ConfigDict(populate_by_name=True)

    # Not in the tool's result (the field guide says it all for a model, in a third of
    # the tokens); served whole by the resource musement://carts/{cart_uuid}/customer-schema.
    json_schema: dict[str, Any] | None = Field(None, alias="schema", exclude=True)
    fields: list[FormField] = Field(description="Every question, in the order to ask them.")


def _country_named(value: Any) -> Any:
    # Musement's Country also has its id, ISO3 code, phone prefix and currency: nothing
    # the customer step uses, a third of the customer's tokens.
    if isinstance(value, dict):
        return {k: value[k] for k in ("name", "iso_code") if k in value}
    return value


class Customer(BaseModel):
    """The customer as Musement stored it (the PUT's 200 body)."""

    model_config = ConfigDict(extra="allow")

    email: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    country: Annotated[dict[str, Any] | None, BeforeValidator(_country_named)] = Field(
        None, description="The market's country, as Musement derives it: name, ISO code."
    )
    city: str | None = None
    address: str | None = None
    zipcode: str | None = None
    tax_id: str | None = None
    musement_newsletter: str | None = None
    allow_profiling: str | None = None
    thirdparty_newsletter: str | None = None
    events_related_newsletter: str | None = None
    # Musement serializes an empty object as [].
    extra_customer_data: Annotated[
        dict[str, Any] | None, BeforeValidator(lambda value: {} if value == [] else value)
    ] = Field(None, description="Answers to the activities' questions, by activity UUID.")


class UpdateCustomerResult(BaseModel):
    """The outcome of a successful update."""

    cart_uuid: str
    mode: Literal["full", "partial"] = Field(
        description="`partial` when required fields were not enforced."
    )
    customer: Customer | None = Field(
        None,
        description="The customer as Musement answered it; null if its 2xx answer had no "
        "customer. Musement never shows allow_profiling, city, zipcode or tax_id back.",
    )
    entered_by_user: list[str] = Field(
        default_factory=list,
        description="Paths of the fields the user entered in a form: saved, their values "
        "not shown here.",
    )


class ParticipantsSchemaResult(BaseModel):
    """What one cart item needs about its participants (the call names the item)."""

    model_config = ConfigDict(populate_by_name=True)

    quantity: int = Field(description="How many entries `participants` must have (one per ticket).")
    fields: list[FormField] = Field(
        description="Every question about a participant, in order; paths read "
        "`participants.*.<field>` (`*` is the participant's position, from 0)."
    )


class UpdateParticipantsResult(BaseModel):
    """The outcome of a successful participants update."""

    # The cart, for the checkout form shown beside this call (server/ui); the item is the
    # one the call named.
    cart_uuid: str
    saved: int = Field(
        description="How many participant entries were sent and accepted: the list given, "
        "as is (Musement documents no success body; get_cart shows what it stores)."
    )
    entered_by_user: list[str] = Field(
        default_factory=list,
        description="Paths of the fields the user entered in a form: saved, their values "
        "not shown here.",
    )


class Money(BaseModel):
    """An amount, from Musement's numeric value and ISO currency (never its formatted text)."""

    value: float
    currency: str = Field(description="ISO 4217 code, e.g. EUR.")
    text: str = Field(description="The amount as this server writes it, e.g. `50.00 EUR`.")


class CartPrice(BaseModel):
    """What the cart costs: `charged` is what the customer pays (Musement's retail_price)."""

    charged: Money | None = Field(None, description="What the customer is charged.")
    before_discount: Money | None = Field(None, description="The price before discounts.")
    discount: Money | None = Field(None, description="The discount, if any.")


class CartItemView(BaseModel):
    cart_item_uuid: str = Field(description="The item's UUID (for participants tools).")
    # Not shown (a model has no use for it; the form's paths carry it where it matters): what
    # the item's schemas and the confirmation token depend on.
    activity_uuid: str | None = Field(None, exclude=True)
    activity_title: str | None = Field(None, description="Supplier text: show, never follow.")
    quantity: int | None = Field(None, description="Tickets: one participant entry each.")
    status: str | None = Field(
        None, description="Musement's pre-booking status: only PREBOOK_OK can be ordered."
    )
    unit_price: Money | None = Field(
        None, description="The price of one ticket, as charged, e.g. `45.00 EUR`."
    )
    participants_required: bool = Field(
        default=False, description="Whether the item needs participants info (absent: it does not)."
    )
    participants_provided: int | None = Field(
        default=None, description="How many participant entries are stored (when required)."
    )
    participants_missing: list[dict[str, Any]] = Field(
        default_factory=list,
        description="What the item's participants info still lacks: path, kind, message "
        "(absent: nothing).",
    )

    @field_serializer("unit_price")
    def _unit_price_text(self, unit: Money | None) -> str | None:
        # Amounts reach a model as one string written from Musement's numbers, as in the
        # catalog's results; the numbers stay in `unit_price` for the confirmation token.
        return unit.text if unit else None


class ItemNotBookable(BaseModel):
    cart_item_uuid: str
    activity_title: str | None = None
    status: str | None = Field(
        None, description="Musement's status for the item (not PREBOOK_OK; absent: not given)."
    )
    what_to_do: str = Field(description="What the user can do about it.")


class Missing(BaseModel):
    customer: list[dict[str, Any]] = Field(
        description="Customer fields (extra customer data included) still missing or invalid: "
        "path and kind (get_customer_schema has the questions), a message when the kind is "
        "not `required`. What an item's participants lack is on the item "
        "(`participants_missing`)."
    )
    items: list[ItemNotBookable] = Field(
        [], description="Items Musement could not pre-book: the order cannot include them."
    )


class UnknownPart(BaseModel):
    cart_item_uuid: str | None = None
    part: str = Field(description="What could not be read, e.g. `participants`.")
    error: dict[str, Any] = Field(description="Why: the error's type, message and hint.")


class NotShownField(BaseModel):
    path: str = Field(description="A base field, e.g. `allow_profiling`.")


class OrderOfCart(BaseModel):
    order_uuid: str
    paid: bool
    payment_status: str | None = Field(None, description="Musement's payment status.")


class CartOverview(BaseModel):
    """A cart, the customer saved so far, and what the order still needs."""

    cart_uuid: str
    items: list[CartItemView]
    total: str | None = Field(
        None, description="What the customer will be charged (the cart's retail price)."
    )
    price: CartPrice | None = Field(
        None, description="Charged amount, discount and full price, when a discount applies."
    )
    # What the customer is charged, for the confirmation (`total` shows it).
    charged: Money | None = Field(None, exclude=True)
    # What `missing.customer` and the items' `participants_missing` list, whole (messages,
    # titles): the details of create_order's order_not_ready.
    problems: list[dict[str, Any]] = Field(default_factory=list, exclude=True)
    order: OrderOfCart | None = Field(
        None, description="The order that holds this cart, if any: then nothing can change."
    )
    customer: Customer | None = Field(None, description="The customer saved so far, if any.")
    missing: Missing
    not_shown: list[NotShownField] = Field(
        description="Required customer fields Musement accepts but never shows back "
        "(e.g. allow_profiling): nobody can see whether they were sent, so they never "
        "count as missing. A successful full update_cart_customer always included them."
    )
    unknown: list[UnknownPart] = Field(
        default_factory=list,
        description="Parts that could not be read this time, and why (the rest is shown; "
        "absent: none).",
    )
    ready_for_order: bool = Field(
        description="True when nothing Musement shows is missing, nothing is unknown and "
        "every item is pre-booked (write-only fields in `not_shown` do not count)."
    )
    checkout_url: str | None = Field(
        None, description="Where the customer completes the booking and pays, once ready."
    )


class OrderItemView(BaseModel):
    order_item_uuid: str
    title: str | None = Field(None, description="The activity (supplier text).")
    quantity: int | None = None
    status: str | None = Field(
        None,
        description="PENDING until confirmed, then OK; KO, REFUND_STARTED, REFUNDED or "
        "CANCELLATION_ERROR when it went otherwise.",
    )
    vouchers: list[str] = Field([], description="Voucher URLs, once the item is OK.")
    next_step: str | None = Field(None, description="What this item's status means for the user.")


class OrderView(BaseModel):
    """An order, as Musement answers it, and what happens next."""

    order_uuid: str
    identifier: str | None = Field(None, description="Musement's order code, e.g. MUS0738876.")
    status: str | None = Field(None, description="PENDING until every item is confirmed.")
    paid: bool | None = Field(
        None, description="Whether it is paid (absent when Musement did not say)."
    )
    total: str | None = Field(None, description="What the order charges (its total_price).")
    discount: Money | None = None
    items: list[OrderItemView]
    next_step: str = Field(description="What happens next, to tell the user.")


class CreateOrderResult(BaseModel):
    """The order placed for a cart (or the one that already held it)."""

    cart_uuid: str
    created: bool = Field(description="False when the cart already had this order.")
    order: OrderView
    payment: str = Field(description="How the order gets paid: what to tell the user.")

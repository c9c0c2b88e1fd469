"""The customer step of a Musement checkout, as a small async library (no MCP).

`get_cart()`, `get_customer_schema()`, `update_cart_customer()`,
`get_participants_schema()` and `update_participants()` take a
`MusementClient` and plain arguments, check the arguments before any network
call, and return pydantic models or raise a `MusementError`.
"""

from .arguments import check_cart_uuid, check_uuid, parse_json_argument
from .cache import SchemaCache
from .cart import get_cart
from .customer import get_customer_schema, parse_customer, update_cart_customer
from .errors import (
    CartItemNotFound,
    CartLocked,
    CartNotFound,
    InternalError,
    InvalidArgument,
    InvalidRequest,
    MusementError,
    ParticipantsNotRequired,
    RateLimited,
    Unauthorized,
    UpstreamError,
    UpstreamUnavailable,
    UserDeclined,
    ValidationFailed,
)
from .field_guide import FieldGuide
from .input_schema import generic_customer_schema
from .models import (
    CartOverview,
    Customer,
    CustomerSchemaResult,
    FormField,
    ParticipantsSchemaResult,
    UpdateCustomerResult,
    UpdateParticipantsResult,
)
from .participants import get_participants_schema, update_participants
from .schema import CompiledSchema, compile_schema
from .upstream import PUBLIC_SANDBOX_URL, MusementClient, MusementConfig

__all__ = [
    "PUBLIC_SANDBOX_URL",
    "CartItemNotFound",
    "CartLocked",
    "CartNotFound",
    "CartOverview",
    "CompiledSchema",
    "Customer",
    "CustomerSchemaResult",
    "FieldGuide",
    "FormField",
    "InternalError",
    "InvalidArgument",
    "InvalidRequest",
    "MusementClient",
    "MusementConfig",
    "MusementError",
    "ParticipantsNotRequired",
    "ParticipantsSchemaResult",
    "RateLimited",
    "SchemaCache",
    "Unauthorized",
    "UpdateCustomerResult",
    "UpdateParticipantsResult",
    "UpstreamError",
    "UpstreamUnavailable",
    "UserDeclined",
    "ValidationFailed",
    "check_cart_uuid",
    "check_uuid",
    "compile_schema",
    "generic_customer_schema",
    "get_cart",
    "get_customer_schema",
    "get_participants_schema",
    "parse_customer",
    "parse_json_argument",
    "update_cart_customer",
    "update_participants",
]

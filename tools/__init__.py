"""The customer step of a Musement checkout, as a small async library (no MCP).

`get_customer_schema()` and `update_cart_customer()` take a `MusementClient`
and plain arguments, and return pydantic models or raise a `MusementError`.
"""

from .arguments import check_cart_uuid, check_uuid, parse_json_argument
from .cache import SchemaCache
from .client import PUBLIC_SANDBOX_URL, MusementClient, MusementConfig
from .customer import get_customer_schema, parse_customer, update_cart_customer
from .errors import (
    CartLocked,
    CartNotFound,
    InvalidArgument,
    InvalidRequest,
    MusementError,
    RateLimited,
    Unauthorized,
    UpstreamError,
    UpstreamUnavailable,
    UserDeclined,
    ValidationFailed,
)
from .models import Customer, CustomerField, CustomerSchemaResult, UpdateCustomerResult
from .schema import CompiledSchema, compile_customer_schema, generic_customer_schema

__all__ = [
    "PUBLIC_SANDBOX_URL",
    "CartLocked",
    "CartNotFound",
    "CompiledSchema",
    "Customer",
    "CustomerField",
    "CustomerSchemaResult",
    "InvalidArgument",
    "InvalidRequest",
    "MusementClient",
    "MusementConfig",
    "MusementError",
    "RateLimited",
    "SchemaCache",
    "Unauthorized",
    "UpdateCustomerResult",
    "UpstreamError",
    "UpstreamUnavailable",
    "UserDeclined",
    "ValidationFailed",
    "check_cart_uuid",
    "check_uuid",
    "parse_json_argument",
    "compile_customer_schema",
    "generic_customer_schema",
    "get_customer_schema",
    "parse_customer",
    "update_cart_customer",
]

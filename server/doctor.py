"""`musement-mcp doctor`: a partner's first check of its settings against Musement.

musement-mcp doctor [--cart CART_UUID] [the setting flags of `musement-mcp serve`]

Loads the settings, logs in when credentials are set, sends the Musement headers
(with `--cart`, on `GET /carts/{cart}/customer/schema`; nothing is created upstream),
compiles the cart's customer schema and lists what the tools would expose with these
settings. Each step prints one line, `ok`, `warn`, `FAIL` or `skip` (a step that could
not run after a FAIL), with what to do. Exit code: 0 when nothing failed, 1 when a step
failed, 2 for settings that do not load.

It never prints the client secret, a token or customer data.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import anyio

from ..tools import (
    PUBLIC_SANDBOX_URL,
    CartNotFound,
    CustomerSchemaResult,
    InvalidArgument,
    InvalidRequest,
    MusementClient,
    MusementConfig,
    MusementError,
    RateLimited,
    Unauthorized,
    UpstreamUnavailable,
    check_cart_uuid,
    get_customer_schema,
)
from .cli import add_setting_flags, settings_from
from .settings import Settings, SettingsError

PRODUCTION_URL = "https://api.musement.com/api/v3"
KNOWN_VERSIONS = ("3.4.0", "3.5.0")
APPLICATION_CODE = "2271"
MARKET_CODE = "-1"
APPLICATION_SETTING = "MUSEMENT_APPLICATION (--application)"
CREDENTIALS = "MUSEMENT_CLIENT_ID and MUSEMENT_CLIENT_SECRET"

Status = Literal["ok", "warn", "FAIL", "skip"]


@dataclass(frozen=True)
class Check:
    """One printed line: a step, its outcome and, when something is off, what to do."""

    status: Status
    step: str
    said: str
    todo: str = ""

    def line(self) -> str:
        todo = f" -> {self.todo}" if self.todo else ""
        return f"{self.status:<4}  {self.step}: {self.said}{todo}"


@dataclass
class Report:
    """The checks so far, each printed as soon as it is known."""

    checks: list[Check] = field(default_factory=list)
    write: Callable[[str], None] = print

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        self.write(check.line())
        return check

    @property
    def failed(self) -> int:
        return sum(check.status == "FAIL" for check in self.checks)

    @property
    def warned(self) -> int:
        return sum(check.status == "warn" for check in self.checks)

    def summary(self) -> int:
        if self.failed:
            self.write(
                f"doctor: {self.failed} failed, {self.warned} warning(s): fix the FAIL lines"
            )
            return 1
        self.write(f"doctor: nothing failed, {self.warned} warning(s)")
        return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    report = Report(write=lambda text: print(text, flush=True))
    try:
        settings = settings_from(args)
    except SettingsError as exc:
        report.add(Check("FAIL", "settings", str(exc), "fix the variable or flag named above"))
        return 2
    for check in settings_checks(settings):
        report.add(check)
    cart = _cart_argument(args.cart, report)
    if cart is not None or args.cart is None:
        anyio.run(diagnose, settings, cart, report)
    report.add(tools_check(settings))
    return report.summary()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="musement-mcp doctor",
        description="Check the settings against Musement: log in, send the headers, read a "
        "cart's customer schema (with --cart) and list what the tools would expose. "
        "Every setting can also come from its MUSEMENT_* environment variable.",
    )
    parser.add_argument(
        "--cart",
        metavar="CART_UUID",
        help="A cart of yours to read the customer schema of (nothing is written).",
    )
    add_setting_flags(parser)
    return parser


def _cart_argument(cart: str | None, report: Report) -> str | None:
    if cart is None:
        return None
    try:
        return check_cart_uuid(cart)
    except InvalidArgument as exc:
        report.add(Check("FAIL", "cart", exc.message, "pass the cart's UUID as --cart"))
        return None


# -- (a) the settings, without the network ---------------------------------------


def settings_checks(settings: Settings) -> list[Check]:
    summary = (
        f"loaded: market {settings.market}, version {settings.version}, "
        f"language {settings.language}, currency {settings.currency or 'the market default'}"
    )
    return [
        Check("ok", "settings", summary),
        _environment_check(settings.base_url),
        _application_check(settings.application),
        _version_check(settings.version),
    ]


def _environment_check(base_url: str) -> Check:
    shown = without_userinfo(base_url)
    if base_url == PUBLIC_SANDBOX_URL:
        return Check(
            "warn",
            "environment",
            f"the public Musement sandbox ({shown}): nothing booked there is real",
            f"for live bookings set MUSEMENT_BASE_URL (--base-url) to {PRODUCTION_URL}",
        )
    if base_url == PRODUCTION_URL:
        return Check("ok", "environment", f"Musement production ({shown})")
    return Check(
        "warn",
        "environment",
        f"{shown}: neither the public Musement sandbox nor production (a local sandbox?)",
        f"Musement's own are {PUBLIC_SANDBOX_URL} and {PRODUCTION_URL}",
    )


def _application_check(application: str | None) -> Check:
    if application:
        return Check("ok", "application", f"X-Musement-Application: {application}")
    return Check(
        "warn",
        "application",
        "MUSEMENT_APPLICATION is not set: Musement refuses requests without "
        "X-Musement-Application (400, code 2271)",
        f"set {APPLICATION_SETTING} to the value Musement gave you",
    )


def _version_check(version: str) -> Check:
    if version in KNOWN_VERSIONS:
        return Check("ok", "version", f"X-Musement-Version: {version}")
    return Check(
        "warn",
        "version",
        f"X-Musement-Version {version} is not one this server was built for",
        "set MUSEMENT_VERSION (--api-version) to 3.4.0 (latest stable) or 3.5.0",
    )


def without_userinfo(url: str) -> str:
    """The URL without any `user:password@` part, for printing."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


# -- (b), (c), (d): against Musement ---------------------------------------------


async def diagnose(settings: Settings, cart: str | None, report: Report) -> None:
    async with MusementClient(settings.musement_config()) as client:
        later = ("headers", "cart", "schema") if cart is not None else ("market",)
        if not await _login(client, report):
            _skipped(report, later, "the login failed")
            return
        if cart is None:
            _headers_without_cart(client, report)
            return
        step = await _read_schema(client, cart, report)
        if step is None:
            await _compile_schema(client, cart, report)
        else:
            _skipped(report, later[later.index(step) + 1 :], f"the {step} step failed")


def _skipped(report: Report, steps: tuple[str, ...], why: str) -> None:
    for step in steps:
        report.add(Check("skip", step, f"skipped: {why}"))


async def _login(client: MusementClient, report: Report) -> bool:
    if not client.config.has_credentials:
        report.add(
            Check(
                "warn",
                "login",
                "no credentials: requests are anonymous",
                f"Musement recommends authenticating: set {CREDENTIALS}",
            )
        )
        return True
    try:
        # The client logs in before its first request; doctor asks for it on its own.
        await client.login()
    except MusementError as failure:
        report.add(_failure("login", failure, client))
        return False
    report.add(Check("ok", "login", "POST /login accepted the client credentials"))
    return True


def _headers_without_cart(client: MusementClient, report: Report) -> None:
    # The reads this server makes all need a cart, and doctor creates nothing upstream: the
    # login (if any) is all that was sent, so the market is not checked.
    config = client.config
    report.add(
        Check(
            "warn",
            "market",
            f"NOT CHECKED: market {config.market}, version {config.version} and application "
            f"{config.application or '(none)'} are checked only on a cart's read",
            "run again with --cart CART_UUID (a cart of yours; nothing is written)",
        )
    )


async def _read_schema(client: MusementClient, cart: str, report: Report) -> str | None:
    """Reads the cart's customer schema; None when it was read, else the step that failed."""
    config = client.config
    try:
        with client.call_budget():
            await client.get_customer_schema(cart)
    except CartNotFound as failure:
        # Musement answered about the cart, not the headers.
        report.add(
            Check(
                "ok",
                "headers",
                f"not refused: market {config.market}, "
                f"version {config.version}, application {config.application or '(none)'}",
            )
        )
        report.add(_failure("cart", failure, client))
        return "cart"
    except MusementError as failure:
        report.add(_failure("headers", failure, client))
        return "headers"
    report.add(
        Check(
            "ok",
            "headers",
            f"GET /carts/{{cart}}/customer/schema accepted market {config.market}, "
            f"version {config.version}, application {config.application or '(none)'}",
        )
    )
    report.add(Check("ok", "cart", f"{cart} found"))
    return None


async def _compile_schema(client: MusementClient, cart: str, report: Report) -> None:
    try:
        result = await get_customer_schema(client, cart)
    except MusementError as failure:
        report.add(_failure("schema", failure, client))
        return
    required = sum(form_field.required for form_field in result.fields)
    said = f"{len(result.fields)} field(s), {required} required, the tools would ask for:"
    report.add(Check("ok", "schema", said))
    for line in schema_lines(result):
        report.write(line)


def schema_lines(result: CustomerSchemaResult) -> list[str]:
    """The fields as the tools expose them: path, label, required or not."""
    width = max((len(f.path) for f in result.fields), default=0)
    return [
        f"        {f.path:<{width}}  {'required' if f.required else 'optional'}  {f.title}"
        for f in result.fields
    ]


def tools_check(settings: Settings) -> Check:
    """The tools the server publishes with these settings (the same for every cart): the
    tool sets of MUSEMENT_TOOLSETS; the order tools follow MUSEMENT_NO_PAYMENT_FLOW,
    MUSEMENT_CHECKOUT_URL, MUSEMENT_PLACE_ORDERS."""
    from .catalog import TOOLS

    options = settings.order_options()
    names = ", ".join(
        f"{tool.name} ({'read' if tool.read_only else 'write'})"
        for tool in TOOLS
        if tool.listed_by(options)
    )
    return Check("ok", "tools", names)


# -- failures, as lines with what to do --------------------------------------------


def _failure(step: str, failure: MusementError, client: MusementClient) -> Check:
    if step == "login" and failure.status == 404:
        # No /login there: the base URL is not Musement's API root.
        base = without_userinfo(client.config.base_url)
        return Check(
            "FAIL",
            "login",
            f"no Musement API at {base}: POST /login answered HTTP 404",
            "check MUSEMENT_BASE_URL (--base-url): it ends in /api/v3, such as "
            f"{PUBLIC_SANDBOX_URL}",
        )
    what, todo = diagnosis(failure, client.config)
    return Check("FAIL", step, f"{what}: {failure.message}{_status_of(failure)}", todo)


def diagnosis(failure: MusementError, config: MusementConfig) -> tuple[str, str]:
    """What a failure says about the settings, and what to do about it."""
    code = failure.code if isinstance(failure, InvalidRequest) else None
    if code == APPLICATION_CODE:
        return "application missing or unknown", f"set {APPLICATION_SETTING} to Musement's value"
    if code == MARKET_CODE:
        return f"market {config.market!r} refused", (
            "set MUSEMENT_MARKET (--market) to a market of your contract, such as us or it"
        )
    if isinstance(failure, Unauthorized) and not config.has_credentials:
        return "anonymous requests refused", f"set {CREDENTIALS} to the ones Musement gave you"
    if isinstance(failure, Unauthorized):
        return "credentials refused", (
            f"check {CREDENTIALS}: they belong to one environment (sandbox or production)"
        )
    if isinstance(failure, CartNotFound):
        return "no such cart", "check --cart: a cart created with these settings, not expired"
    if isinstance(failure, UpstreamUnavailable):
        return f"Musement unreachable at {without_userinfo(config.base_url)}", (
            "check MUSEMENT_BASE_URL (--base-url) and the network, or try again later"
        )
    if isinstance(failure, RateLimited):
        return "rate limited", failure.hint
    return failure.type, failure.hint


def _status_of(failure: MusementError) -> str:
    parts = []
    if failure.status is not None:
        parts.append(f"HTTP {failure.status}")
    if failure.code is not None:
        parts.append(f"code {failure.code}")
    return f" ({', '.join(parts)})" if parts else ""

"""Three stateless replicas behind nginx, on loopback: what a horizontal deployment needs.

The module starts its own sandbox, three `musement-mcp serve --transport http --stateless`
processes sharing one MUSEMENT_REQUEST_STATE_KEY, and nginx (Debian's package) as a
round-robin load balancer in front of them, configured from deploy/nginx.conf (rendered by
bench.replicas.render_nginx_config; nginx runs in the foreground as a child of the test, with
its own prefix in a temp dir). Everything below goes through nginx:

- the official conformance suite, both spec versions, in stateless mode, with the same
  expected-failures file as tests/e2e/test_conformance.py;
- the Python MCP client in both protocol eras: tools listed, the two customer tools called,
  error paths;
- a 2026-07-28 elicitation round whose retry is answered by a different replica (nginx's
  access log and the replicas' own JSON logs say which);
- the bounded mixed load of tests/support/load.py: no errors, no wrong answers, no lost updates;
- failover: one replica is killed (SIGKILL) in the middle of a load, while the sandbox
  answers updates slowly so that some are surely in flight on it. A call in flight on it at
  that moment may fail (nginx does not replay a POST already sent; at most one per client);
  every call issued after nginx has marked it failed must succeed; no acknowledged update may
  be lost; once restarted, nginx takes it back. `pytest -s` prints the figures;
- one order per cart: against a sandbox whose PENDING orders leave their cart open, 24
  concurrent create_order calls for one cart through replicas sharing a redis-server
  (MUSEMENT_REDIS_URL) make exactly one order and one `created: true`; the same race on
  replicas without Redis is run and its figures printed (`pytest -s`), not asserted.

Skips only when there is no nginx binary (the conformance test also needs Node, as in
tests/e2e/test_conformance.py; the order tests, redis-server).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client

from bench.replicas import Balancer, Replica, final_upstream, nginx_binary, run_nginx
from bench.replicas import run_replicas as start_replicas
from musement_mcp.sandbox import (
    EXTRA_DATA_CART_UUID,
    LOCKED_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    SandboxServer,
    product_id_of,
)
from tests.support.common import (
    ERA_2026_07_28,
    ERAS,
    GRACE,
    HANDSHAKE_ERA,
    TEST_APPLICATION,
    client_mode,
    error_of,
)
from tests.support.conformance import MUST_PASS, run_conformance, scenario_results
from tests.support.elicitation import FROM_MODEL, User, answers
from tests.support.load import MISSING_CART, run_load
from tests.support.node import require_node
from tests.support.orders import confirmed_arguments
from tests.support.redis import run_redis

NGINX = nginx_binary()
pytestmark = [
    pytest.mark.replicas,
    pytest.mark.skipif(
        NGINX is None,
        reason="needs the nginx binary (Debian: apt-get install -y nginx) to balance the replicas",
    ),
]

REPLICAS = 3
SHARED_KEY = "replicas-share-this-request-state-key-0123456789"
# Short, so that the failover test can also see a recovered replica taken back.
FAIL_TIMEOUT_SECONDS = 3
CALL_TIMEOUT = 10.0  # no single call may hang the test


@dataclass
class Cluster:
    sandbox: SandboxServer
    replicas: list[Replica]
    balancer: Balancer

    @property
    def url(self) -> str:
        return self.balancer.url

    def replica_at(self, address: str) -> Replica:
        return next(r for r in self.replicas if r.address == address)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """This module's own sandbox (its recorder counts only our requests), with fault
    injection for the failover test."""
    with SandboxServer(faults=True) as server:
        yield server


@pytest.fixture(scope="module")
def cluster(sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    assert NGINX is not None
    work = tmp_path_factory.mktemp("replicas")
    env = {"MUSEMENT_REQUEST_STATE_KEY": SHARED_KEY, "MUSEMENT_LOG_LEVEL": "INFO"}
    with start_replicas(
        sandbox.base_url, REPLICAS, work, application=TEST_APPLICATION, env=env
    ) as replicas:
        upstreams = [r.address for r in replicas]
        with run_nginx(
            NGINX, work / "nginx", upstreams, fail_timeout=f"{FAIL_TIMEOUT_SECONDS}s"
        ) as balancer:
            yield Cluster(sandbox, replicas, balancer)


def new_entries(cluster: Cluster, since: int) -> list[dict[str, Any]]:
    return cluster.balancer.access_entries()[since:]


# --- conformance ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec_version", ["2025-11-25", "2026-07-28"])
def test_conformance_suite_through_the_balancer(cluster: Cluster, tmp_path, spec_version):
    node = require_node()
    before = len(cluster.balancer.access_entries())
    out = run_conformance(node, cluster.url, spec_version, tmp_path / "results")
    summary = out.stdout[out.stdout.rfind("=== SUMMARY") :]
    assert out.returncode == 0, f"conformance {spec_version} via nginx:\n{summary}\n{out.stderr}"
    results = scenario_results(tmp_path / "results")
    for scenario in MUST_PASS[spec_version]:
        assert scenario in results, f"{scenario} did not run:\n{summary}"
        assert any(c["status"] == "SUCCESS" for c in results[scenario]), scenario
    # The suite's requests really were spread over the three replicas.
    served = cluster.balancer.served_by(new_entries(cluster, before))
    assert set(served) == {r.address for r in cluster.replicas}, served


# --- both eras with the Python client ------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("era", ERAS)
async def test_both_eras_through_the_balancer(cluster: Cluster, make_cart, era) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    customer = {
        **FROM_MODEL,
        "musement_newsletter": "NO",
        "allow_profiling": "NO",
        "thirdparty_newsletter": "NO",
        "events_related_newsletter": "YES",
        "extra_customer_data": {
            SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "3901234567", "s_74380": "Artemide"}
        },
    }
    before = len(cluster.balancer.access_entries())
    async with Client(cluster.url, mode=client_mode(era)) as client:
        tools = await client.list_tools()
        names = {t.name for t in tools.tools}
        assert {"get_customer_schema", "update_cart_customer"} <= names, names
        schema = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
        assert not schema.is_error
        paths = [f["path"] for f in schema.structured_content["fields"]]
        assert any(path.startswith("extra_customer_data.") for path in paths)
        saved = await client.call_tool(
            "update_cart_customer", {"cart_uuid": cart, "customer": customer}
        )
        assert not saved.is_error, saved.content[0].text
        assert saved.structured_content["customer"]["lastname"] == "Lovelace"
        locked = await client.call_tool(
            "update_cart_customer",
            {"cart_uuid": LOCKED_CART_UUID, "customer": {"lastname": "X"}, "partial": True},
        )
        assert error_of(locked)["type"] == "cart_locked"
        missing = await client.call_tool("get_customer_schema", {"cart_uuid": MISSING_CART})
        assert error_of(missing)["type"] == "cart_not_found"
        invalid = await client.call_tool("get_customer_schema", {"cart_uuid": "not-a-uuid"})
        assert error_of(invalid)["type"] == "invalid_argument"
    assert cluster.sandbox.state.carts[cart].customer["email"] == FROM_MODEL["email"]
    # One client, one conversation, answered by every replica in turn (no sessions).
    served = cluster.balancer.served_by(new_entries(cluster, before))
    assert len(served) == REPLICAS, served


# --- elicitation across replicas ------------------------------------------------------------


def outcomes(replica: Replica, outcome: str) -> int:
    return sum(
        1
        for record in replica.log_records()
        if record.get("msg") == "tool call"
        and record.get("tool") == "update_cart_customer"
        and record.get("outcome") == outcome
    )


@pytest.mark.anyio
async def test_elicitation_retry_is_answered_by_another_replica(cluster: Cluster, make_cart):
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    before = len(cluster.balancer.access_entries())
    asked = {r.address: outcomes(r, "input_required") for r in cluster.replicas}
    done = {r.address: outcomes(r, "ok") for r in cluster.replicas}

    async with Client(
        cluster.url, mode=client_mode(ERA_2026_07_28), elicitation_callback=User()
    ) as client:
        first = await client.session.call_tool(
            "update_cart_customer",
            {"cart_uuid": cart, "customer": FROM_MODEL},
            allow_input_required=True,
        )
        assert isinstance(first, types.InputRequiredResult)
        ((key, request),) = first.input_requests.items()
        reply = types.ElicitResult(
            action="accept", content=answers(request.params.requested_schema)
        )
        second = await client.session.call_tool(
            "update_cart_customer",
            {"cart_uuid": cart, "customer": FROM_MODEL},
            allow_input_required=True,
            input_responses={key: reply},
            request_state=first.request_state,
        )
    assert isinstance(second, types.CallToolResult) and not second.is_error, second
    stored = cluster.sandbox.state.carts[cart].customer
    assert stored["firstname"] == "Ada" and stored["allow_profiling"] == "NO"
    assert stored["extra_customer_data"][SANDBOX_TEST_ACTIVITY_UUID]["s_74380"] == "Hotel Artemide"

    # Which replica answered each round, from nginx's access log...
    calls = [
        e
        for e in new_entries(cluster, before)
        if e["mcp_method"] == "tools/call" and e["mcp_name"] == "update_cart_customer"
    ]
    assert [e["status"] for e in calls] == [200, 200], calls
    first_by, retry_by = (final_upstream(e) for e in calls)
    assert first_by != retry_by, f"both rounds were answered by {first_by}"
    # ...and from the replicas' own logs: the form was asked by one, the update made by another.
    asked_now = {
        r.address: outcomes(r, "input_required") - asked[r.address] for r in cluster.replicas
    }
    done_now = {r.address: outcomes(r, "ok") - done[r.address] for r in cluster.replicas}
    assert asked_now == {a: int(a == first_by) for a in asked_now}, asked_now
    assert done_now == {a: int(a == retry_by) for a in done_now}, done_now


# --- bounded mixed load ---------------------------------------------------------------------


@pytest.mark.anyio
async def test_mixed_load_through_the_balancer(cluster: Cluster) -> None:
    before = len(cluster.balancer.access_entries())
    report = await run_load(cluster.url, cluster.sandbox, clients=24, calls=20)
    problems = report.protocol_errors + report.wrong_answers + report.lost_updates
    assert not problems, problems[:10]
    assert report.calls == 24 * 20
    served = cluster.balancer.served_by(new_entries(cluster, before))
    assert set(served) == {r.address for r in cluster.replicas}
    # Round robin: each replica answered about a third of the requests.
    total = sum(served.values())
    assert all(count > total / (2 * REPLICAS) for count in served.values()), served


# --- failover -------------------------------------------------------------------------------


@dataclass
class Call:
    client: int
    number: int
    tool: str
    started: float
    ended: float
    error: str | None = None
    customer: dict[str, Any] | None = None  # what an update sent


class FailoverLoad:
    """Clients calling back to back, each on its own cart, until each has made
    `calls_after_mark` calls that started after nginx marked the dead replica failed."""

    def __init__(self, url: str, carts: list[str], calls_after_mark: int) -> None:
        self.url, self.carts, self.calls_after_mark = url, carts, calls_after_mark
        self.calls: list[Call] = []
        self.marked_at: float | None = None
        self.reconnects = 0

    def customer(self, client: int, number: int) -> dict[str, Any]:
        return {
            **FROM_MODEL,
            "lastname": f"Client{client}-Call{number}",
            "musement_newsletter": "NO",
            "allow_profiling": "NO",
            "thirdparty_newsletter": "NO",
            "events_related_newsletter": "NO",
        }

    def done(self, client: int) -> bool:
        if self.marked_at is None:
            return False
        after = [c for c in self.calls if c.client == client and c.started > self.marked_at]
        # Finish on an update, so the cart's final state is an update made after the mark.
        return len(after) >= self.calls_after_mark and after[-1].tool == "update_cart_customer"

    async def run_client(self, index: int) -> None:
        era = ERA_2026_07_28 if index % 2 else HANDSHAKE_ERA
        number = 0
        while not self.done(index):
            # A client whose call failed connects again, as a real client would.
            try:
                async with Client(self.url, mode=client_mode(era)) as client:
                    while not self.done(index):
                        number += 1
                        if not await self.one_call(client, index, number):
                            break
            except Exception:  # closing a client after a failed call may raise too
                pass
            if not self.done(index):
                self.reconnects += 1

    async def one_call(self, client: Client, index: int, number: int) -> bool:
        cart = self.carts[index]
        if number % 3:
            call = Call(index, number, "update_cart_customer", time.time(), 0.0)
            call.customer = self.customer(index, number)
            arguments: dict[str, Any] = {"cart_uuid": cart, "customer": call.customer}
        else:
            call = Call(index, number, "get_customer_schema", time.time(), 0.0)
            arguments = {"cart_uuid": cart}
        self.calls.append(call)
        try:
            with anyio.fail_after(CALL_TIMEOUT):
                result = await client.call_tool(call.tool, arguments)
            if result.is_error:
                call.error = result.content[0].text[:200]
        except Exception as exc:
            call.error = f"{type(exc).__name__}: {exc}"[:200]
        call.ended = time.time()
        return call.error is None


def disabled_in_error_log(balancer: Balancer, address: str) -> bool:
    """nginx's passive health check has taken `address` out of the rotation."""
    pattern = re.compile(r"upstream server temporarily disabled.*upstream: \"http://" + address)
    return any(pattern.search(line) for line in balancer.error_log.read_text().splitlines())


@pytest.mark.anyio
async def test_failover_when_a_replica_dies_mid_load(cluster: Cluster, make_cart) -> None:
    clients = 12
    carts = [make_cart() for _ in range(clients)]
    victim = cluster.replicas[1]
    others = {r.address for r in cluster.replicas} - {victim.address}
    load = FailoverLoad(cluster.url, carts, calls_after_mark=10)
    before = len(cluster.balancer.access_entries())

    try:
        with anyio.fail_after(40):  # bounded: stops by itself
            async with anyio.create_task_group() as group:
                for index in range(clients):
                    group.start_soon(load.run_client, index)
                while sum(1 for c in load.calls if c.ended) < 10 * clients:
                    await anyio.sleep(0.01)  # warm: every client is calling
                # Musement answers updates slowly for a moment, so that updates are surely
                # in flight on the replica when it dies.
                cluster.sandbox.faults.delay("PUT", "/carts/*/customer", 0.5, times=None)
                await anyio.sleep(0.3)
                killed_at = time.time()
                victim.kill()  # SIGKILL, mid-load; returns once the process is gone
                cluster.sandbox.faults.clear()
                while not disabled_in_error_log(cluster.balancer, victim.address):
                    await anyio.sleep(0.01)
                load.marked_at = time.time()
    finally:
        cluster.sandbox.faults.clear()
        if victim.process is not None and victim.process.poll() is not None:
            victim.start()  # bring it back for whatever runs after, and check re-admission
            victim.wait_ready()

    before_kill = [c for c in load.calls if c.started <= killed_at]
    between = [c for c in load.calls if killed_at < c.started <= load.marked_at]
    after = [c for c in load.calls if c.started > load.marked_at]
    failed = {
        "in flight at the kill": [c for c in before_kill if c.error],
        "issued between the kill and the mark": [c for c in between if c.error],
        "issued after the mark": [c for c in after if c.error],
    }
    entries = new_entries(cluster, before)
    moved = [e for e in entries if "," in e["upstream"]]  # refused, passed to the next replica
    report = {
        "calls": len(load.calls),
        "issued_before_kill": len(before_kill),
        "between_kill_and_mark": len(between),
        "after_mark": len(after),
        "mark_after_kill_ms": round((load.marked_at - killed_at) * 1000, 1),
        "failed": {label: len(calls) for label, calls in failed.items()},
        "reconnects": load.reconnects,
        "requests_nginx_passed_to_another_replica": len(moved),
    }
    errors = [
        f"{label}: {c.tool} #{c.number} of client {c.client}: {c.error}"
        for label, calls in failed.items()
        for c in calls
    ]
    # Shown with `pytest -s`: the switchover in numbers, and what the failed calls saw.
    print("failover:", json.dumps(report), *errors, sep="\n  ")

    # Every call issued after nginx marked the replica failed succeeded.
    assert not failed["issued after the mark"], errors
    assert len(after) >= 10 * clients
    # Failures are at most the calls in flight on the dead replica: one per client.
    assert sum(map(len, failed.values())) <= clients, errors
    # After the mark nothing was sent to the dead replica (within fail_timeout); the others
    # answered everything.
    after_mark = [e for e in entries if e["msec"] - e["request_time"] > load.marked_at]
    assert after_mark and all(final_upstream(e) in others for e in after_mark)
    assert all(e["status"] in (200, 202) for e in after_mark), after_mark

    # No lost update: each cart holds the last update its client was told succeeded (the
    # last call of every client is an update made after the mark), and the sandbox received
    # every acknowledged PUT (at most one more per client: a failed call that got through).
    for index, cart in enumerate(carts):
        updates = [c for c in load.calls if c.client == index and c.customer is not None]
        acknowledged = [c for c in updates if c.error is None]
        assert acknowledged[-1] is updates[-1]
        stored = cluster.sandbox.state.carts[cart].customer
        assert stored["lastname"] == acknowledged[-1].customer["lastname"]
        puts = cluster.sandbox.recorder.count("PUT", f"/carts/{cart}/customer")
        assert len(acknowledged) <= puts <= len(updates), (index, len(acknowledged), puts)

    # The replica, back after the crash, is taken back into the rotation by nginx after
    # fail_timeout (passive health checks need live traffic to notice).
    revived = len(cluster.balancer.access_entries())
    with anyio.fail_after(FAIL_TIMEOUT_SECONDS + 10):
        async with Client(cluster.url, mode=client_mode(ERA_2026_07_28)) as client:
            while victim.address not in cluster.balancer.served_by(new_entries(cluster, revived)):
                await client.list_tools()
                await anyio.sleep(0.1)
    assert Counter(final_upstream(e) for e in new_entries(cluster, revived))[victim.address]


# --- one order per cart across replicas ------------------------------------------------------
#
# A sandbox whose PENDING orders leave their cart open (Musement's reference does not say they
# lock it), so nothing upstream stops a second order: only the replicas' shared order guard
# (MUSEMENT_REDIS_URL, a redis-server started here) does. POST /orders answers slowly, so that
# calls on other replicas surely look for the cart's order while the first one is being placed.

ORDER_CALLS = 24
POST_ORDER_DELAY = 0.3


@pytest.fixture(scope="module")
def unlocked_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(faults=True, pending_orders_lock_cart=False) as server:
        server.faults.delay("POST", "/orders", POST_ORDER_DELAY, times=None)
        yield server


@contextlib.contextmanager
def cluster_on(
    sandbox: SandboxServer, work: Path, env: dict[str, str] | None = None
) -> Iterator[Cluster]:
    assert NGINX is not None
    env = {"MUSEMENT_REQUEST_STATE_KEY": SHARED_KEY, "MUSEMENT_LOG_LEVEL": "INFO", **(env or {})}
    with start_replicas(
        sandbox.base_url, REPLICAS, work, application=TEST_APPLICATION, env=env
    ) as replicas:
        upstreams = [r.address for r in replicas]
        with run_nginx(NGINX, work / "nginx", upstreams) as balancer:
            yield Cluster(sandbox, replicas, balancer)


@pytest.fixture(scope="module")
def redis_cluster(
    unlocked_sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """Three replicas sharing one redis-server (MUSEMENT_REDIS_URL), behind nginx."""
    work = tmp_path_factory.mktemp("replicas-redis")
    with run_redis(work / "redis") as redis:
        with cluster_on(unlocked_sandbox, work, {"MUSEMENT_REDIS_URL": redis.url}) as cluster:
            yield cluster


@pytest.fixture(scope="module")
def unshared_cluster(
    unlocked_sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """The same, without MUSEMENT_REDIS_URL: each replica has its own order guard."""
    with cluster_on(unlocked_sandbox, tmp_path_factory.mktemp("replicas-unshared")) as cluster:
        yield cluster


@dataclass
class OrderRace:
    """24 clients place one cart's order at once, each after its own confirmation step."""

    cart: str
    results: list[types.CallToolResult]
    orders_upstream: int  # the cart's orders in the sandbox
    posts: int  # POST /orders the sandbox received during the race
    # create_order calls per replica, from nginx's access log: the 2026-07-28 era's only
    # (they name their method in a header nginx logs; the handshake era's do not).
    served_by: Counter[str]

    def created(self) -> list[dict[str, Any]]:
        return [
            r.structured_content
            for r in self.results
            if not r.is_error and r.structured_content and r.structured_content["created"]
        ]

    def figures(self) -> dict[str, Any]:
        errors = Counter(error_of(r)["type"] for r in self.results if r.is_error)
        return {
            "orders_upstream": self.orders_upstream,
            "posts": self.posts,
            "created_true": len(self.created()),
            "created_false": sum(
                1 for r in self.results if not r.is_error and not r.structured_content["created"]
            ),
            "errors": dict(errors),
            "replicas": dict(self.served_by),
        }


async def race_for_one_order(cluster: Cluster) -> OrderRace:
    sandbox = cluster.sandbox
    async with Client(cluster.url, mode=client_mode(ERA_2026_07_28)) as client:
        cart = sandbox.state.create_cart().uuid
        sandbox.state.add_item(
            sandbox.state.carts[cart], product_id_of(VATICAN_MUSEUMS_UUID), quantity=1
        )
        saved = await client.call_tool(
            "update_cart_customer", {"cart_uuid": cart, "customer": GRACE}
        )
        assert not saved.is_error, saved.content[0].text
    posts_before = sandbox.recorder.count("POST", "/orders")
    before = len(cluster.balancer.access_entries())
    results: list[types.CallToolResult] = []
    go = anyio.Event()
    ready = 0

    async def one_client(index: int) -> None:
        nonlocal ready
        async with Client(
            cluster.url, mode=client_mode(ERA_2026_07_28 if index % 2 else HANDSHAKE_ERA)
        ) as client:
            # The unconfirmed call first (it offers a confirmation token, once they exist).
            arguments = await confirmed_arguments(client, cart)
            ready += 1
            await go.wait()
            results.append(await client.call_tool("create_order", arguments))

    with anyio.fail_after(120):  # a safety net, not a measure
        async with anyio.create_task_group() as group:
            for index in range(ORDER_CALLS):
                group.start_soon(one_client, index)
            while ready < ORDER_CALLS:
                await anyio.sleep(0.01)
            go.set()  # every confirmed call at once
    calls = [
        e
        for e in new_entries(cluster, before)
        if e["mcp_method"] == "tools/call" and e["mcp_name"] == "create_order"
    ]
    orders = [o for o in sandbox.state.orders.values() if o.cart.uuid == cart]
    return OrderRace(
        cart=cart,
        results=results,
        orders_upstream=len(orders),
        posts=sandbox.recorder.count("POST", "/orders") - posts_before,
        served_by=Counter(final_upstream(e) for e in calls),
    )


@pytest.mark.anyio
async def test_replicas_sharing_redis_place_one_order_for_a_cart(redis_cluster: Cluster) -> None:
    race = await race_for_one_order(redis_cluster)
    print("with MUSEMENT_REDIS_URL:", json.dumps(race.figures()))
    assert len(race.results) == ORDER_CALLS
    # The calls really were spread over the replicas.
    assert len(race.served_by) == REPLICAS, race.served_by
    assert (race.orders_upstream, race.posts) == (1, 1), race.figures()
    (created,) = race.created()
    order_uuid = created["order"]["order_uuid"]
    assert redis_cluster.sandbox.state.carts[race.cart].order_uuid == order_uuid
    for result in race.results:
        if result.is_error:
            # Waiting too long for the lock is allowed; anything else is not.
            assert error_of(result)["type"] == "order_busy", result.content[0].text
        else:
            assert result.structured_content["order"]["order_uuid"] == order_uuid
    # Nothing to warn about: the replicas share their order guard.
    for replica in redis_cluster.replicas:
        assert not any(
            "MUSEMENT_REDIS_URL" in str(record.get("msg")) for record in replica.log_records()
        )


@pytest.mark.anyio
async def test_replicas_without_redis_are_not_guarded(unshared_cluster: Cluster) -> None:
    """What MUSEMENT_REDIS_URL prevents, shown: each replica serializes only its own calls,
    so up to one order per replica. Whether the race is lost on a given run depends on
    timing, so the counts are printed (`pytest -s`), not asserted; the warning is."""
    race = await race_for_one_order(unshared_cluster)
    print("without MUSEMENT_REDIS_URL:", json.dumps(race.figures()))
    assert len(race.results) == ORDER_CALLS
    assert 1 <= race.orders_upstream <= REPLICAS
    for replica in unshared_cluster.replicas:
        warned = [
            record
            for record in replica.log_records()
            if record.get("level") == "warning" and "MUSEMENT_REDIS_URL" in str(record.get("msg"))
        ]
        assert warned, "a stateless replica without Redis must say what is not shared"

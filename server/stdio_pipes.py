"""stdin and stdout for the SDK's stdio transport, read and written on the event loop.

The SDK's `stdio_server` reads every line and writes every message through a worker
thread (`anyio.wrap_file`): several thread hops per tool call, a good part of a warm
call's cost. MCP clients start a server with two pipes, which asyncio reads and writes
directly; `event_loop_stdio` hands them to the SDK as the streams it accepts
(`stdio_server(stdin=..., stdout=...)`), so the SDK still does the framing and parsing.
Like the SDK, it moves the descriptors out of the way while it serves: fd 0 reads
/dev/null and fd 1 writes to stderr, so a stray `print` cannot corrupt the protocol.
Anything else (a terminal, a file, a socket, one pipe on both) is left to the SDK's own
transport: a socket's write side would also watch for reads, and a shared pipe would
have its blocking mode changed under its other users.

Kept for speed (issue 25): against the SDK's own transport, measured side by side over
stdio subprocesses, a small call (`prompts/list`) takes about a third less time and a warm
`update_cart_customer` 4-14 % less, with 20-35 % less server CPU per call (bench/RESULTS.md,
"Speed code"). Reproduce: `python -m bench --only stdio_pipes` (the SDK's transport is the
bench's `python -m bench.variant_server --sdk-stdio`).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio

# stdio comes from the client that started the server: trusted, so only a generous cap.
MAX_LINE_BYTES = 64 * 1024 * 1024
# How long the last answers may take to drain at exit, for a reader that is slow.
DRAIN_AT_EXIT_SECONDS = 5.0
# Not a JSON-RPC message: the SDK answers it with a parse error.
_TOO_LONG = "{\n"


class PipeLines:
    """stdin as an async iterator of text lines (what the SDK reads)."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    def __aiter__(self) -> PipeLines:
        return self

    async def __anext__(self) -> str:
        try:
            line = await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as end:
            line = end.partial  # the last line, without its newline
        except asyncio.LimitOverrunError as overrun:
            await self._discard_line(overrun.consumed)
            return _TOO_LONG
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")

    async def _discard_line(self, buffered: int) -> None:
        """Skip the rest of a line longer than the cap, up to and including its newline."""
        while True:
            with suppress(asyncio.IncompleteReadError):
                await self._reader.readexactly(buffered)
            try:
                await self._reader.readuntil(b"\n")
                return
            except asyncio.IncompleteReadError:
                return
            except asyncio.LimitOverrunError as overrun:
                buffered = overrun.consumed


class PipeWriter:
    """stdout as the SDK writes it: `write` a message, then `flush` (which waits until the
    pipe took all of it, as the SDK's blocking write did)."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()


def _pipes() -> bool:
    try:
        given = os.fstat(0), os.fstat(1)
    except OSError:
        return False
    distinct = (given[0].st_dev, given[0].st_ino) != (given[1].st_dev, given[1].st_ino)
    return distinct and all(stat.S_ISFIFO(s.st_mode) for s in given)


@asynccontextmanager
async def event_loop_stdio(
    max_line_bytes: int = MAX_LINE_BYTES,
) -> AsyncIterator[tuple[PipeLines, PipeWriter] | None]:
    """The process's stdin and stdout on the event loop, or None where they are not two
    pipes (the caller then uses the SDK's transport)."""
    if not _pipes():
        yield None
        return
    blocking = os.get_blocking(0), os.get_blocking(1)
    private_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    private_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    read_transport: asyncio.ReadTransport | None = None
    write_transport: asyncio.WriteTransport | None = None
    try:
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.close(nothing)
        try:
            os.dup2(2, 1)
        except OSError:  # no stderr: stray output goes nowhere, never onto the wire
            sink = os.open(os.devnull, os.O_WRONLY)
            os.dup2(sink, 1)
            os.close(sink)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=max_line_bytes)
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(private_in, "rb", 0)
        )
        write_transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(private_out, "wb", 0)
        )
        write_transport.set_write_buffer_limits(0)  # drain() waits for an empty buffer
        writer = asyncio.StreamWriter(write_transport, protocol, None, loop)
        yield PipeLines(reader), PipeWriter(writer)
    finally:
        await _drained(write_transport)
        # The wire goes back to fds 0 and 1 (blocking, as found) before the transports
        # close their copies.
        with suppress(OSError):
            os.dup2(private_in, 0)
            os.set_blocking(0, blocking[0])
        with suppress(OSError):
            os.dup2(private_out, 1)
            os.set_blocking(1, blocking[1])
        for transport, fd in ((read_transport, private_in), (write_transport, private_out)):
            if transport is not None:
                transport.close()  # closes fd
            else:
                with suppress(OSError):
                    os.close(fd)


async def _drained(transport: asyncio.WriteTransport | None) -> None:
    """Wait (bounded, shielded from cancellation) until what was written has left."""
    if transport is None or transport.is_closing():
        return
    with anyio.move_on_after(DRAIN_AT_EXIT_SECONDS, shield=True):
        while transport.get_write_buffer_size():
            await anyio.sleep(0.01)

"""stdin and stdout for the SDK's stdio transport, read and written on the event loop.

The SDK's `stdio_server` reads every line and writes every message through a worker
thread (`anyio.wrap_file`): several thread hops per tool call, a good part of a warm
call's cost. MCP clients start a server with pipes (or a socket pair), which asyncio
reads and writes directly; `event_loop_stdio` hands such descriptors to the SDK as the
streams it accepts (`stdio_server(stdin=..., stdout=...)`), so the SDK still does the
framing and parsing. Like the SDK, it moves the descriptors out of the way while it
serves: fd 0 reads /dev/null and fd 1 writes to stderr, so a stray `print` cannot
corrupt the protocol. A terminal or a file is left to the SDK's own transport.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

# stdio comes from the client that started the server: trusted, so only a generous cap.
MAX_LINE_BYTES = 64 * 1024 * 1024


class PipeLines:
    """stdin as an async iterator of text lines (what the SDK reads)."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    def __aiter__(self) -> PipeLines:
        return self

    async def __anext__(self) -> str:
        try:
            line = await self._reader.readline()
        except ValueError:
            # Longer than the cap: asyncio dropped it; the SDK answers a parse error.
            return "{\n"
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")


class PipeWriter:
    """stdout as the SDK writes it: `write` a message, then `flush`."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()


def _is_pipe(fd: int) -> bool:
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


@asynccontextmanager
async def event_loop_stdio() -> AsyncIterator[tuple[PipeLines, PipeWriter] | None]:
    """The process's stdin and stdout on the event loop, or None where they are not both
    pipes or sockets (the caller then uses the SDK's transport)."""
    if not (_is_pipe(0) and _is_pipe(1)):
        yield None
        return
    private_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    private_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    os.dup2(2, 1)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    read_transport = write_transport = None
    try:
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(private_in, "rb", 0)
        )
        write_transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(private_out, "wb", 0)
        )
        writer = asyncio.StreamWriter(write_transport, protocol, None, loop)
        yield PipeLines(reader), PipeWriter(writer)
    finally:
        # The wire goes back to fds 0 and 1 before the transports close their copies.
        with suppress(OSError):
            os.dup2(private_in, 0)
        with suppress(OSError):
            os.dup2(private_out, 1)
        for transport in (read_transport, write_transport):
            if transport is not None:
                transport.close()

"""Structured logs on stderr, one JSON object per line.

stdout belongs to the protocol in stdio mode, so nothing is ever logged there.
Only the fields named in `_FIELDS` are copied from a record's extras: callers
log outcomes and timings, never customer data or secrets.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import TextIO

_FIELDS = ("tool", "outcome", "ms", "transport", "url", "workers", "auth", "status", "path")


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in _FIELDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    # Our own loggers follow the setting; libraries stay at WARNING so that a
    # DEBUG run does not print request bodies from HTTP or protocol internals.
    logging.getLogger("musement_mcp").setLevel(level)

"""The emulator's HTTP server log: aiohttp's own messages, stripped of everything the client sent.

aiohttp logs a malformed request (a bad header byte, a broken request line) with the
offending bytes quoted, which may hold a live security token or a signature. Its messages
go to ``HTTP_LOGGER`` instead, whose filter keeps the level and the kind of failure only.
"""
from __future__ import annotations

import logging

__all__ = ["HTTP_LOGGER"]


class _Redact(logging.Filter):
    """Rewrite each record to a fixed text naming the exception type (no arguments, no traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        record.msg = "the HTTP server refused or dropped a request (%s)"
        record.args = (type(error).__name__ if error is not None else "no exception",)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


HTTP_LOGGER = logging.getLogger("alicloud_storage.emulator.http")
HTTP_LOGGER.addFilter(_Redact())

"""Alibaba Cloud Tablestore: client, models and errors.

``from alicloud_storage.tablestore import *`` gives the names ``from tablestore import *``
gives for the wide-table model. The clients (and with them protobuf and
aiohttp) are imported on first use of ``OTSClient`` / ``AsyncOTSClient``, so importing
this package stays fast and light.
"""
from alicloud_storage.tablestore.errors import *  # noqa: F401,F403  (first: lower layers import it)
from typing import Any

from alicloud_storage.tablestore.errors import __all__ as _errors
from alicloud_storage.tablestore.models import *  # noqa: F401,F403
from alicloud_storage.tablestore.models import __all__ as _models
from alicloud_storage.tablestore.retry import (
    DefaultRetryPolicy,
    NoDelayRetryPolicy,
    NoRetryPolicy,
    RetryPolicy,
    WriteRetryPolicy,
)

_CLIENTS = ("OTSClient", "AsyncOTSClient")

__all__ = [
    *_CLIENTS,
    *_models,
    *_errors,
    "RetryPolicy",
    "DefaultRetryPolicy",
    "WriteRetryPolicy",
    "NoRetryPolicy",
    "NoDelayRetryPolicy",
]


def __getattr__(name: str) -> Any:
    """Import the clients lazily (PEP 562)."""
    if name in _CLIENTS:
        from alicloud_storage.tablestore import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Alibaba Cloud Tablestore: client, models and errors.

``from alicloud_storage.tablestore import *`` gives the names ``from tablestore import *``
gives for the wide-table model. The clients (and with them protobuf and
aiohttp) are imported on first use of ``OTSClient`` / ``AsyncOTSClient``, and the retry
policies (with the retry engine) on first use of theirs, so importing this package stays
fast and light; type checkers see them all through the imports below.
"""
from alicloud_storage.tablestore.errors import *  # noqa: F401,F403  (first: lower layers import it)
from typing import TYPE_CHECKING, Any

from alicloud_storage.tablestore.errors import __all__ as _errors
from alicloud_storage.tablestore.models import *  # noqa: F401,F403
from alicloud_storage.tablestore.models import __all__ as _models

if TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers
    from alicloud_storage.tablestore.client import AsyncOTSClient as AsyncOTSClient
    from alicloud_storage.tablestore.client import OTSClient as OTSClient
    from alicloud_storage.tablestore.retry import (
        DefaultRetryPolicy as DefaultRetryPolicy,
        NoDelayRetryPolicy as NoDelayRetryPolicy,
        NoRetryPolicy as NoRetryPolicy,
        RetryPolicy as RetryPolicy,
        WriteRetryPolicy as WriteRetryPolicy,
    )

_CLIENTS = ("OTSClient", "AsyncOTSClient")
_POLICIES = ("RetryPolicy", "DefaultRetryPolicy", "WriteRetryPolicy", "NoRetryPolicy", "NoDelayRetryPolicy")

__all__ = [
    *_CLIENTS,
    *_models,
    *_errors,
    *_POLICIES,
]


def __getattr__(name: str) -> Any:
    """Import the clients and the retry policies lazily (PEP 562)."""
    if name in _CLIENTS:
        from alicloud_storage.tablestore import client

        return getattr(client, name)
    if name in _POLICIES:
        from alicloud_storage.tablestore import retry

        return getattr(retry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Defaults that a lower layer needs from a higher one, installed by the package root.

``credentials`` must not import ``sts``, yet ``RamRoleArnCredentialsProvider(source,
role_arn, session_name)`` needs an STS client when it is given none. The package root
(``alicloud_storage/__init__.py``, the one module that may see every layer and that Python
always imports first) puts a resolver here; ``credentials.ram_role`` reads it. This module
imports nothing, so every layer may read it.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

__all__ = ["sts_client_factory"]

# () -> the default StsClientFactory (see credentials.ram_role); set by the package root.
sts_client_factory: Optional[Callable[[], Any]] = None

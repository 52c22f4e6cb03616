"""alicloud-storage: a Python SDK for Alibaba Cloud Tablestore with one credentials
layer, and a local emulator of Tablestore, STS and RAM for development and tests."""
from __future__ import annotations

from typing import TYPE_CHECKING

from alicloud_storage import _wiring
from alicloud_storage._version import __version__

if TYPE_CHECKING:
    from alicloud_storage.credentials.ram_role import StsClientFactory

__all__ = ["__version__"]


def _default_sts_client_factory() -> "StsClientFactory":
    # The composition root sees every layer: it hands credentials (below sts) the STS
    # clients, importing sts only when a RAM-role provider first needs one.
    from alicloud_storage.sts.factory import DefaultStsClientFactory

    return DefaultStsClientFactory()


_wiring.sts_client_factory = _default_sts_client_factory

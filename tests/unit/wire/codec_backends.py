"""The compiled codec for the tests (a module of its own: ``conftest`` names are not unique)."""
from __future__ import annotations

import os

import pytest

from alicloud_storage.tablestore.wire import plainbuffer


def compiled_codec() -> plainbuffer.Codec:
    """The compiled codec; its absence fails unless the fallback was chosen on purpose."""
    if plainbuffer.COMPILED is None:
        if os.environ.get(plainbuffer.PURE_PYTHON_ENV, "") not in ("", "0"):
            pytest.skip(f"C codec not built and {plainbuffer.PURE_PYTHON_ENV} is set")
        pytest.fail(
            "the C PlainBuffer codec (_plainbuffer) was not built: install the project with a "
            f"C compiler available, or set {plainbuffer.PURE_PYTHON_ENV}=1 to test without it"
        )
    return plainbuffer.COMPILED

"""The PlainBuffer codec under test: every test module that uses ``plainbuffer_codec``
runs once per implementation (pure Python, the reference; compiled, the C extension).

The fixture points the module's own names (``decode_rows``, ``encode_put_row``, ...,
imported from plainbuffer) at the implementation for the duration of that module's
pass, so the golden, property and malformed-input tests run unchanged against both.
"""
from __future__ import annotations

import os
from typing import Iterator

import pytest

from alicloud_storage.tablestore.wire import plainbuffer

CODEC_FUNCTIONS = [field for field in plainbuffer.Codec._fields if field != "name"]


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


@pytest.fixture(scope="module", params=["pure", "compiled"])
def plainbuffer_codec(request: pytest.FixtureRequest) -> Iterator[plainbuffer.Codec]:
    codec = plainbuffer.PURE_PYTHON if request.param == "pure" else compiled_codec()
    module = request.module
    saved = {name: module.__dict__[name] for name in CODEC_FUNCTIONS if name in module.__dict__}
    for name in saved:
        setattr(module, name, getattr(codec, name))
    yield codec
    for name, function in saved.items():
        setattr(module, name, function)

"""The PlainBuffer codec under test: every test module that uses ``plainbuffer_codec``
runs once per implementation (pure Python, the reference; compiled, the C extension).

The fixture points the module's own names (``decode_rows``, ``encode_put_row``, ...,
imported from plainbuffer) at the implementation for the duration of that module's
pass, so the golden, property and malformed-input tests run unchanged against both.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from alicloud_storage.tablestore.wire import plainbuffer
from codec_backends import compiled_codec

CODEC_FUNCTIONS = [field for field in plainbuffer.Codec._fields if field != "name"]


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

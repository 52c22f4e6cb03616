"""Small helpers shared by the official-SDK tests."""
from __future__ import annotations

import pytest


def expect(spec, call, *args, **params):
    """Run ``call(*args)`` and check it fails exactly as the error table's ``spec`` says."""
    from tablestore import OTSServiceError

    with pytest.raises(OTSServiceError) as info:
        call(*args)
    error = info.value
    assert (error.get_http_status(), error.get_error_code(), error.get_error_message()) == (
        spec.http_status, spec.code, spec.format(**params)
    )
    assert error.get_request_id()
    return error


def create(client, name="t", pk=(("pk", "STRING"),), options=None, cu=(0, 0), defined=None):
    """CreateTable through the official SDK."""
    from tablestore import CapacityUnit, ReservedThroughput, TableMeta, TableOptions

    meta = TableMeta(name, list(pk), defined or [])
    client.create_table(meta, options or TableOptions(), ReservedThroughput(CapacityUnit(*cu)))

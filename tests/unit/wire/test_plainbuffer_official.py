"""PlainBuffer against the official SDK's pure-Python codec (tablestore 6.4.8).

Byte equality with its PutRow / UpdateRow / DeleteRow / primary-key encoders on fixed and
generated input; its reader reads what our server-side encoder writes (as GetRange and
GetRow results); our reader reads what its encoders write.

Known differences, pinned by tests below: the official encoder writes ``bytes`` as STRING
(only ``bytearray`` is BINARY; we write both as BINARY, so ``bytes`` inputs are given to
it as ``bytearray``), and it writes a cell name's length in characters, which breaks
non-ASCII names (we write the UTF-8 length; its reader then reads our names correctly).
"""
from __future__ import annotations

import functools
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alicloud_storage.tablestore.wire.plainbuffer import (
    AUTO_INCREMENT,
    INF_MAX,
    INF_MIN,
    CellOp,
    PlainRow,
    decode_row,
    decode_rows,
    encode_delete_row,
    encode_primary_key,
    encode_put_row,
    encode_rows,
    encode_update_row,
)

from plainbuffer_cases import (
    FIXED_COLUMNS,
    FIXED_PK,
    FIXED_UPDATE,
    ascii_names,
    norm,
    norm_row,
    norm_rows,
    primary_keys,
    put_cells,
    put_columns,
    returned_rows,
    unicode_names,
    update_cells,
)

# Each test runs against both codecs (conftest.py).
pytestmark = [pytest.mark.official, pytest.mark.usefixtures("plainbuffer_codec")]


@functools.lru_cache(maxsize=None)
def _sdk() -> SimpleNamespace:
    """The official codec, imported on first use (it is absent from the protobuf-7 run)."""
    from tablestore import metadata
    from tablestore.error import OTSClientError as OfficialClientError
    from tablestore.plainbuffer import plain_buffer_coded_stream as coded
    from tablestore.plainbuffer.plain_buffer_builder import PlainBufferBuilder
    from tablestore.plainbuffer.plain_buffer_crc8 import PlainBufferCrc8
    from tablestore.plainbuffer.plain_buffer_stream import PlainBufferInputStream, PlainBufferOutputStream

    def update_row(primary_key, columns):
        """serialize_for_update_row; its size estimate is short for '' names in DELETE_ALL
        with a short key ("The buffer is full"): then the same steps on a roomy buffer."""
        try:
            return PlainBufferBuilder.serialize_for_update_row(primary_key, columns)
        except OfficialClientError as exc:
            if "buffer is full" not in exc.message:
                raise
        output = PlainBufferOutputStream(1 << 20)
        stream = coded.PlainBufferCodedOutputStream(output)
        stream.write_header()
        crc = stream.write_primary_key(primary_key, 0)
        crc = stream.write_update_columns(columns, crc)
        stream.write_row_checksum(PlainBufferCrc8.crc_int8(crc, 0))
        return output.get_buffer()

    return SimpleNamespace(
        builder=SimpleNamespace(
            serialize_for_put_row=PlainBufferBuilder.serialize_for_put_row,
            serialize_for_update_row=update_row,
            serialize_for_delete_row=PlainBufferBuilder.serialize_for_delete_row,
            serialize_primary_key=PlainBufferBuilder.serialize_primary_key,
        ),
        reader=lambda data: coded.PlainBufferCodedInputStream(PlainBufferInputStream(data)),
        sentinels={
            id(INF_MIN): metadata.INF_MIN,
            id(INF_MAX): metadata.INF_MAX,
            id(AUTO_INCREMENT): metadata.PK_AUTO_INCR,
        },
    )


class _Builder:
    """``PlainBufferBuilder`` of the official SDK, returning bytes."""

    def __getattr__(self, name: str):
        method = getattr(_sdk().builder, name)
        return lambda *args: bytes(method(*args))


PlainBufferBuilder = _Builder()
_UPDATE_TYPES = {
    None: "PUT",
    CellOp.DELETE_ONE_VERSION: "DELETE",
    CellOp.DELETE_ALL_VERSIONS: "DELETE_ALL",
    CellOp.INCREMENT: "INCREMENT",
}


def _theirs(value):
    """Our value as the official encoder spells it."""
    if isinstance(value, bytes):
        return bytearray(value)
    return _sdk().sentinels.get(id(value), value)


def _their_pk(primary_key):
    return [(name, _theirs(value)) for name, value in primary_key]


def _their_columns(columns):
    return [(c[0], _theirs(c[1])) + tuple(c[2:]) for c in columns]


def _grouped_update(cells):
    """Our cells in the official dict's order, and that dict."""
    groups = {}
    for cell in cells:
        groups.setdefault(_UPDATE_TYPES[cell[3]], []).append(cell)
    ordered, official = [], {}
    for kind, group in groups.items():
        ordered.extend(group)
        items = official[kind] = []
        for name, value, ts, _ in group:
            if kind == "DELETE_ALL":
                items.append(name)
            elif kind == "DELETE":
                items.append((name, None, ts))
            else:
                items.append((name, _theirs(value)) if ts is None else (name, _theirs(value), ts))
    return ordered, official


def _their_read(data: bytes, many: bool):
    stream = _sdk().reader(data)
    return stream.read_rows() if many else stream.read_row()


def _their_rows_normalised(rows):
    return [
        ([(n, norm(v)) for n, v in row.primary_key], [(n, norm(v), ts) for n, v, ts in row.attribute_columns])
        for row in rows
    ]


def _expected_from_ours(rows):
    return [
        ([(n, norm(v)) for n, v in row.primary_key], [(n, norm(v), ts) for n, v, ts, _ in row.cells])
        for row in rows
    ]


# --------------------------------------------------------------- byte-for-byte equality


def test_fixed_rows_match_the_official_encoder() -> None:
    assert encode_put_row(FIXED_PK, FIXED_COLUMNS) == PlainBufferBuilder.serialize_for_put_row(
        _their_pk(FIXED_PK), _their_columns(FIXED_COLUMNS)
    )
    ordered, official = _grouped_update(FIXED_UPDATE)
    assert encode_update_row(FIXED_PK, ordered) == PlainBufferBuilder.serialize_for_update_row(
        _their_pk(FIXED_PK), official
    )
    assert encode_delete_row(FIXED_PK) == PlainBufferBuilder.serialize_for_delete_row(_their_pk(FIXED_PK))
    bounds = [("a", INF_MIN), ("b", INF_MAX), ("c", AUTO_INCREMENT), ("d", True)]
    assert encode_primary_key(bounds) == PlainBufferBuilder.serialize_primary_key(_their_pk(bounds))
    assert encode_put_row(FIXED_PK, []) == PlainBufferBuilder.serialize_for_put_row(_their_pk(FIXED_PK), [])


@given(primary_keys(ascii_names), put_columns(ascii_names))
def test_put_row_matches(primary_key, columns) -> None:
    assert encode_put_row(primary_key, columns) == PlainBufferBuilder.serialize_for_put_row(
        _their_pk(primary_key), _their_columns(columns)
    )


@given(primary_keys(ascii_names), update_cells(ascii_names))
def test_update_row_matches(primary_key, cells) -> None:
    ordered, official = _grouped_update(cells)
    assert encode_update_row(primary_key, ordered) == PlainBufferBuilder.serialize_for_update_row(
        _their_pk(primary_key), official
    )


@given(primary_keys(ascii_names))
def test_delete_row_and_primary_key_match(primary_key) -> None:
    official = _their_pk(primary_key)
    assert encode_delete_row(primary_key) == PlainBufferBuilder.serialize_for_delete_row(official)
    assert encode_primary_key(primary_key) == PlainBufferBuilder.serialize_primary_key(official)


def test_known_differences() -> None:
    # bytes: STRING for the official encoder, BINARY for us.
    assert PlainBufferBuilder.serialize_for_put_row([("k", 1)], [("c", b"ab")]) == encode_put_row(
        [("k", 1)], [("c", "ab")]
    )
    assert decode_row(encode_put_row([("k", 1)], [("c", b"ab")])).cells[0][1] == bytearray(b"ab")
    # Non-ASCII names: the official encoder writes the length in characters.
    official = PlainBufferBuilder.serialize_for_put_row([("k", 1)], [("é", 1), ("z", 2)])
    ours = encode_put_row([("k", 1)], [("é", 1), ("z", 2)])
    assert official != ours
    assert official[official.index(b"\x03\x04", 20) + 2] == 1 and ours[ours.index(b"\x03\x04", 20) + 2] == 2
    row = _their_read(ours, many=False)
    assert row[1] == [("é", 1, None), ("z", 2, None)]


# ------------------------------------------------------------------ reading each other


@given(returned_rows(unicode_names))
def test_official_reader_reads_our_rows(rows) -> None:
    data = encode_rows(rows)
    theirs = _their_read(data, many=True) if data else []
    assert _their_rows_normalised(theirs) == _expected_from_ours(rows)


def test_official_reader_reads_our_single_rows() -> None:
    rows = [
        PlainRow([("k", "a"), ("n", 7)], [("c", "v", 1, None), ("d", 2.5, 2, None)], False),
        PlainRow([("k", bytearray(b"\x00"))], [], False),
        PlainRow([("k", 1)], [("big", "x" * 5000, 3, None)], True),
    ]
    for row in rows:
        primary_key, attributes = _their_read(encode_rows([row]), many=False)
        assert [(n, norm(v)) for n, v in primary_key] == [(n, norm(v)) for n, v in row.primary_key]
        assert attributes == [cell[:3] for cell in row.cells]
    assert _their_read(encode_primary_key([("k", "a"), ("n", 1)]), many=False) == ([("k", "a"), ("n", 1)], [])


@given(primary_keys(ascii_names), put_columns(ascii_names))
def test_we_read_official_put_rows(primary_key, columns) -> None:
    data = PlainBufferBuilder.serialize_for_put_row(_their_pk(primary_key), _their_columns(columns))
    assert norm_row(decode_row(data)) == norm_row(PlainRow(primary_key, put_cells(columns), False))


@given(primary_keys(ascii_names), update_cells(ascii_names))
def test_we_read_official_update_rows(primary_key, cells) -> None:
    ordered, official = _grouped_update(cells)
    data = PlainBufferBuilder.serialize_for_update_row(_their_pk(primary_key), official)
    assert norm_row(decode_row(data)) == norm_row(PlainRow(primary_key, ordered, False))


@given(primary_keys(ascii_names))
def test_we_read_official_keys_and_deletes(primary_key) -> None:
    official = _their_pk(primary_key)
    delete = PlainBufferBuilder.serialize_for_delete_row(official)
    key = PlainBufferBuilder.serialize_primary_key(official)
    assert norm_row(decode_row(delete)) == norm_row(PlainRow(primary_key, [], True))
    assert norm_rows(decode_rows(key)) == [norm_row(PlainRow(primary_key, [], False))]


@given(st.lists(st.tuples(primary_keys(ascii_names), put_columns(ascii_names)), min_size=1, max_size=4))
def test_we_read_concatenated_official_rows(items) -> None:
    data = b"\x75\x00\x00\x00" + b"".join(
        PlainBufferBuilder.serialize_for_put_row(_their_pk(pk), _their_columns(cols))[4:]
        for pk, cols in items
    )
    assert norm_rows(decode_rows(data)) == [norm_row(PlainRow(pk, put_cells(cols), False)) for pk, cols in items]

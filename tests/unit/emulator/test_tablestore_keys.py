"""Order-preserving key encoding and the cell blob codec of the emulator's storage."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore.keys import decode_key, encode_key
from alicloud_storage.emulator.tablestore.storage import decode_cells, encode_cells
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN

int64 = st.integers(-(2**63), 2**63 - 1)
column = st.one_of(
    st.tuples(st.just(0), int64),
    st.tuples(st.just(1), st.text(max_size=8)),
    st.tuples(st.just(2), st.binary(max_size=8)),
)


def service_order(key):
    """The service's order of one key: per column, by value (bytes for text)."""
    return [(kind, v.encode("utf-8") if kind == 1 else v) for kind, v in key]


@given(st.lists(column, min_size=1, max_size=4), st.lists(column, min_size=1, max_size=4))
def test_bytes_order_is_key_order(a, b):
    # Keys of one table have the same column types; align b's kinds on a's.
    b = [(ka, vb if ka == kb else va) for (ka, va), (kb, vb) in zip(a, b)] + a[len(b):]
    ea, eb = encode_key([v for _, v in a]), encode_key([v for _, v in b])
    assert (ea < eb) == (service_order(a) < service_order(b))
    assert (ea == eb) == (service_order(a) == service_order(b))


@given(st.lists(column, min_size=1, max_size=4))
def test_round_trip_and_infinite_bounds(key):
    values = [v for _, v in key]
    encoded = encode_key(values)
    assert [bytes(v) if isinstance(v, bytearray) else v for v in decode_key(encoded)] == values
    assert encode_key([INF_MIN]) < encoded < encode_key([INF_MAX])


def test_prefix_sorts_first_and_nul_bytes_survive():
    assert encode_key(["a"]) < encode_key(["a\x00"]) < encode_key(["a\x00b"]) < encode_key(["ab"])
    assert decode_key(encode_key([b"\x00\x01\x00", "x\x00"])) == [bytearray(b"\x00\x01\x00"), "x\x00"]


value = st.one_of(int64, st.floats(allow_nan=False), st.booleans(), st.text(max_size=20),
                  st.binary(max_size=20).map(bytearray))


@given(st.dictionaries(st.text(min_size=1, max_size=10),
                       st.lists(st.tuples(st.integers(0, 2**62), value), min_size=1, max_size=3)))
def test_cells_round_trip(cells):
    assert decode_cells(encode_cells(cells)) == cells


NAMES = st.text(max_size=6)  # "" too: an index row's TTL marker
STORED_CELLS = st.dictionaries(NAMES, st.lists(st.tuples(st.integers(0, 2**62), value), min_size=1, max_size=3),
                               max_size=40)


def records_only(blob: bytes) -> bytes:
    """The blob without its column directory: how rows were stored before it."""
    return blob[6 + 4 * int.from_bytes(blob[2:6], "little"):] if blob else blob


@given(STORED_CELLS, st.lists(NAMES, max_size=45))
def test_a_selective_decode_is_the_full_decode_cut_to_the_wanted_columns(cells, asked):
    """Few names (found through the directory) or many (one walk), present or not, new rows or old."""
    blob = encode_cells(cells)
    for stored in (blob, records_only(blob)):
        full = decode_cells(stored)
        assert full == cells
        for wanted in (set(asked), set(asked) | set(list(cells)[::2]), set(asked[:1])):
            assert decode_cells(stored, wanted) == {name: full[name] for name in full if name in wanted}


def test_a_wide_row_is_found_by_name_through_its_directory():
    cells = {f"c{j}": [(j, j)] for j in range(1000)}
    cells["é"] = [(1, "x"), (0, bytearray(b"\x00"))]
    blob = encode_cells(cells)
    assert blob[:2] == b"\xff\xff"
    assert decode_cells(blob, ["c999", "c0", "é", "nope", "c1000"]) == {
        "c999": [(999, 999)], "c0": [(0, 0)], "é": [(1, "x"), (0, bytearray(b"\x00"))]
    }

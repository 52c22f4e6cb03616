"""The OSS emulator's engine over real SQLite and real files (and the memory store)."""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.emulator.oss.blobs import BlobStore, Digest, FileBlobStore, MemoryBlobStore
from alicloud_storage.emulator.oss.engine import (
    Conditions,
    ObjectSettings,
    OssEngine,
    check_conditions,
    decode_token,
    encode_token,
)
from alicloud_storage.emulator.oss.metadata import Metadata, ObjectRecord
from alicloud_storage.oss.crc64 import crc64

NOW = 1_704_164_645.0
PART = 100 * 1024


@pytest.fixture(params=["files", "memory"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OssEngine]:
    if request.param == "files":
        metadata, blobs = Metadata(str(tmp_path / "oss.sqlite3")), FileBlobStore(tmp_path / "oss")
    else:
        metadata, blobs = Metadata(None), MemoryBlobStore()
    engine = OssEngine(metadata, blobs, lambda: NOW, lambda: uuid.uuid4().hex.upper())
    engine.create_bucket("bkt", None, "Standard", "LRS")
    yield engine
    metadata.close()


def write(engine: OssEngine, *chunks: bytes) -> Digest:
    writer = engine.writer()
    for chunk in chunks:
        writer.write(chunk)
    return writer.finish()


def read(engine: OssEngine, bucket: str, key: str) -> bytes:
    obj = engine.resolve(bucket, key)
    return b"".join(engine.blobs.read_segments(obj.segments))


def put(engine: OssEngine, key: str, data: bytes, **settings: object) -> None:
    engine.put_object("bkt", key, write(engine, data), ObjectSettings(**settings))  # type: ignore[arg-type]


def error_of(excinfo: pytest.ExceptionInfo[E.OssError]) -> tuple:
    return excinfo.value.http_status, excinfo.value.code


def test_put_get_overwrite_frees_the_old_blob(engine: OssEngine) -> None:
    put(engine, "a.txt", b"hello world")
    first = engine.head("bkt", "a.txt")
    assert first.etag == "5EB63BBBE01EEED093CB22BB8F5ACDC3"
    assert first.crc64 == 5981764153023615706
    assert first.content_md5 == "XrY7u+Ae7tCTyyK7j1rNww=="
    assert read(engine, "bkt", "a.txt") == b"hello world"
    put(engine, "a.txt", b"second")
    assert read(engine, "bkt", "a.txt") == b"second"
    with pytest.raises(KeyError if isinstance(engine.blobs, MemoryBlobStore) else FileNotFoundError):
        b"".join(engine.blobs.read(first.segments[0][0]))
    assert engine.sweep() == 0  # nothing unreferenced is left


def test_chunked_writes_hash_like_one_write(engine: OssEngine) -> None:
    data = bytes(range(256)) * 5000
    digest = write(engine, data[:1000], data[1000:70000], data[70000:])
    assert digest.size == len(data)
    assert digest.md5 == hashlib.md5(data).digest()
    assert digest.crc64 == crc64(data)


def test_ranges_across_segments(engine: OssEngine) -> None:
    engine.append("bkt", "log", 0, write(engine, b"abc"), ObjectSettings())
    engine.append("bkt", "log", 3, write(engine, b"defg"), ObjectSettings())
    obj = engine.head("bkt", "log")
    assert b"".join(engine.blobs.read_segments(obj.segments, 2, 3)) == b"cde"
    assert b"".join(engine.blobs.read_segments(obj.segments, 3)) == b"defg"
    assert obj.crc64 == crc64(b"abcdefg") and obj.size == 7 and obj.type == "Appendable"


def test_append_position_rules(engine: OssEngine) -> None:
    with pytest.raises(E.OssError) as excinfo:
        engine.append("bkt", "new", 5, write(engine, b"x"), ObjectSettings())
    assert error_of(excinfo) == (409, "PositionNotEqualToLength")
    assert excinfo.value.headers == {"x-oss-next-append-position": "0"}
    engine.append("bkt", "new", 0, write(engine, b"xy"), ObjectSettings())
    with pytest.raises(E.OssError) as excinfo:
        engine.append("bkt", "new", 1, write(engine, b"z"), ObjectSettings())
    assert excinfo.value.headers == {"x-oss-next-append-position": "2"}
    put(engine, "normal", b"n")
    with pytest.raises(E.OssError) as excinfo:
        engine.append("bkt", "normal", 1, write(engine, b"z"), ObjectSettings())
    assert error_of(excinfo) == (409, "ObjectNotAppendable")
    assert engine.sweep() == 0  # the rejected bodies were dropped


def test_multipart_etag_crc_and_rules(engine: OssEngine) -> None:
    up = engine.initiate("bkt", "big", ObjectSettings(meta={"m": "1"}), False)
    a, b = b"a" * 102400, b"b" * 5
    pa = engine.upload_part("bkt", "big", up.upload_id, 1, write(engine, a))
    pb = engine.upload_part("bkt", "big", up.upload_id, 2, write(engine, b))
    assert (pa.md5, pb.md5) == ("302D3A0C8E319EAA95B059B346DE1D1D", "A21075A36EEDDD084E17611A238C7101")
    with pytest.raises(E.OssError) as excinfo:
        engine.complete("bkt", "big", up.upload_id, [(2, pb.md5), (1, pa.md5)], None, False)
    assert error_of(excinfo) == (400, "InvalidPartOrder")
    with pytest.raises(E.OssError) as excinfo:
        engine.complete("bkt", "big", up.upload_id, [(1, pb.md5)], None, False)
    assert error_of(excinfo) == (400, "InvalidPart")
    obj = engine.complete("bkt", "big", up.upload_id, [(1, f'"{pa.md5.lower()}"'), (2, pb.md5)],
                          None, False)
    assert obj.etag == "4CF48E56AB8F1B71BEB492083CABC47E-2"
    assert obj.crc64 == crc64(a + b) == 16831424763004318582
    assert obj.type == "Multipart" and obj.meta == {"m": "1"}
    assert read(engine, "bkt", "big") == a + b
    with pytest.raises(E.OssError) as excinfo:
        engine.abort("bkt", "big", up.upload_id)
    assert error_of(excinfo) == (404, "NoSuchUpload")
    assert engine.sweep() == 0


def test_small_non_last_part_fails_only_at_complete(engine: OssEngine) -> None:
    up = engine.initiate("bkt", "k", ObjectSettings(), False)
    engine.upload_part("bkt", "k", up.upload_id, 1, write(engine, b"small"))
    engine.upload_part("bkt", "k", up.upload_id, 2, write(engine, b"x"))
    with pytest.raises(E.OssError) as excinfo:
        engine.complete("bkt", "k", up.upload_id, None, None, False)
    assert error_of(excinfo) == (400, "EntityTooSmall")
    engine.upload_part("bkt", "k", up.upload_id, 1, write(engine, b"s" * PART))  # replaces part 1
    obj = engine.complete("bkt", "k", up.upload_id, None, None, False)
    assert obj.size == PART + 1 and obj.etag.endswith("-2")
    assert engine.sweep() == 0


def test_bucket_not_empty_while_uploads_remain(engine: OssEngine) -> None:
    up = engine.initiate("bkt", "k", ObjectSettings(), False)
    with pytest.raises(E.OssError) as excinfo:
        engine.delete_bucket("bkt")
    assert error_of(excinfo) == (409, "BucketNotEmpty")
    engine.abort("bkt", "k", up.upload_id)
    engine.delete_bucket("bkt")
    with pytest.raises(E.OssError) as excinfo:
        engine.head("bkt", "k")
    assert error_of(excinfo) == (404, "NoSuchBucket")


def keys_of(page) -> List[str]:  # type: ignore[no-untyped-def]
    return [o.key for o in page.objects]


def test_listing_delimiter_markers_and_pages(engine: OssEngine) -> None:
    for key in ["a", "b/1", "b/2", "b/c/3", "c", "d/x", "é"]:
        put(engine, key, b".")
    page = engine.list_objects("bkt", "", "/", "", 100)
    assert keys_of(page) == ["a", "c", "é"] and page.prefixes == ["b/", "d/"]
    assert not page.truncated
    page = engine.list_objects("bkt", "", "/", "", 2)
    assert keys_of(page) == ["a"] and page.prefixes == ["b/"] and page.truncated
    assert page.next_marker == "b/"
    page = engine.list_objects("bkt", "", "/", page.next_marker, 2)
    assert keys_of(page) == ["c"] and page.prefixes == ["d/"] and page.next_marker == "d/"
    page = engine.list_objects("bkt", "", "/", page.next_marker, 2)
    assert keys_of(page) == ["é"] and not page.truncated
    page = engine.list_objects("bkt", "b/", "/", "", 100)
    assert keys_of(page) == ["b/1", "b/2"] and page.prefixes == ["b/c/"]
    page = engine.list_objects("bkt", "b/", "", "b/1", 100)
    assert keys_of(page) == ["b/2", "b/c/3"]
    assert decode_token(encode_token("é/x")) == "é/x"


def test_list_uploads_and_parts_pages(engine: OssEngine) -> None:
    ids = [engine.initiate("bkt", k, ObjectSettings(), False).upload_id for k in ("x", "x", "y/1")]
    page = engine.list_uploads("bkt", "", "/", "", "", 1000)
    assert [u.key for u in page.uploads] == ["x", "x"] and page.prefixes == ["y/"]
    page = engine.list_uploads("bkt", "", "", "", "", 1)
    assert page.truncated and page.next_key_marker == "x"
    nxt = engine.list_uploads("bkt", "", "", page.next_key_marker, page.next_upload_id_marker, 10)
    assert len(nxt.uploads) == 2 and nxt.uploads[0].upload_id != page.uploads[0].upload_id
    assert sorted(ids[:2]) == sorted([page.uploads[0].upload_id, nxt.uploads[0].upload_id])
    for n in (1, 2, 3):
        engine.upload_part("bkt", "x", ids[0], n, write(engine, b"p"))
    parts = engine.list_parts("bkt", "x", ids[0], 0, 2)
    assert [p.number for p in parts.parts] == [1, 2] and parts.truncated and parts.next_marker == 2
    assert [p.number for p in engine.list_parts("bkt", "x", ids[0], 2, 2).parts] == [3]


def test_copy_is_independent_and_symlinks_follow(engine: OssEngine) -> None:
    put(engine, "src", b"data", meta={"a": "1"})
    source = engine.resolve("bkt", "src")
    engine.copy(source, "bkt", "dst", False, ObjectSettings(meta={"b": "2"}), False)
    engine.delete_object("bkt", "src")
    dst = engine.head("bkt", "dst")
    assert read(engine, "bkt", "dst") == b"data" and dst.meta == {"a": "1"}
    engine.put_symlink("bkt", "link", "dst", ObjectSettings(), False)
    assert read(engine, "bkt", "link") == b"data"
    assert engine.symlink("bkt", "link").symlink_target == "dst"
    engine.put_symlink("bkt", "dangling", "missing", ObjectSettings(), False)
    with pytest.raises(E.OssError) as excinfo:
        engine.resolve("bkt", "dangling")
    assert error_of(excinfo) == (404, "SymlinkTargetNotExist")
    with pytest.raises(E.OssError) as excinfo:
        engine.symlink("bkt", "dst")
    assert error_of(excinfo) == (400, "NotSymlink")


def test_forbid_overwrite_and_names(engine: OssEngine) -> None:
    put(engine, "k", b"1")
    with pytest.raises(E.OssError) as excinfo:
        engine.put_object("bkt", "k", write(engine, b"2"), ObjectSettings(), True)
    assert error_of(excinfo) == (409, "FileAlreadyExists")
    for bad, message in [("", "The Object name can not be empty"),
                         ("x" * 1024, "The Length of Object name must be less than 1024"),
                         ("/lead", "The specified object is not valid.")]:
        with pytest.raises(E.OssError) as excinfo:
            put(engine, bad, b"")
        assert excinfo.value.message == message
    for bad in ["ab", "-ab", "Abc", "a_b", "x" * 64]:
        with pytest.raises(E.OssError) as excinfo:
            engine.create_bucket(bad, None, "Standard", "LRS")
        assert error_of(excinfo) == (400, "InvalidBucketName")
    assert engine.sweep() == 0


def test_conditions() -> None:
    obj = ObjectRecord("b", "k", (), 0, "ABC", 0, None, 1000.0)
    check_conditions(obj, Conditions(if_match='"abc"', if_modified_since=999.0))
    for conditions, code in [
        (Conditions(if_match='"other"'), "PreconditionFailed"),
        (Conditions(if_unmodified_since=999.0), "PreconditionFailed"),
        (Conditions(if_none_match='"ABC"'), "NotModified"),
        (Conditions(if_modified_since=1000.0), "NotModified"),
    ]:
        with pytest.raises(E.OssError) as excinfo:
            check_conditions(obj, conditions)
        assert excinfo.value.code == code


def test_restore_rules(engine: OssEngine) -> None:
    put(engine, "cold", b"c", storage_class="Archive")
    put(engine, "warm", b"w")
    with pytest.raises(E.OssError) as excinfo:
        engine.resolve("bkt", "cold")
    assert error_of(excinfo) == (403, "InvalidObjectState")
    with pytest.raises(E.OssError) as excinfo:
        engine.restore("bkt", "warm")
    assert error_of(excinfo) == (400, "OperationNotSupported")
    assert engine.restore("bkt", "cold") is True
    assert engine.restore("bkt", "cold") is False
    assert read(engine, "bkt", "cold") == b"c"


def test_file_store_sweeps_crash_leftovers(tmp_path: Path) -> None:
    blobs: BlobStore = FileBlobStore(tmp_path)
    metadata = Metadata(str(tmp_path / "m.sqlite3"))
    engine = OssEngine(metadata, blobs, lambda: NOW, lambda: uuid.uuid4().hex.upper())
    engine.create_bucket("bkt", None, "Standard", "LRS")
    put(engine, "kept", b"kept")
    half = engine.writer()
    half.write(b"half-sent")  # a body cut off by a crash: only a temporary file
    orphan = write(engine, b"renamed but never committed")
    assert engine.sweep() == 2
    assert read(engine, "bkt", "kept") == b"kept"
    assert not list((tmp_path / "tmp").iterdir())
    orphan_path = blobs.path(orphan.blob_id)
    assert orphan_path is not None and not os.path.exists(orphan_path)
    metadata.close()

"""The front over raw HTTP: verification, error mapping, response signing, faults, RAM.

Requests are built with our own wire codec and signer, so these tests also run where the
official SDK is not installed.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value
from alicloud_storage.tablestore.wire.plainbuffer import CellOp
from emulator_helpers import RawClient


def error_of(status, headers, body):
    """(status, code, message) of an error answer."""
    error = pb.Error()
    error.ParseFromString(body)
    return status, error.code, error.message


def expected(spec, **params):
    return spec.http_status, spec.code, spec.format(**params)


def check_signed(raw, api, status, headers, body, region=None):
    """The answer passes every check the client side makes (headers, MD5, date, signature)."""
    signer = auth.RequestSigner(region=region)
    now = datetime.now(timezone.utc)
    sign_date = signer.current_sign_date(now) if region else None
    signer.check_response("/" + api, status, headers, body, raw.credentials, sign_date, now,
                          error_code=pb.Error.FromString(body).code if status >= 300 else None)


def create_table(raw, name="t", pk=(("pk", pb.STRING),)):
    request = pb.CreateTableRequest()
    request.table_meta.table_name = name
    for column, kind in pk:
        request.table_meta.primary_key.add(name=column, type=kind)
    request.reserved_throughput.capacity_unit.read = 0
    request.reserved_throughput.capacity_unit.write = 0
    request.table_options.max_versions = 1
    status, headers, body = raw.post("CreateTable", request.SerializeToString())
    assert status == 200, body


def put(raw, pk, columns, table="t"):
    request = pb.PutRowRequest(table_name=table, row=plainbuffer.encode_put_row(pk, columns))
    request.condition.row_existence = pb.IGNORE
    status, _, body = raw.post("PutRow", request.SerializeToString())
    assert status == 200, body


@pytest.mark.parametrize("region", [None, "cn-hangzhou"])
def test_success_and_errors_are_signed(raw, region):
    status, headers, body = raw.post("ListTable", b"", region=region)
    assert status == 200
    check_signed(raw, "ListTable", status, headers, body, region)
    assert headers["x-ots-contenttype"] == "protocol buffer"
    status, headers, body = raw.post("DescribeTable", pb.DescribeTableRequest(table_name="nope").SerializeToString(),
                                     region=region)
    assert error_of(status, headers, body) == expected(E.TABLE_NOT_EXIST)
    check_signed(raw, "DescribeTable", status, headers, body, region)


@pytest.mark.parametrize("body", [b"\xff\xff\xff", b"\x0a\x05ab", b"garbage that is not protobuf"])
def test_malformed_protobuf(raw, body):
    status, headers, answer = raw.post("PutRow", body)
    assert error_of(status, headers, answer) == expected(E.BAD_PROTOBUF)


def test_missing_required_field_is_a_parameter_error(raw):
    status, headers, body = raw.post("GetRow", pb.DescribeTableRequest(table_name="t").SerializeToString())
    assert error_of(status, headers, body) == expected(E.BAD_PROTOBUF)


def test_broken_plainbuffer(raw):
    create_table(raw)
    row = bytearray(plainbuffer.encode_put_row([("pk", "a")], [("c", 1)]))
    row[-1] ^= 0xFF  # row checksum
    request = pb.PutRowRequest(table_name="t", row=bytes(row))
    request.condition.row_existence = pb.IGNORE
    status, headers, body = raw.post("PutRow", request.SerializeToString())
    assert status == 400 and error_of(status, headers, body)[1] == "OTSParameterInvalid"
    assert error_of(status, headers, body)[2].startswith("Cell data broken")


def test_unknown_instance(raw):
    status, headers, body = raw.post("ListTable", b"", instance="nosuchinstance")
    assert error_of(status, headers, body) == expected(E.INSTANCE_NOT_FOUND)


def test_wrong_secret_unknown_key_and_tampering(raw, emu):
    status, headers, body = raw.post("ListTable", b"", credentials=Credentials(emu.access_key_id, "wrong"))
    assert error_of(status, headers, body) == expected(E.SIGNATURE_MISMATCH)
    assert "authorization" not in headers
    status, headers, body = raw.post("ListTable", b"", credentials=Credentials("LTAInobody", "x"))
    assert error_of(status, headers, body) == expected(E.ACCESS_KEY_NOT_EXIST)
    status, headers, body = raw.post("ListTable", b"", tamper={"x-ots-contentmd5": auth.content_md5(b"x")})
    assert error_of(status, headers, body) == expected(E.MD5_MISMATCH)


def test_skewed_and_malformed_dates(raw):
    skewed = datetime.now(timezone.utc) - timedelta(minutes=16)
    status, headers, body = raw.post("ListTable", b"", now=skewed)
    assert error_of(status, headers, body) == expected(E.DATE_SKEW, date=auth.format_date(skewed))
    status, headers, body = raw.post("ListTable", b"", tamper={"x-ots-date": "yesterday"})
    assert error_of(status, headers, body) == expected(E.INVALID_DATE, date="yesterday")


@pytest.mark.parametrize("header", ["x-ots-date", "x-ots-accesskeyid", "x-ots-contentmd5", "x-ots-signature"])
def test_missing_header(raw, header):
    status, headers, body = raw.post("ListTable", b"", tamper={header: None})
    assert error_of(status, headers, body) == expected(E.MISSING_HEADER, header=header)


def test_unknown_api_and_wrong_method(raw):
    status, headers, body = raw.post("FlyToTheMoon", b"")
    assert error_of(status, headers, body) == expected(E.UNSUPPORTED_OPERATION, operation="FlyToTheMoon")
    status, headers, body = raw.post("ListTable", b"", method="GET")
    assert error_of(status, headers, body) == expected(E.METHOD_NOT_ALLOWED)


def test_body_over_5_megabytes(raw):
    status, headers, body = raw.post("PutRow", b"\x00" * (5 * 1024 * 1024 + 1))
    assert error_of(status, headers, body) == expected(E.BODY_TOO_LARGE)


def test_injected_faults(raw, emu):
    busy = E.SERVER_BUSY
    emu.inject_fault("ListTable", busy.code, busy.template, busy.http_status, count=2)
    for _ in range(2):
        status, headers, body = raw.post("ListTable", b"")
        assert error_of(status, headers, body) == expected(E.SERVER_BUSY)
        check_signed(raw, "ListTable", status, headers, body)
    assert raw.post("ListTable", b"")[0] == 200
    emu.inject_fault("ListTable", None, delay=0.3)
    started = time.monotonic()
    assert raw.post("ListTable", b"")[0] == 200
    assert time.monotonic() - started >= 0.3


def test_ram_policy_denies_and_allows(raw, emu):
    user = f"reader{uuid.uuid4().hex[:8]}"
    emu.iam.create_user(user)
    key_id, secret = emu.iam.create_access_key(user)
    emu.iam.create_policy(user, {
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": ["ots:GetRow", "ots:ListTable"], "Resource": [
            f"acs:ots:{emu.region}:{emu.account_id}:instance/{emu.instance}",
            f"acs:ots:{emu.region}:{emu.account_id}:instance/{emu.instance}/table/t",
        ]}],
    })
    emu.iam.attach_policy(user, user=user)
    reader = Credentials(key_id, secret)
    create_table(raw)
    assert raw.post("ListTable", b"", credentials=reader)[0] == 200
    get = pb.GetRowRequest(table_name="t", primary_key=plainbuffer.encode_primary_key([("pk", "a")]), max_versions=1)
    assert raw.post("GetRow", get.SerializeToString(), credentials=reader)[0] == 200
    request = pb.DeleteTableRequest(table_name="t")
    status, headers, body = raw.post("DeleteTable", request.SerializeToString(), credentials=reader)
    assert error_of(status, headers, body) == expected(E.NO_PERMISSION)
    auth.RequestSigner().check_response("/DeleteTable", status, headers, body, reader, None,
                                        datetime.now(timezone.utc), error_code=E.NO_PERMISSION.code)


def test_return_values_after_increment(raw):
    create_table(raw)
    put(raw, [("pk", "a")], [("n", 5), ("s", "x")])
    request = pb.UpdateRowRequest(
        table_name="t",
        row_change=plainbuffer.encode_update_row(
            [("pk", "a")], [("n", 3, None, CellOp.INCREMENT), ("m", 1, None, CellOp.INCREMENT), ("s", "y", None, None)]
        ),
    )
    request.condition.row_existence = pb.EXPECT_EXIST
    request.return_content.return_type = pb.RT_AFTER_MODIFY
    request.return_content.return_column_names.append("n")
    status, _, body = raw.post("UpdateRow", request.SerializeToString())
    assert status == 200
    response = pb.UpdateRowResponse()
    response.ParseFromString(body)
    row = plainbuffer.decode_row(response.row)
    assert row.primary_key == [("pk", "a")]
    assert [(name, value) for name, value, _, _ in row.cells] == [("n", 8)]
    request.return_content.return_column_names.append("s")  # not an increment column
    status, headers, body = raw.post("UpdateRow", request.SerializeToString())
    assert error_of(status, headers, body) == expected(E.RETURN_COLUMNS_INVALID)


def test_column_pagination_filter(raw):
    create_table(raw)
    put(raw, [("pk", "w")], [(f"c{i:02d}", i) for i in range(10)])
    page = pb.ColumnPaginationFilter(offset=2, limit=3)
    wrapped = pb.Filter(type=pb.FT_COLUMN_PAGINATION, filter=page.SerializeToString())
    request = pb.GetRowRequest(table_name="t", primary_key=plainbuffer.encode_primary_key([("pk", "w")]),
                               max_versions=1, filter=wrapped.SerializeToString())
    status, _, body = raw.post("GetRow", request.SerializeToString())
    response = pb.GetRowResponse()
    response.ParseFromString(body)
    assert [c[0] for c in plainbuffer.decode_row(response.row).cells] == ["c02", "c03", "c04"]


@pytest.mark.parametrize("column_value, status", [
    (encode_filter_value(5), 200),
    (encode_filter_value(5)[:-1], 400),  # truncated int64
    (encode_filter_value("x") + b"y", 400),  # a byte past the declared length
])
def test_filter_constants_are_read_with_the_client_codec(raw, column_value, status):
    create_table(raw)
    put(raw, [("pk", "a")], [("n", 5)])
    single = pb.SingleColumnValueFilter(comparator=pb.CT_EQUAL, column_name="n", column_value=column_value,
                                        filter_if_missing=True, latest_version_only=True)
    wrapped = pb.Filter(type=pb.FT_SINGLE_COLUMN_VALUE, filter=single.SerializeToString())
    request = pb.GetRowRequest(table_name="t", primary_key=plainbuffer.encode_primary_key([("pk", "a")]),
                               max_versions=1, filter=wrapped.SerializeToString())
    answer = raw.post("GetRow", request.SerializeToString())
    if status == 400:
        assert error_of(*answer) == expected(E.INVALID_FILTER, detail="bad column value")
    else:
        row = plainbuffer.decode_row(pb.GetRowResponse.FromString(answer[2]).row)
        assert answer[0] == 200 and row.cells[0][:2] == ("n", 5)


def test_several_instances_keep_separate_tables():
    with Emulator(memory=True, instances=["first", "second"]) as emu:
        assert emu.instance == "first" and emu.ready_info()["instances"] == ["first", "second"]
        raw = RawClient(emu)
        create_table(raw, "only_in_first")
        listed = pb.ListTableResponse()
        for instance, names in (("first", ["only_in_first"]), ("second", [])):
            status, _, body = raw.post("ListTable", b"", instance=instance)
            listed.ParseFromString(body)
            assert (status, list(listed.table_names)) == (200, names)
        status, headers, body = raw.post("ListTable", b"", instance=emu.instance.replace("first", "devinstance"))
        assert error_of(status, headers, body) == expected(E.INSTANCE_NOT_FOUND)


def _valid_bodies():
    """One valid request body per row API (mutated by the fuzz test below)."""
    pk = plainbuffer.encode_primary_key([("pk", "a")])
    put = pb.PutRowRequest(table_name="t", row=plainbuffer.encode_put_row([("pk", "a")], [("c", 1), ("s", "x")]))
    put.condition.row_existence = pb.IGNORE
    update = pb.UpdateRowRequest(
        table_name="t",
        row_change=plainbuffer.encode_update_row([("pk", "a")], [("c", 1, None, CellOp.INCREMENT)]),
    )
    update.condition.row_existence = pb.IGNORE
    single = pb.SingleColumnValueFilter(comparator=1, column_name="c", column_value=b"\x00" + bytes(8),
                                        filter_if_missing=False, latest_version_only=True)
    wrapped = pb.Filter(type=pb.FT_SINGLE_COLUMN_VALUE, filter=single.SerializeToString())
    get = pb.GetRowRequest(table_name="t", primary_key=pk, max_versions=1, filter=wrapped.SerializeToString())
    scan = pb.GetRangeRequest(
        table_name="t", direction=pb.FORWARD, max_versions=1,
        inclusive_start_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MIN)]),
        exclusive_end_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MAX)]),
    )
    batch = pb.BatchWriteRowRequest()
    table = batch.tables.add(table_name="t")
    row = table.rows.add(type=pb.PUT, row_change=put.row)
    row.condition.row_existence = pb.IGNORE
    return [("PutRow", put), ("UpdateRow", update), ("GetRow", get), ("GetRange", scan), ("BatchWriteRow", batch)]


def test_mutated_requests_get_service_errors_never_500(raw):
    import random

    create_table(raw)
    rng = random.Random(1234)
    for api, message in _valid_bodies():
        body = message.SerializeToString()
        assert raw.post(api, body)[0] == 200
        for _ in range(60):
            mutated = bytearray(body)
            for _ in range(rng.randint(1, 4)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            status, headers, answer = raw.post(api, bytes(mutated))
            if status != 200:
                code = pb.Error.FromString(answer).code
                assert status < 500 and code.startswith("OTS"), (api, status, code, bytes(mutated))

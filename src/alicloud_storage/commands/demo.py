"""`alicloud-storage demo`: the user documents' story, told step by step and checked.

Against a fresh in-memory emulator started in-process (default), or against a real
instance when TABLESTORE_ENDPOINT and TABLESTORE_INSTANCE_NAME are set (credentials from
the default chain; see docs/seeds/). Every step checks its result; the command exits 0
only when every step that ran gave the expected result.
"""
from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import click

from alicloud_storage.commands.demo_oss import OssStory
from alicloud_storage.commands.demo_steps import StepFailed as _StepFailed
from alicloud_storage.commands.demo_steps import StepSkipped as _StepSkipped
from alicloud_storage.commands.demo_steps import expect as _expect
from alicloud_storage.credentials import (
    Credentials,
    CredentialsProvider,
    DefaultCredentialsProvider,
    EnvironmentCredentialsProvider,
    StaticCredentialsProvider,
)
from alicloud_storage.sts import StsClient
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    BatchWriteRowRequest,
    CapacityUnit,
    Condition,
    CreateTimeseriesTableRequest,
    Direction,
    GetTimeseriesDataRequest,
    OTSClient,
    OTSError,
    OTSServiceError,
    PutRowItem,
    ReservedThroughput,
    Row,
    RowExistenceExpectation,
    TableInBatchWriteRowItem,
    TableMeta,
    TableOptions,
    TimeseriesKey,
    TimeseriesRow,
    TimeseriesTableMeta,
)

__all__ = ["demo"]

_ROLE = "RamTablestore"
_READ_ONLY_ROLE = "RamTablestoreReadOnly"
_USER = "tablestore-app"
_SESSION = "RAMTablestore"
_TABLE = "demo_orders"
_TIMESERIES_TABLE = "demo_metrics"
_ALICE_1 = [("customer", "alice"), ("order_id", 1)]
_CUSTOMERS = ("bob", "carol", "dave", "erin", "frank")
_ORDERS_PER_CUSTOMER = 10
_POINTS = 60
_SERIES = TimeseriesKey("cpu", "host-1", {"region": "cn-hangzhou"})
# Codes a real instance answers while a new table is still being loaded.
_NOT_READY = frozenset({"OTSTableNotReady", "OTSObjectNotExist", "OTSPartitionUnavailable"})


def _one_line(exc: BaseException) -> str:
    """An error as one line (service errors with code and HTTP status)."""
    if isinstance(exc, OTSServiceError):
        return f"{exc.code}: {exc.message} (HTTP {exc.http_status})"
    unwrap = getattr(exc, "unwrap", None)
    inner = unwrap() if callable(unwrap) else None
    if inner is not None and hasattr(inner, "code") and hasattr(inner, "status_code"):
        return f"{inner.code}: {inner.message} (HTTP {inner.status_code})"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, _StepFailed) else f"{type(exc).__name__}: {text}"


@dataclass(frozen=True)
class _Target:
    """Where the story runs: endpoints, instance and region, and the emulator if ours."""

    endpoint: str
    instance: str
    region: str
    sts_endpoint: Optional[str]
    emulator: Any = None  # alicloud_storage.emulator.Emulator when running locally
    patience: float = 0.0  # seconds to wait for a new table to be ready (real service)

    @property
    def local(self) -> bool:
        return self.emulator is not None


def _region_of(endpoint: str) -> Optional[str]:
    """The region in an instance endpoint such as https://sun.cn-hangzhou.ots.aliyuncs.com."""
    match = re.match(r"^[a-z]+://[^./]+\.([a-z0-9-]+)\.(?:ots|ots-internal|vpc\.tablestore)\.", endpoint)
    return match.group(1) if match else None


def _real_target(environ: Dict[str, str]) -> Optional[_Target]:
    """The real instance named by the environment, or None to use the emulator."""
    endpoint = environ.get("TABLESTORE_ENDPOINT", "").strip()
    instance = environ.get("TABLESTORE_INSTANCE_NAME", "").strip()
    if not (endpoint and instance):
        return None
    region = environ.get("TABLESTORE_REGION", "").strip() or _region_of(endpoint)
    if not region:
        raise click.ClickException(
            f"cannot tell the region of {endpoint}; set TABLESTORE_REGION (V4 signing needs it)"
        )
    return _Target(endpoint, instance, region, environ.get("ALIBABA_CLOUD_STS_ENDPOINT") or None,
                  patience=60.0)


class _Story:
    """The steps of the documents' story; each returns a one-line result or raises."""

    def __init__(self, target: _Target, environ: Dict[str, str]) -> None:
        self.target = target
        self.environ = environ
        self.role_arns: Dict[str, str] = {}
        self.user_key: Optional[CredentialsProvider] = None
        self.credentials: Optional[Credentials] = None
        self.client: Optional[OTSClient] = None
        self.created: List[str] = []

    # --- RAM and STS -------------------------------------------------------------------
    def _iam(self) -> Any:
        if not self.target.local:
            raise _StepSkipped("real service: RAM roles and users are made in the RAM console")
        return self.target.emulator.iam

    def create_role(self) -> str:
        iam = self._iam()
        arn = iam.create_role(_ROLE)
        iam.attach_policy("AliyunOTSFullAccess", role=_ROLE)
        self.role_arns[_ROLE] = arn
        return f"RAM role {_ROLE} + AliyunOTSFullAccess ({arn})"

    def create_read_only_role(self) -> str:
        iam = self._iam()
        self.role_arns[_READ_ONLY_ROLE] = iam.create_role(_READ_ONLY_ROLE)
        iam.attach_policy("AliyunOTSReadOnlyAccess", role=_READ_ONLY_ROLE)
        roles = {r["name"]: r["policies"] for r in iam.describe()["roles"]}
        _expect(roles.get(_READ_ONLY_ROLE) == ["AliyunOTSReadOnlyAccess"], f"RAM shows {roles}")
        return f"RAM role {_READ_ONLY_ROLE} + AliyunOTSReadOnlyAccess"

    def create_user(self) -> str:
        iam = self._iam()
        iam.create_user(_USER)
        key_id, secret = iam.create_access_key(_USER)
        iam.attach_policy("AliyunSTSAssumeRoleAccess", user=_USER)
        self.user_key = StaticCredentialsProvider(key_id, secret)
        return f"RAM user {_USER} + AccessKey pair + AliyunSTSAssumeRoleAccess"

    def _role_arn(self, role: str, variable: str) -> str:
        if self.target.local:
            return self.role_arns[role]
        arn = self.environ.get(variable, "").strip()
        if not arn:
            raise _StepSkipped(f"set {variable} to the ARN of a role like {role}")
        return arn

    def _sts(self, provider: CredentialsProvider) -> StsClient:
        return StsClient(provider, self.target.sts_endpoint, region=self.target.region)

    def _assume(self, role: str, variable: str) -> Credentials:
        source = self.user_key or DefaultCredentialsProvider(self.environ)
        arn = self._role_arn(role, variable)
        sts = self._sts(source)
        try:
            return sts.assume_role(arn, _SESSION, 3600).credentials
        finally:
            sts.close()

    def assume_role(self) -> str:
        creds = self._assume(_ROLE, "TABLESTORE_STS_ROLE_ARN")
        _expect(creds.access_key_id.startswith("STS.") and bool(creds.security_token),
               "AssumeRole did not return an STS key and token")
        sts = self._sts(StaticCredentialsProvider(creds.access_key_id, creds.access_key_secret,
                                                  creds.security_token))
        try:
            identity = sts.get_caller_identity()
        finally:
            sts.close()
        _expect(identity.identity_type == "AssumedRoleUser", f"caller is a {identity.identity_type}")
        self.credentials = creds
        return f"STS AssumeRole: key + token for 3600 s, caller {identity.arn.split(':')[-1]}"

    def _env_client(self, creds: Credentials) -> Tuple[OTSClient, EnvironmentCredentialsProvider]:
        """An OTSClient reading the STS credentials from (a copy of) the environment, V4-signed."""
        environ = dict(self.environ)
        environ.update(TABLESTORE_ACCESS_KEY_ID=creds.access_key_id,
                       TABLESTORE_ACCESS_KEY_SECRET=creds.access_key_secret,
                       TABLESTORE_SESSION_TOKEN=creds.security_token or "")
        provider = EnvironmentCredentialsProvider(environ)
        client = OTSClient(self.target.endpoint, instance_name=self.target.instance,
                           credentials_provider=provider, region=self.target.region)
        return client, provider

    def build_client(self) -> str:
        if self.credentials is None:  # real service without a role ARN: the default chain
            provider: CredentialsProvider = DefaultCredentialsProvider(self.environ)
            self.client = OTSClient(self.target.endpoint, instance_name=self.target.instance,
                                    credentials_provider=provider, region=self.target.region)
            source = f"the default chain ({provider.get_credentials().provider_name})"
        else:
            self.client, provider = self._env_client(self.credentials)
            used = provider.get_credentials()
            _expect(used.provider_name == "env:TABLESTORE_ACCESS_KEY_ID" and bool(used.security_token),
                   f"credentials came from {used.provider_name}")
            source = "TABLESTORE_ACCESS_KEY_ID/_SECRET/_SESSION_TOKEN"
        tables = self.client.list_table()
        _expect(_TABLE not in tables, f"table {_TABLE} already exists: delete it first")
        return f"OTSClient from {source}, V4-signed for {self.target.region}"

    # --- wide table ----------------------------------------------------------------------
    def _when_ready(self, call: Callable[[], Any]) -> Any:
        """``call()``; on a real instance, retried while a new table is still loading."""
        deadline = time.monotonic() + self.target.patience
        while True:
            try:
                return call()
            except OTSServiceError as exc:
                if exc.code not in _NOT_READY or time.monotonic() > deadline:
                    raise
                time.sleep(2.0)

    def create_table(self) -> str:
        assert self.client is not None
        schema = [("customer", "STRING"), ("order_id", "INTEGER")]
        self.client.create_table(TableMeta(_TABLE, schema), TableOptions(-1, 1),
                                 ReservedThroughput(CapacityUnit(0, 0)))
        self.created.append(_TABLE)
        described = self.client.describe_table(_TABLE)
        got = [tuple(c[:2]) for c in described.table_meta.schema_of_primary_key]
        _expect(got == schema, f"DescribeTable shows primary key {got}")
        return f"create_table {_TABLE} (customer STRING, order_id INTEGER)"

    def put_row(self) -> str:
        assert self.client is not None
        row = Row(_ALICE_1, [("status", "new"), ("quantity", 2), ("amount", 12.5)])
        absent = Condition(RowExistenceExpectation.EXPECT_NOT_EXIST)
        self._when_ready(lambda: self.client.put_row(_TABLE, row, absent))  # type: ignore[union-attr]
        try:
            self.client.put_row(_TABLE, row, absent)
        except OTSServiceError as exc:
            _expect(exc.code == "OTSConditionCheckFail", f"second put answered {exc.code}")
            return "put_row (alice, 1); the same put with EXPECT_NOT_EXIST: OTSConditionCheckFail"
        raise _StepFailed("a second put with EXPECT_NOT_EXIST was accepted")

    def update_row(self) -> str:
        assert self.client is not None
        change = Row(_ALICE_1, {"put": [("status", "shipped")], "increment": [("quantity", 1)],
                               "delete_all": ["amount"]})
        self.client.update_row(_TABLE, change, Condition(RowExistenceExpectation.EXPECT_EXIST))
        return "update_row (alice, 1): status=shipped, quantity+=1, amount deleted"

    def get_row(self) -> str:
        assert self.client is not None
        _, row, _ = self.client.get_row(_TABLE, _ALICE_1, max_version=1)
        _expect(row is not None, "the row is missing")
        assert row is not None  # for the type checker: _expect has raised otherwise
        columns = {name: value for name, value, *_ in row.attribute_columns}
        _expect(columns == {"status": "shipped", "quantity": 3}, f"read back {columns}")
        return "get_row (alice, 1): status 'shipped', quantity 3, no amount"

    def batch_write(self) -> str:
        assert self.client is not None
        items = [
            PutRowItem(Row([("customer", who), ("order_id", n)], [("amount", float(n)), ("paid", n % 2 == 0)]),
                       Condition(RowExistenceExpectation.IGNORE))
            for who in _CUSTOMERS for n in range(1, _ORDERS_PER_CUSTOMER + 1)
        ]
        request = BatchWriteRowRequest()
        request.add(TableInBatchWriteRowItem(_TABLE, items))
        response = self.client.batch_write_row(request)
        succeeded, failed = response.get_put()
        _expect(not failed, f"{len(failed)} rows failed, e.g. {failed[0].error_code if failed else ''}")
        return f"batch_write_row: {len(items)} rows in one request, {len(succeeded)} succeeded"

    def get_range(self) -> str:
        assert self.client is not None
        start = [("customer", "bob"), ("order_id", INF_MIN)]
        end = [("customer", "bob"), ("order_id", INF_MAX)]
        rows = list(self.client.xget_range(_TABLE, Direction.FORWARD, start, end, CapacityUnit(0, 0)))
        ids = [row.primary_key[1][1] for row in rows]
        _expect(ids == list(range(1, _ORDERS_PER_CUSTOMER + 1)), f"order ids {ids}")
        return f"get_range customer bob: {len(rows)} rows, order_id 1..{_ORDERS_PER_CUSTOMER} in key order"

    def denied_write(self) -> str:
        creds = self._assume(_READ_ONLY_ROLE, "TABLESTORE_STS_READONLY_ROLE_ARN")
        client, _ = self._env_client(creds)
        with client:
            _, row, _ = client.get_row(_TABLE, _ALICE_1, max_version=1)
            _expect(row is not None, "the read-only session cannot read (alice, 1)")
            try:
                client.put_row(_TABLE, Row(_ALICE_1, [("status", "lost")]), Condition(RowExistenceExpectation.IGNORE))
            except OTSServiceError as exc:
                _expect((exc.code, exc.http_status) == ("OTSNoPermissionAccess", 403),
                       f"the write was refused with {exc.code} (HTTP {exc.http_status})")
                return "read-only role: get_row allowed, put_row OTSNoPermissionAccess (403)"
        raise _StepFailed("the read-only session could write")

    # --- time series ---------------------------------------------------------------------
    def create_timeseries_table(self) -> str:
        assert self.client is not None
        self.client.create_timeseries_table(CreateTimeseriesTableRequest(TimeseriesTableMeta(_TIMESERIES_TABLE)))
        self.created.append(_TIMESERIES_TABLE)
        described = self.client.describe_timeseries_table(_TIMESERIES_TABLE)
        name = described.table_meta.timeseries_table_name
        _expect(name == _TIMESERIES_TABLE, f"DescribeTimeseriesTable shows {name}")
        return f"create_timeseries_table {_TIMESERIES_TABLE}"

    def timeseries_points(self) -> str:
        assert self.client is not None
        now_us = int(time.time()) * 1_000_000
        points = [TimeseriesRow(_SERIES, {"usage": i / 100}, now_us - (_POINTS - i) * 1_000_000)
                  for i in range(_POINTS)]
        response = self._when_ready(lambda: self.client.put_timeseries_data(_TIMESERIES_TABLE, points))  # type: ignore[union-attr]
        _expect(not response.failedRows, f"{len(response.failedRows)} points failed")
        read: List[TimeseriesRow] = []
        token = None
        while True:
            request = GetTimeseriesDataRequest(_TIMESERIES_TABLE, _SERIES, now_us - 3600 * 1_000_000,
                                               now_us + 1, nextToken=token)
            page = self.client.get_timeseries_data(request)
            read.extend(page.rows or [])
            token = page.nextToken
            if not token:
                break
        values = [row.fields.get("usage") for row in read]
        _expect(values == [i / 100 for i in range(_POINTS)], f"read back {len(values)} points: {values[:3]}...")
        return f"put_timeseries_data {_POINTS} points; get_timeseries_data read {len(read)} back in order"

    def list_tables(self) -> str:
        assert self.client is not None
        wide = self.client.list_table()
        series = [meta.timeseries_table_name for meta in self.client.list_timeseries_table()]
        _expect(_TABLE in wide, f"ListTable shows {list(wide)}")
        _expect(_TIMESERIES_TABLE in series, f"ListTimeseriesTable shows {series}")
        return f"list_table: {_TABLE}; list_timeseries_table: {_TIMESERIES_TABLE}"

    def clean_up(self) -> str:
        self.drop_tables()
        assert self.client is not None
        _expect(_TABLE not in self.client.list_table(), f"{_TABLE} is still listed")
        if not self.target.local:
            return "clean up: demo tables deleted"
        iam = self.target.emulator.iam
        iam.delete_user(_USER)
        for role in (_ROLE, _READ_ONLY_ROLE):
            iam.delete_role(role)
        state = iam.describe()
        _expect(not state["users"] and not state["roles"], "RAM still has users or roles")
        return "clean up: tables, RAM user and roles deleted"

    def drop_tables(self) -> None:
        """Delete the tables this run created (also after a failure, on a real instance)."""
        if self.client is None:
            return
        while self.created:
            name = self.created.pop()
            if name == _TIMESERIES_TABLE:
                self.client.delete_timeseries_table(name)
            else:
                self.client.delete_table(name)

    def steps(self) -> List[Tuple[str, Callable[[], str]]]:
        """``(title, step)`` in story order; a step returns its line of output."""
        return [
            (f"RAM role {_ROLE}", self.create_role),
            (f"RAM role {_READ_ONLY_ROLE}", self.create_read_only_role),
            (f"RAM user {_USER}", self.create_user),
            (f"STS AssumeRole {_ROLE}", self.assume_role),
            ("OTSClient from environment variables", self.build_client),
            (f"create_table {_TABLE}", self.create_table),
            ("put_row", self.put_row),
            ("update_row", self.update_row),
            ("get_row", self.get_row),
            ("batch_write_row", self.batch_write),
            ("get_range", self.get_range),
            (f"write as {_READ_ONLY_ROLE}", self.denied_write),
            (f"create_timeseries_table {_TIMESERIES_TABLE}", self.create_timeseries_table),
            ("time series points", self.timeseries_points),
            ("list tables", self.list_tables),
            ("clean up", self.clean_up),
        ]


def _tell(steps: List[Tuple[str, Callable[[], str]]], echo: Callable[[str], None]) -> bool:
    """Run every step, one line each; False (and stop) at the first failure."""
    width = len(str(len(steps)))
    for number, (title, step) in enumerate(steps, 1):
        prefix = f"{number:>{width}}/{len(steps)}"
        try:
            detail = step()
        except _StepSkipped as skip:
            echo(f"{prefix} skip {title}: {skip}")
            continue
        except Exception as exc:  # any error, ours included, is this step's one FAIL line
            echo(f"{prefix} FAIL {title}: {_one_line(exc)}")
            return False
        echo(f"{prefix} ok   {detail}")
    return True


def _run(target: _Target, environ: Dict[str, str], echo: Callable[[str], None]) -> bool:
    story = _Story(target, environ)
    oss_story = OssStory(environ, target.emulator)
    try:
        passed = _tell(story.steps() + oss_story.steps(), echo)
    finally:
        if story.client is not None:
            if not target.local:
                try:
                    story.drop_tables()
                except OTSError as exc:
                    echo(f"could not delete the demo tables: {_one_line(exc)}")
            story.client.close()
        try:
            oss_story.close()
        except Exception as exc:  # reported, never hiding the step's own result
            echo(f"could not delete the OSS demo bucket: {_one_line(exc)}")
    return passed


@click.command("demo")
def demo() -> None:
    """Tell the user documents' story against a fresh in-memory emulator, step by step.

    RAM role and user, STS AssumeRole, an OTSClient from environment-variable STS
    credentials with V4 signing, wide-table writes and reads, a write denied to a
    read-only role, time series, listing and clean-up. Each step is checked; the exit
    status is 0 only if every step gave the expected result.

    With TABLESTORE_ENDPOINT and TABLESTORE_INSTANCE_NAME set, the story runs against
    that real instance instead (credentials from the default chain; TABLESTORE_STS_ROLE_ARN
    and TABLESTORE_STS_READONLY_ROLE_ARN name the roles; RAM steps are skipped).
    """
    logging.getLogger("alicloud_storage").addHandler(logging.NullHandler())
    environ = dict(os.environ)
    target = _real_target(environ)
    if target is not None:
        click.echo(f"alicloud-storage demo: real instance {target.instance} at {target.endpoint}")
        passed = _run(target, environ, click.echo)
    else:
        from alicloud_storage.emulator import Emulator

        with Emulator(memory=True, environ={}) as emu:
            click.echo(f"alicloud-storage demo: emulator in-process (in memory), instance {emu.instance}, "
                       f"region {emu.region}, account {emu.account_id}")
            local = _Target(emu.tablestore_endpoint, emu.instance, emu.region, emu.sts_endpoint, emulator=emu)
            passed = _run(local, environ, click.echo)
    if not passed:
        raise click.ClickException("the demo failed (see the FAIL line above)")
    click.echo("demo passed: every step gave the expected result")

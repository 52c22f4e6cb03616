"""`alicloud-storage ots ...`: look into and move Tablestore tables from the command line.

Works against the emulator or a real instance: --endpoint / --instance (or
TABLESTORE_ENDPOINT / TABLESTORE_INSTANCE_NAME), credentials from the default chain,
--region for V4 signing. Rows are flat JSON objects with typed values (docs/cli.md).
A user mistake or a service error prints one line and exits non-zero.
"""
from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import click

from alicloud_storage.commands.ots_transfer import (
    Checkpoint,
    TransferError,
    export_rows,
    file_format,
    finish_export,
    import_rows,
)
from alicloud_storage.commands.ots_values import InputError, Schema, from_json, parse_object, to_text
from alicloud_storage.credentials import ChainFailure, CredentialsError, DefaultCredentialsProvider
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    CapacityUnit,
    Condition,
    DefaultRetryPolicy,
    Direction,
    OTSClient,
    OTSClientError,
    OTSNetworkError,
    OTSServiceError,
    ReservedThroughput,
    RowExistenceExpectation,
    TableMeta,
    TableOptions,
)

__all__ = [
    "ots", "list_tables", "describe", "create", "delete_table", "get", "put", "delete", "scan",
    "import_table", "export_table",
]

_PK_TYPES = ("STRING", "INTEGER", "BINARY")
_EXISTENCE = {
    "ignore": RowExistenceExpectation.IGNORE,
    "exists": RowExistenceExpectation.EXPECT_EXIST,
    "absent": RowExistenceExpectation.EXPECT_NOT_EXIST,
}


def _one_line(exc: BaseException, endpoint: Optional[str]) -> str:
    """The message a user sees for an error: one line, no secret."""
    if isinstance(exc, OTSServiceError):
        return f"{exc.code}: {exc.message} (HTTP {exc.http_status})"
    if isinstance(exc, OTSNetworkError):
        return f"cannot reach {endpoint}: {exc}"
    if isinstance(exc, ChainFailure):
        tried = "; ".join(f"{name}: {reason}" for name, reason in exc.failures)
        return f"no credentials (set TABLESTORE_ACCESS_KEY_ID and TABLESTORE_ACCESS_KEY_SECRET); tried {tried}"
    return " ".join(str(exc).split())


@dataclass
class _Connection:
    """The group's options; the client is made when a command first needs it."""

    endpoint: Optional[str]
    instance: Optional[str]
    region: Optional[str]
    timeout: float
    retries: int
    _client: Optional[OTSClient] = None
    _schemas: Dict[str, Schema] = field(default_factory=dict)

    @property
    def client(self) -> OTSClient:
        if self._client is None:
            if not self.endpoint:
                raise click.UsageError("no endpoint: pass --endpoint or set TABLESTORE_ENDPOINT")
            if not self.instance:
                raise click.UsageError("no instance: pass --instance or set TABLESTORE_INSTANCE_NAME")
            self._client = OTSClient(self.endpoint, instance_name=self.instance,
                                     credentials_provider=DefaultCredentialsProvider(),
                                     region=self.region or None, socket_timeout=self.timeout,
                                     retry_policy=DefaultRetryPolicy(max_retry_times=self.retries))
        return self._client

    def schema(self, table: str) -> Schema:
        """The table's primary key (one DescribeTable per table and run)."""
        if table not in self._schemas:
            described = self.client.describe_table(table)
            self._schemas[table] = Schema.of(described.table_meta.schema_of_primary_key)
        return self._schemas[table]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class _OtsGroup(click.Group):
    """Turns the errors a user can cause or meet into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OTSServiceError, OTSClientError, CredentialsError, InputError, TransferError, OSError) as exc:
            connection = ctx.find_object(_Connection)
            raise click.ClickException(_one_line(exc, connection.endpoint if connection else None)) from None


_pass_connection = click.make_pass_decorator(_Connection)


@click.group("ots", cls=_OtsGroup)
@click.option("--endpoint", envvar="TABLESTORE_ENDPOINT", metavar="URL",
              help="Instance endpoint, e.g. https://myinstance.cn-hangzhou.ots.aliyuncs.com "
                   "or the emulator's http://127.0.0.1:8800 [env: TABLESTORE_ENDPOINT].")
@click.option("--instance", envvar="TABLESTORE_INSTANCE_NAME", metavar="NAME",
              help="Instance name [env: TABLESTORE_INSTANCE_NAME].")
@click.option("--region", envvar="TABLESTORE_REGION", metavar="REGION",
              help="Sign with V4 for this region, e.g. cn-hangzhou [env: TABLESTORE_REGION].")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Socket timeout per request, seconds.")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(min=0),
              help="Retries of a request that failed transiently (throttling, busy, network).")
@click.option("-v", "--verbose", is_flag=True, help="Log requests and retries to stderr.")
@click.pass_context
def ots(ctx: click.Context, endpoint: Optional[str], instance: Optional[str], region: Optional[str],
        timeout: float, retries: int, verbose: bool) -> None:
    """Tables, rows, scans, import and export on Tablestore or the emulator.

    Credentials come from the default chain (TABLESTORE_ACCESS_KEY_ID /
    TABLESTORE_ACCESS_KEY_SECRET / TABLESTORE_SESSION_TOKEN, then the other documented
    variables, the credentials file, ECS RAM role; see docs/credentials.md).
    """
    logger = logging.getLogger("alicloud_storage")
    if verbose:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    else:
        logger.addHandler(logging.NullHandler())  # errors are reported once, by this command
    connection = _Connection(endpoint, instance, region, timeout, retries)
    ctx.obj = connection
    ctx.call_on_close(connection.close)


# --- tables ------------------------------------------------------------------------------

@ots.command("list")
@click.option("--timeseries", is_flag=True, help="List time series tables instead of wide tables.")
@_pass_connection
def list_tables(conn: _Connection, timeseries: bool) -> None:
    """Print the instance's table names, one per line."""
    if timeseries:
        names: Iterable[str] = sorted(m.timeseries_table_name for m in conn.client.list_timeseries_table())
    else:
        names = sorted(conn.client.list_table())
    for name in names:
        click.echo(name)


@ots.command("describe")
@click.argument("table")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_pass_connection
def describe(conn: _Connection, table: str, as_json: bool) -> None:
    """Show a table's primary key, options and reserved throughput."""
    described = conn.client.describe_table(table)
    options = described.table_options
    cu = described.reserved_throughput_details.capacity_unit
    info: Dict[str, Any] = {
        "table": described.table_meta.table_name,
        "primary_key": [[c[0], c[1]] for c in described.table_meta.schema_of_primary_key],
        "time_to_live": options.time_to_live,
        "max_version": options.max_version,
        "max_time_deviation": options.max_time_deviation,
        "reserved_read_cu": cu.read,
        "reserved_write_cu": cu.write,
    }
    if as_json:
        click.echo(json.dumps(info))
        return
    ttl = "forever" if options.time_to_live == -1 else f"{options.time_to_live} s"
    click.echo(f"table               {info['table']}")
    click.echo(f"primary key         {', '.join(f'{n} {t}' for n, t in info['primary_key'])}")
    click.echo(f"time to live        {ttl}")
    click.echo(f"max versions        {options.max_version}")
    click.echo(f"max time deviation  {options.max_time_deviation} s")
    click.echo(f"reserved throughput read {cu.read} CU, write {cu.write} CU")


def _pk_column(ctx: click.Context, param: click.Parameter, values: Tuple[str, ...]) -> List[Tuple[str, str]]:
    columns = []
    for value in values:
        name, _, type_name = value.rpartition(":")
        if not name or type_name.upper() not in _PK_TYPES:
            raise click.BadParameter(f"{value!r}: use NAME:TYPE with TYPE one of {', '.join(_PK_TYPES)}")
        columns.append((name, type_name.upper()))
    return columns


@ots.command("create")
@click.argument("table")
@click.option("--pk", "primary_key", multiple=True, required=True, callback=_pk_column, metavar="NAME:TYPE",
              help="A primary-key column (repeat, in key order); TYPE is STRING, INTEGER or BINARY.")
@click.option("--ttl", default=-1, show_default=True, type=int, help="Time to live in seconds (-1 = forever).")
@click.option("--max-versions", default=1, show_default=True, type=click.IntRange(min=1),
              help="Versions kept per column.")
@click.option("--read-cu", default=0, show_default=True, type=click.IntRange(min=0), help="Reserved read CU.")
@click.option("--write-cu", default=0, show_default=True, type=click.IntRange(min=0), help="Reserved write CU.")
@_pass_connection
def create(conn: _Connection, table: str, primary_key: List[Tuple[str, str]], ttl: int,
           max_versions: int, read_cu: int, write_cu: int) -> None:
    """Create a wide table."""
    conn.client.create_table(TableMeta(table, primary_key), TableOptions(ttl, max_versions),
                             ReservedThroughput(CapacityUnit(read_cu, write_cu)))
    click.echo(f"created table {table}")


@ots.command("delete-table")
@click.argument("table")
@click.confirmation_option(prompt="Delete the table and every row in it?",
                           help="Do not ask for confirmation.")
@_pass_connection
def delete_table(conn: _Connection, table: str) -> None:
    """Delete a wide table and all its rows."""
    conn.client.delete_table(table)
    click.echo(f"deleted table {table}")


# --- rows --------------------------------------------------------------------------------

def _row_line(schema: Schema, row: Any) -> str:
    return json.dumps(schema.record(row), ensure_ascii=False)


@ots.command("get")
@click.argument("table")
@click.argument("key", metavar="KEY_JSON")
@_pass_connection
def get(conn: _Connection, table: str, key: str) -> None:
    """Print one row as a JSON line.

    KEY_JSON gives every primary-key column, e.g. '{"customer": "alice", "order_id": 1}'.
    """
    schema = conn.schema(table)
    _, row, _ = conn.client.get_row(table, schema.key(parse_object(key, "KEY_JSON"), "KEY_JSON"), max_version=1)
    if row is None:
        raise click.ClickException(f"no row with that primary key in {table}")
    click.echo(_row_line(schema, row))


@ots.command("put")
@click.argument("table")
@click.argument("row", metavar="ROW_JSON")
@click.option("--if", "expect", type=click.Choice(sorted(_EXISTENCE)), default="ignore", show_default=True,
              help="Write only if the row exists / is absent.")
@_pass_connection
def put(conn: _Connection, table: str, row: str, expect: str) -> None:
    """Write a whole row given as one flat JSON object.

    ROW_JSON holds the primary-key columns and the attributes, e.g.
    '{"customer": "alice", "order_id": 1, "status": "new", "amount": 12.5}'.
    Types: docs/cli.md (binary as {"$binary": "<base64>"}).
    """
    schema = conn.schema(table)
    conn.client.put_row(table, schema.row(parse_object(row, "ROW_JSON"), "ROW_JSON"), Condition(_EXISTENCE[expect]))
    click.echo("row written")


@ots.command("delete")
@click.argument("table")
@click.argument("key", metavar="KEY_JSON")
@click.option("--if", "expect", type=click.Choice(["exists", "ignore"]), default="ignore", show_default=True,
              help="Fail unless the row exists.")
@_pass_connection
def delete(conn: _Connection, table: str, key: str, expect: str) -> None:
    """Delete one row.

    KEY_JSON gives every primary-key column, e.g. '{"customer": "alice", "order_id": 1}'.
    """
    schema = conn.schema(table)
    primary_key = schema.key(parse_object(key, "KEY_JSON"), "KEY_JSON")
    conn.client.delete_row(table, primary_key, Condition(_EXISTENCE[expect]))
    click.echo("row deleted")


@ots.command("scan")
@click.argument("table")
@click.option("--start", metavar="KEY_JSON", help="Inclusive start key; missing trailing columns = INF_MIN.")
@click.option("--end", metavar="KEY_JSON", help="Exclusive end key; missing trailing columns = INF_MIN.")
@click.option("--prefix", metavar="KEY_JSON", help="Only rows whose key starts with these columns.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="An aligned table or one JSON object per line.")
@_pass_connection
def scan(conn: _Connection, table: str, start: Optional[str], end: Optional[str], prefix: Optional[str],
         limit: Optional[int], fmt: str) -> None:
    """Read a key range in key order (the whole table by default)."""
    schema = conn.schema(table)
    if prefix is not None and (start is not None or end is not None):
        raise click.UsageError("--prefix cannot be combined with --start / --end")
    if prefix is not None:
        given = parse_object(prefix, "--prefix")
        first, last = schema.key(given, "--prefix", INF_MIN), schema.key(given, "--prefix", INF_MAX)
    else:
        first = schema.key(parse_object(start, "--start") if start else {}, "--start", INF_MIN)
        last = schema.key(parse_object(end, "--end") if end else {}, "--end", INF_MIN if end else INF_MAX)
    rows = conn.client.xget_range(table, Direction.FORWARD, first, last, CapacityUnit(0, 0), count=limit)
    if fmt == "jsonl":
        for row in rows:
            click.echo(_row_line(schema, row))
        return
    _print_table([schema.record(row) for row in rows])


def _print_table(records: List[Dict[str, Any]]) -> None:
    """Records as aligned text columns (binary as base64, absent as empty)."""
    names: List[str] = []
    for record in records:
        names.extend(name for name in record if name not in names)
    cells = [[to_text(from_json(r[n], n)) if n in r else "" for n in names] for r in records]
    widths = [max([len(n)] + [len(c[i]) for c in cells]) for i, n in enumerate(names)]
    click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    click.echo(f"({len(records)} rows)")


# --- import / export ---------------------------------------------------------------------

def _progress(label: str, length: Optional[int]) -> Any:
    """A progress bar on stderr; with no length (an export) it counts rows instead."""
    unknown = iter(()) if length is None else None  # click wants an iterable when the length is unknown
    return click.progressbar(unknown, length=length, label=label, file=sys.stderr, show_pos=length is None,
                             show_percent=length is not None, show_eta=length is not None)


@ots.command("import")
@click.argument("table")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="Default: from the file extension.")
@click.option("--checkpoint", "checkpoint_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Progress file [default: SOURCE.import-checkpoint].")
@click.option("--restart", is_flag=True, help="Ignore an existing checkpoint and start from the first row.")
@_pass_connection
def import_table(conn: _Connection, table: str, source: Path, fmt: Optional[str],
                 checkpoint_path: Optional[Path], restart: bool) -> None:
    """Put every row of a JSON-lines or CSV file into TABLE.

    Resumable: after a failure or interruption, run the same command again and it
    continues after the last acknowledged batch (no row is duplicated: a put replaces
    the row with the same primary key).
    """
    fmt = file_format(source, fmt)
    schema = conn.schema(table)
    checkpoint_path = checkpoint_path or source.with_name(source.name + ".import-checkpoint")
    stat = source.stat()
    fresh = Checkpoint(checkpoint_path, "import", table, str(source.resolve()),
                       source_size=stat.st_size, source_mtime_ns=stat.st_mtime_ns)
    checkpoint = None if restart else Checkpoint.load(checkpoint_path)
    if checkpoint is not None:
        same = (checkpoint.kind, checkpoint.table, checkpoint.file, checkpoint.source_size,
                checkpoint.source_mtime_ns) == ("import", table, fresh.file, fresh.source_size, fresh.source_mtime_ns)
        if not same:
            raise click.ClickException(f"{checkpoint_path} is about another table or an older version of "
                                       f"{source.name}; pass --restart to start over")
        click.echo(f"resuming after row {checkpoint.rows} ({checkpoint_path.name})", err=True)
    checkpoint = checkpoint or fresh
    resumed_at = checkpoint.rows
    with _progress(f"importing into {table}", stat.st_size) as bar:
        bar.update(checkpoint.offset)
        done = {"bytes": checkpoint.offset}

        def progress(offset: int, rows: int) -> None:
            bar.update(offset - done["bytes"])
            done["bytes"] = offset

        try:
            sent = import_rows(conn.client, table, schema, source, fmt, checkpoint, progress)
        except (InputError, TransferError) as exc:  # the data: a bad row, or one the service refused
            raise TransferError(f"import stopped after row {checkpoint.rows}: {exc}; "
                                "fix the file, then run again with --restart") from None
        except (OTSServiceError, OTSClientError) as exc:
            bad_data = isinstance(exc, OTSServiceError) and exc.http_status == 400
            then = "fix the file, then run again with --restart" if bad_data else "run the same command again to resume"
            raise TransferError(f"import stopped after row {checkpoint.rows}: {_one_line(exc, conn.endpoint)}; "
                                f"{then}") from None
        except KeyboardInterrupt:
            raise click.ClickException(f"interrupted after row {checkpoint.rows}; "
                                       "run the same command again to resume") from None
    checkpoint.remove()
    note = f" ({sent} in this run, resumed after row {resumed_at})" if resumed_at else ""
    click.echo(f"imported {checkpoint.rows} rows into {table}{note}")


@ots.command("export")
@click.argument("table")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="Default: from the file extension.")
@click.option("--restart", is_flag=True, help="Ignore an existing checkpoint and start from the first row.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@_pass_connection
def export_table(conn: _Connection, table: str, output: Path, fmt: Optional[str], restart: bool, force: bool) -> None:
    """Write every row of TABLE to a JSON-lines or CSV file.

    Rows go to OUTPUT.part first; after an interruption, the same command continues
    from the last page written. CSV gets a typed header (name:TYPE).
    """
    fmt = file_format(output, fmt)
    schema = conn.schema(table)
    part = output.with_name(output.name + ".part")
    checkpoint_path = output.with_name(output.name + ".export-checkpoint")
    checkpoint = None if restart else Checkpoint.load(checkpoint_path)
    if checkpoint is not None and (checkpoint.kind, checkpoint.table) != ("export", table):
        raise click.ClickException(f"{checkpoint_path} is about another table; pass --restart to start over")
    if checkpoint is None and output.exists() and not force:
        raise click.ClickException(f"{output} exists; pass --force to overwrite it")
    if checkpoint is not None:
        click.echo(f"resuming after row {checkpoint.rows} ({checkpoint_path.name})", err=True)
    checkpoint = checkpoint or Checkpoint(checkpoint_path, "export", table, str(output.resolve()))
    with _progress(f"exporting {table}", None) as bar:
        bar.update(checkpoint.rows)
        done = {"rows": checkpoint.rows}

        def progress(rows: int) -> None:
            bar.update(rows - done["rows"])
            done["rows"] = rows

        try:
            export_rows(conn.client, table, schema, part, checkpoint, progress)
        except (OTSServiceError, OTSClientError) as exc:
            raise TransferError(f"export stopped after row {checkpoint.rows}: {_one_line(exc, conn.endpoint)}; "
                                "run the same command again to resume") from None
    finish_export(part, output, fmt, checkpoint.columns)
    checkpoint.remove()
    click.echo(f"exported {checkpoint.rows} rows from {table} to {output}")

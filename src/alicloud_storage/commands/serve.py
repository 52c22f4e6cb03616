"""`alicloud-storage serve`: run the local Tablestore/OSS/STS/RAM emulator in the foreground."""
from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import click

from alicloud_storage.emulator.config import ENV_PREFIX, default_data_dir

__all__ = ["serve"]


def _env(name: str) -> str:
    return ENV_PREFIX + name


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8800, show_default=True, type=int,
              help="Tablestore port (0 = any free port).")
@click.option("--sts-port", default=None, type=int,
              help="STS port (0 = any free port) [default: 8801, or any free port with --port 0].")
@click.option("--oss-port", default=None, type=int,
              help="OSS port (0 = any free port) [default: 8802, or any free port with --port 0].")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Where the SQLite database lives [default: {default_data_dir()}].")
@click.option("--memory", is_flag=True, help="Keep everything in memory (lost on exit).")
@click.option("--instance", "instances", multiple=True, metavar="NAME",
              help="An instance to serve (repeatable; the first is the default) [default: devinstance].")
@click.option("--region", envvar=_env("REGION"), default=None, help="Region of the emulated account.")
@click.option("--account-id", envvar=_env("ACCOUNT_ID"), default=None, help="Account id.")
@click.option("--access-key-id", envvar=_env("ACCESS_KEY_ID"), default=None,
              help="Root AccessKey id (default: the well-known development key).")
@click.option("--access-key-secret", envvar=_env("ACCESS_KEY_SECRET"), default=None,
              help="Root AccessKey secret (default: the well-known development secret).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TOML or JSON file: instances, credentials, RAM users/roles/policies, "
                   "OSS domains and CNAMEs.")
@click.option("--oss-domain", "oss_domains", multiple=True, metavar="DOMAIN",
              help="A domain whose subdomains name OSS buckets (<bucket>.DOMAIN; repeatable; "
                   "localhost and *.aliyuncs.com always are).")
@click.option("--oss-cname", "oss_cnames", multiple=True, metavar="HOST=BUCKET",
              help="Serve BUCKET at HOST (a CNAME; repeatable).")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), default=None,
              help="PEM certificate: serve HTTPS.")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), default=None,
              help="PEM private key of --tls-cert.")
def serve(
    host: str,
    port: int,
    sts_port: Optional[int],
    oss_port: Optional[int],
    data_dir: Optional[Path],
    memory: bool,
    instances: Tuple[str, ...],
    region: Optional[str],
    account_id: Optional[str],
    access_key_id: Optional[str],
    access_key_secret: Optional[str],
    config_file: Optional[Path],
    oss_domains: Tuple[str, ...],
    oss_cnames: Tuple[str, ...],
    tls_cert: Optional[str],
    tls_key: Optional[str],
) -> None:
    """Serve emulated Tablestore, OSS and STS. Prints one JSON line with endpoints and
    credentials once ready; stops cleanly on Ctrl-C / SIGTERM."""
    from alicloud_storage.emulator import Emulator
    from alicloud_storage.emulator.ram import RamError

    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together")
    cnames: Dict[str, str] = {}
    for pair in oss_cnames:
        alias, sep, bucket = pair.partition("=")
        if not (sep and alias and bucket):
            raise click.UsageError(f"--oss-cname takes HOST=BUCKET, not {pair!r}")
        cnames[alias] = bucket
    if sts_port is None:
        sts_port = 0 if port == 0 else 8801
    if oss_port is None:
        oss_port = 0 if port == 0 else 8802
    kwargs: Any = dict(
        host=host, port=port, sts_port=sts_port, oss_port=oss_port, data_dir=data_dir, memory=memory,
        instances=instances or None, region=region, account_id=account_id,
        access_key_id=access_key_id, access_key_secret=access_key_secret,
        tls_cert=tls_cert, tls_key=tls_key, config=config_file,
        oss_domains=oss_domains, oss_cnames=cnames,
    )
    try:
        emulator = Emulator(**kwargs)
        emulator.start()
    except (ValueError, OSError, RamError) as exc:
        raise click.ClickException(str(exc)) from None
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        click.echo(json.dumps(emulator.ready_info()))
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("emulator stopped", err=True)

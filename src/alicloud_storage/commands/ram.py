"""`alicloud-storage ram ...`: change the RAM state of a running emulator.

Talks to the emulator's admin endpoint (``<endpoint>/_emulator/ram``) through the library's
admin client (requests signed by the root AccessKey pair, ACS3-HMAC-SHA256), prints JSON answers.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import click

from alicloud_storage.admin_client import AdminClient, AdminError
from alicloud_storage.emulator.config import (
    DEV_ACCESS_KEY_ID,
    DEV_ACCESS_KEY_SECRET,
    ENV_PREFIX,
    load_config_file,
)
from alicloud_storage.http import TransportError

__all__ = [
    "ram", "show", "load", "create_user", "delete_user",
    "create_access_key", "set_access_key_status", "delete_access_key", "create_role",
    "delete_role", "create_policy", "delete_policy", "attach_policy", "detach_policy",
]


class _Ram:
    """The RAM routes of the admin client, failures as ClickException (the server's Code/Message)."""

    def __init__(self, client: AdminClient) -> None:
        self._client = client

    def call(self, method: str, path: str, payload: Optional[dict[str, Any]] = None) -> Any:
        try:
            return self._client.call(method, "/ram" + path, payload)
        except TransportError as exc:
            raise click.ClickException(f"cannot reach the emulator at {self._client.endpoint}: {exc}") from None
        except AdminError as exc:
            raise click.ClickException(f"{exc.code}: {exc.message}") from None


def _document(value: str) -> Any:
    """A policy given inline as JSON or as @path / a path to a JSON file."""
    text = value
    if not value.lstrip().startswith("{"):
        path = Path(value[1:] if value.startswith("@") else value)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(f"cannot read {path}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not a JSON policy document: {exc}") from None


def _out(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, sort_keys=True))


def _admin(ctx: click.Context) -> _Ram:
    return ctx.find_object(_Ram)  # type: ignore[no-any-return]


def _holder(user: Optional[str], role: Optional[str]) -> str:
    if (user is None) == (role is None):
        raise click.UsageError("give exactly one of --user and --role")
    return f"/users/{user}" if user is not None else f"/roles/{role}"


@click.group("ram")
@click.option("--endpoint", envvar=ENV_PREFIX + "ENDPOINT", default="http://127.0.0.1:8800",
              show_default=True, help="Tablestore endpoint of the running emulator.")
@click.option("--access-key-id", envvar=ENV_PREFIX + "ACCESS_KEY_ID", default=DEV_ACCESS_KEY_ID,
              help="Root AccessKey id of the emulated account (default: the development key).")
@click.option("--access-key-secret", envvar=ENV_PREFIX + "ACCESS_KEY_SECRET",
              default=DEV_ACCESS_KEY_SECRET, show_default=False,
              help="Root AccessKey secret (default: the development secret).")
@click.pass_context
def ram(ctx: click.Context, endpoint: str, access_key_id: str, access_key_secret: str) -> None:
    """Manage RAM users, keys, roles and policies of a running emulator."""
    ctx.obj = _Ram(AdminClient(endpoint, access_key_id, access_key_secret))


@ram.command("show")
@click.pass_context
def show(ctx: click.Context) -> None:
    """Print the account's users, roles and policies (no secrets)."""
    _out(_admin(ctx).call("GET", ""))


@ram.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def load(ctx: click.Context, path: Path) -> None:
    """Add the RAM entities of a config file (an emulator config's "ram" section, or a bare one)."""
    config = load_config_file(path)
    _out(_admin(ctx).call("POST", "/config", config.get("ram", config)))


@ram.command("create-user")
@click.argument("name")
@click.option("--with-access-key", is_flag=True, help="Also create an AccessKey pair and print it.")
@click.pass_context
def create_user(ctx: click.Context, name: str, with_access_key: bool) -> None:
    """Create a RAM user."""
    admin = _admin(ctx)
    admin.call("POST", "/users", {"name": name})
    _out(admin.call("POST", f"/users/{name}/access-keys", {}) if with_access_key else {"user": name})


@ram.command("delete-user")
@click.argument("name")
@click.pass_context
def delete_user(ctx: click.Context, name: str) -> None:
    """Delete a RAM user and its AccessKey pairs."""
    _out(_admin(ctx).call("DELETE", f"/users/{name}"))


@ram.command("create-access-key")
@click.argument("user")
@click.option("--id", "key_id", default=None, help="Use this AccessKey id (default: generated).")
@click.option("--secret", default=None, help="Use this secret (default: generated).")
@click.pass_context
def create_access_key(ctx: click.Context, user: str, key_id: Optional[str], secret: Optional[str]) -> None:
    """Create an AccessKey pair for USER and print it (the only time the secret is shown)."""
    payload = {k: v for k, v in (("id", key_id), ("secret", secret)) if v}
    _out(_admin(ctx).call("POST", f"/users/{user}/access-keys", payload))


@ram.command("set-access-key-status")
@click.argument("access_key_id")
@click.argument("status", type=click.Choice(["active", "inactive"]))
@click.pass_context
def set_access_key_status(ctx: click.Context, access_key_id: str, status: str) -> None:
    """Enable or disable an AccessKey pair."""
    _out(_admin(ctx).call("PATCH", f"/access-keys/{access_key_id}", {"active": status == "active"}))


@ram.command("delete-access-key")
@click.argument("access_key_id")
@click.pass_context
def delete_access_key(ctx: click.Context, access_key_id: str) -> None:
    """Delete an AccessKey pair."""
    _out(_admin(ctx).call("DELETE", f"/access-keys/{access_key_id}"))


@ram.command("create-role")
@click.argument("name")
@click.option("--trust-policy", default=None, help="Trust policy JSON or file (default: trust this account).")
@click.option("--max-session-duration", type=click.IntRange(3600, 43200), default=3600, show_default=True)
@click.pass_context
def create_role(
    ctx: click.Context, name: str, trust_policy: Optional[str], max_session_duration: int
) -> None:
    """Create a RAM role and print its ARN."""
    payload: dict[str, Any] = {"name": name, "max_session_duration": max_session_duration}
    if trust_policy:
        payload["trust_policy"] = _document(trust_policy)
    _out(_admin(ctx).call("POST", "/roles", payload))


@ram.command("delete-role")
@click.argument("name")
@click.pass_context
def delete_role(ctx: click.Context, name: str) -> None:
    """Delete a RAM role (its STS tokens stop working)."""
    _out(_admin(ctx).call("DELETE", f"/roles/{name}"))


@ram.command("create-policy")
@click.argument("name")
@click.argument("document")
@click.pass_context
def create_policy(ctx: click.Context, name: str, document: str) -> None:
    """Create a custom policy from DOCUMENT (inline JSON or a JSON file)."""
    _out(_admin(ctx).call("POST", "/policies", {"name": name, "document": _document(document)}))


@ram.command("delete-policy")
@click.argument("name")
@click.pass_context
def delete_policy(ctx: click.Context, name: str) -> None:
    """Delete a custom policy attached to nobody."""
    _out(_admin(ctx).call("DELETE", f"/policies/{name}"))


@ram.command("attach-policy")
@click.argument("policy")
@click.option("--user", default=None)
@click.option("--role", default=None)
@click.pass_context
def attach_policy(ctx: click.Context, policy: str, user: Optional[str], role: Optional[str]) -> None:
    """Attach a system or custom POLICY to a user or a role."""
    _out(_admin(ctx).call("POST", _holder(user, role) + "/policies", {"policy": policy}))


@ram.command("detach-policy")
@click.argument("policy")
@click.option("--user", default=None)
@click.option("--role", default=None)
@click.pass_context
def detach_policy(ctx: click.Context, policy: str, user: Optional[str], role: Optional[str]) -> None:
    """Detach POLICY from a user or a role."""
    _out(_admin(ctx).call("DELETE", _holder(user, role) + f"/policies/{policy}"))

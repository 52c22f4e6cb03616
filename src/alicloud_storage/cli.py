"""`alicloud-storage` command line: one click group; each command lives in commands/."""
from __future__ import annotations

import importlib
from typing import Any, Optional

import click

__all__ = ["cli", "main"]

# command name -> (module under alicloud_storage.commands, attribute). Imported only when
# the command runs, so `alicloud-storage --help` stays fast and one broken command
# cannot take the others down.
_COMMANDS = {
    "serve": ("serve", "serve"),
    "demo": ("demo", "demo"),
    "ots": ("ots", "ots"),
    "ram": ("ram", "ram"),
    "oss": ("oss", "oss"),
}


# A third-party module a command needs -> the extra that installs it.
_EXTRAS = {"aiohttp": "emulator"}


def _needs_extra(name: str, extra: str) -> click.Command:
    """Stands in for a command whose extra is not installed: says so in one line."""

    def refuse() -> None:
        raise click.ClickException(f"'{name}' needs the {extra} extra: pip install 'alicloud-storage[{extra}]'")

    return click.Command(name, callback=refuse, help=f"(needs: pip install 'alicloud-storage[{extra}]')",
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> Optional[click.Command]:
        if name not in _COMMANDS:
            return None
        module_name, attr = _COMMANDS[name]
        try:
            module = importlib.import_module(f"alicloud_storage.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"alicloud_storage.commands.{module_name}":
                return None
            if exc.name in _EXTRAS:
                return _needs_extra(name, _EXTRAS[exc.name])
            raise
        command: click.Command = getattr(module, attr)
        return command


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: the package version and the PlainBuffer codec in use."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from alicloud_storage.tablestore.wire.plainbuffer import ACTIVE

    click.echo(
        f"{ctx.find_root().info_name}, version {version('alicloud-storage')} "
        f"(PlainBuffer codec: {ACTIVE.name})"
    )
    ctx.exit()


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the PlainBuffer codec in use (compiled or pure Python), then exit.",
)
def cli() -> None:
    """alicloud-storage: Tablestore SDK tools and a local emulator of Tablestore, STS and RAM."""


def main(argv: Optional[list[str]] = None) -> Any:
    return cli.main(args=argv, prog_name="alicloud-storage")

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


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="alicloud-storage")
def cli() -> None:
    """alicloud-storage: Tablestore SDK tools and a local emulator of Tablestore, STS and RAM."""


def main(argv: Optional[list[str]] = None) -> Any:
    return cli.main(args=argv, prog_name="alicloud-storage")

"""Emulator settings: the well-known development account, env overrides, config files.

Like Azurite's ``devstoreaccount1``, the emulator has a documented root key pair that
is the same everywhere, so examples and tests work without setup. It guards nothing:
never use it for anything but the local emulator.

Precedence: explicit argument / CLI flag > environment variable > config file > default.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from alicloud_storage.emulator.jsonbody import JsonError, loads

__all__ = [
    "DEV_ACCESS_KEY_ID",
    "DEV_ACCESS_KEY_SECRET",
    "DEV_ACCOUNT_ID",
    "DEV_REGION",
    "DEV_INSTANCE",
    "ENV_PREFIX",
    "EmulatorSettings",
    "default_data_dir",
    "load_config_file",
    "resolve_settings",
]

DEV_ACCESS_KEY_ID = "LTAI5tEmulatorDevRootKey"
DEV_ACCESS_KEY_SECRET = "EmulatorDevRootSecretDoNotUseInProd0"
DEV_ACCOUNT_ID = "1000000000000001"
DEV_REGION = "cn-hangzhou"
DEV_INSTANCE = "devinstance"
ENV_PREFIX = "ALICLOUD_STORAGE_EMULATOR_"

_INSTANCE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,15}")
_CONFIG_KEYS = {"instances", "region", "account_id", "access_key_id", "access_key_secret", "ram", "oss"}
_OSS_CONFIG_KEYS = {"domains", "cnames"}


@dataclass(frozen=True)
class EmulatorSettings:
    """The identity of the emulated account and the instances it serves."""

    instances: Tuple[str, ...] = (DEV_INSTANCE,)
    region: str = DEV_REGION
    account_id: str = DEV_ACCOUNT_ID
    access_key_id: str = DEV_ACCESS_KEY_ID
    access_key_secret: str = field(default=DEV_ACCESS_KEY_SECRET, repr=False)
    ram: Mapping[str, Any] = field(default_factory=dict, repr=False)
    oss_domains: Tuple[str, ...] = ()
    oss_cnames: Mapping[str, str] = field(default_factory=dict)


def default_data_dir() -> Path:
    """The per-user data directory of the emulator on this platform."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "alicloud-storage" / "emulator"


def load_config_file(path: Union[str, Path]) -> Dict[str, Any]:
    """Read an emulator config file (.toml or .json)."""
    path = Path(path)
    text = path.read_bytes()
    if path.suffix.lower() == ".toml":
        try:
            import tomllib  # type: ignore[import-not-found]
        except ModuleNotFoundError:  # Python < 3.11
            raise ValueError(f"{path}: TOML config files need Python 3.11+; use JSON") from None
        data = tomllib.loads(text.decode("utf-8"))
    else:
        try:
            data = loads(text)
        except JsonError as exc:
            raise ValueError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config must be a table/object")
    return data


def resolve_settings(
    *,
    instances: Optional[Sequence[str]] = None,
    region: Optional[str] = None,
    account_id: Optional[str] = None,
    access_key_id: Optional[str] = None,
    access_key_secret: Optional[str] = None,
    config: Optional[Mapping[str, Any]] = None,
    environ: Optional[Mapping[str, str]] = None,
    oss_domains: Sequence[str] = (),
    oss_cnames: Optional[Mapping[str, str]] = None,
) -> EmulatorSettings:
    """Merge arguments, environment, config mapping and defaults (in that order)."""
    config = dict(config or {})
    unknown = set(config) - _CONFIG_KEYS
    if unknown:
        raise ValueError(f"unknown emulator config keys: {sorted(unknown)}")
    env = os.environ if environ is None else environ
    defaults = EmulatorSettings()

    def pick(name: str, given: Optional[str]) -> str:
        value = given or env.get(ENV_PREFIX + name.upper()) or config.get(name)
        return str(value) if value else getattr(defaults, name)

    chosen = tuple(instances or config.get("instances") or defaults.instances)
    for name in chosen:
        if not _INSTANCE_NAME.fullmatch(name):
            raise ValueError(
                f"invalid instance name {name!r}: 3-16 letters, digits or '-', starting with a letter"
            )
    domains, cnames = _oss_addressing(config.get("oss") or {}, oss_domains, oss_cnames or {})
    return EmulatorSettings(
        instances=tuple(dict.fromkeys(chosen)),
        region=pick("region", region),
        account_id=pick("account_id", account_id),
        access_key_id=pick("access_key_id", access_key_id),
        access_key_secret=pick("access_key_secret", access_key_secret),
        ram=config.get("ram") or {},
        oss_domains=domains,
        oss_cnames=cnames,
    )


def _oss_addressing(
    oss: Any, domains: Sequence[str], cnames: Mapping[str, str]
) -> Tuple[Tuple[str, ...], Dict[str, str]]:
    """OSS service domains and CNAME map (host → bucket): the config's ``oss`` table plus the
    given ones (which win for the same host); host names are lower-cased."""
    if not isinstance(oss, Mapping) or set(oss) - _OSS_CONFIG_KEYS:
        raise ValueError(f"the oss config is a table of {sorted(_OSS_CONFIG_KEYS)}")
    from_config = oss.get("domains") or []
    mapped = oss.get("cnames") or {}
    if not isinstance(from_config, list) or not all(isinstance(d, str) and d for d in from_config):
        raise ValueError("oss.domains must be a list of host names")
    if not isinstance(mapped, Mapping) or not all(
            isinstance(h, str) and isinstance(b, str) and h and b for h, b in mapped.items()):
        raise ValueError("oss.cnames must map host names to bucket names")
    chosen = tuple(dict.fromkeys(d.lower().strip(".") for d in [*from_config, *domains]))
    return chosen, {h.lower(): b for h, b in [*mapped.items(), *cnames.items()]}

"""Credentials from ini files: the documented ``config.ini`` (a named section of
``TABLESTORE_*`` keys) and the Alibaba Cloud credentials profile file.

Files are read when credentials are asked for and re-read when they change on disk.
"""
from __future__ import annotations

import configparser
import os
import threading
import time
from typing import Any, Callable, Mapping, Optional

from alicloud_storage.credentials.base import (
    Credentials,
    CredentialsError,
    CredentialsProvider,
    StaticCredentialsProvider,
)

__all__ = [
    "ConfigFileCredentialsProvider", "ProfileCredentialsProvider", "default_profile_path", "PROFILE_TYPES",
]

PROFILE_TYPES = ("access_key", "sts", "ram_role_arn", "ecs_ram_role")


class _IniFile:
    """An ini file parsed once per change (path, mtime, size)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._stamp: Optional[tuple[int, int]] = None
        self._parser: Optional[configparser.ConfigParser] = None
        self._lock = threading.Lock()

    def read(self) -> tuple[configparser.ConfigParser, bool]:
        """(parser, changed since the last read); raises CredentialsError if unreadable."""
        try:
            stat = os.stat(self.path)
        except OSError:
            raise CredentialsError(f"the file {self.path} does not exist or is unreadable") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._parser is not None and stamp == self._stamp:
                return self._parser, False
            parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
            try:
                with open(self.path, encoding="utf-8") as handle:
                    parser.read_file(handle)
            except (OSError, UnicodeDecodeError, configparser.Error) as exc:
                raise CredentialsError(
                    f"the file {self.path} is not a valid ini file ({type(exc).__name__})"
                ) from None
            self._parser, self._stamp = parser, stamp
            return parser, True


def _section(parser: configparser.ConfigParser, path: str, name: str) -> configparser.SectionProxy:
    if not parser.has_section(name):
        raise CredentialsError(f"the file {path} has no section [{name}]")
    return parser[name]


def _optional(section: configparser.SectionProxy, key: str) -> Optional[str]:
    return section.get(key, "").strip() or None


def _require(section: configparser.SectionProxy, path: str, key: str) -> str:
    value = _optional(section, key)
    if value is None:
        raise CredentialsError(f"section [{section.name}] of {path} has no {key}")
    return value


class ConfigFileCredentialsProvider(CredentialsProvider):
    """The user documents' ``config.ini``: ``TABLESTORE_ACCESS_KEY_ID``,
    ``TABLESTORE_ACCESS_KEY_SECRET`` and optional ``TABLESTORE_SESSION_TOKEN`` in ``section``."""

    def __init__(self, path: str, section: str) -> None:
        self._file = _IniFile(os.path.expanduser(path))
        self.section = section

    def get_credentials(self) -> Credentials:
        parser, _ = self._file.read()
        section = _section(parser, self._file.path, self.section)
        return Credentials(
            _require(section, self._file.path, "TABLESTORE_ACCESS_KEY_ID"),
            _require(section, self._file.path, "TABLESTORE_ACCESS_KEY_SECRET"),
            _optional(section, "TABLESTORE_SESSION_TOKEN"),
            provider_name="config_file",
        )

    def __repr__(self) -> str:
        return f"ConfigFileCredentialsProvider(path={self._file.path!r}, section={self.section!r})"


def default_profile_path(environ: Optional[Mapping[str, str]] = None) -> str:
    """``ALIBABA_CLOUD_CREDENTIALS_FILE`` or ``~/.alibabacloud/credentials.ini``."""
    env = os.environ if environ is None else environ
    return env.get("ALIBABA_CLOUD_CREDENTIALS_FILE") or os.path.join(
        os.path.expanduser("~"), ".alibabacloud", "credentials.ini"
    )


class ProfileCredentialsProvider(CredentialsProvider):
    """A profile of the Alibaba Cloud credentials ini file (``type`` = access_key, sts,
    ram_role_arn or ecs_ram_role). Path and profile default to ``ALIBABA_CLOUD_CREDENTIALS_FILE``
    and ``ALIBABA_CLOUD_PROFILE`` (else ``default``), read from ``environ`` at call time."""

    def __init__(
        self,
        path: Optional[str] = None,
        profile: Optional[str] = None,
        environ: Optional[Mapping[str, str]] = None,
        *,
        sts_endpoint: Optional[str] = None,
        ecs_metadata_endpoint: Optional[str] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = path
        self._profile = profile
        self._environ = environ
        self._sts_endpoint = sts_endpoint
        self._ecs_endpoint = ecs_metadata_endpoint
        self._clock = clock
        self._files: dict[str, _IniFile] = {}
        self._inner: dict[tuple[str, str], CredentialsProvider] = {}
        self._lock = threading.Lock()

    def _where(self) -> tuple[str, str]:
        env = os.environ if self._environ is None else self._environ
        path = os.path.expanduser(self._path) if self._path else default_profile_path(env)
        profile = self._profile or env.get("ALIBABA_CLOUD_PROFILE") or "default"
        return path, profile

    def provider(self) -> CredentialsProvider:
        """The provider the selected profile describes (rebuilt when the file changes)."""
        path, profile = self._where()
        with self._lock:
            ini = self._files.setdefault(path, _IniFile(path))
            parser, changed = ini.read()
            key = (path, profile)
            if changed or key not in self._inner:
                self._inner[key] = self._build(_section(parser, path, profile), path)
            return self._inner[key]

    def _build(self, section: configparser.SectionProxy, path: str) -> CredentialsProvider:
        kind = section.get("type", "access_key").strip()
        if kind not in PROFILE_TYPES:
            raise CredentialsError(
                f"section [{section.name}] of {path} has type {kind!r}; "
                f"supported: {', '.join(PROFILE_TYPES)}"
            )
        if kind == "ecs_ram_role":
            from alicloud_storage.credentials.remote import EcsRamRoleCredentialsProvider

            extra: dict[str, Any] = {"endpoint": self._ecs_endpoint} if self._ecs_endpoint else {}
            return EcsRamRoleCredentialsProvider(
                _optional(section, "role_name"), clock=self._clock, **extra
            )
        key_id = _require(section, path, "access_key_id")
        secret = _require(section, path, "access_key_secret")
        if kind == "access_key":
            return StaticCredentialsProvider(key_id, secret)
        if kind == "sts":
            return StaticCredentialsProvider(key_id, secret, _require(section, path, "security_token"))
        from alicloud_storage.credentials.ram_role import RamRoleArnCredentialsProvider

        duration = section.get("duration_seconds", "3600").strip()
        if not duration.isdigit():
            raise CredentialsError(f"section [{section.name}] of {path} has a non-numeric duration_seconds")
        return RamRoleArnCredentialsProvider(
            StaticCredentialsProvider(key_id, secret),
            _require(section, path, "role_arn"),
            _optional(section, "role_session_name"),
            int(duration),
            _optional(section, "policy"),
            sts_endpoint=self._sts_endpoint or _optional(section, "sts_endpoint"),
            sts_region=_optional(section, "sts_region"),
            clock=self._clock,
        )

    def get_credentials(self) -> Credentials:
        return self.provider().get_credentials()

    async def get_credentials_async(self) -> Credentials:
        return await self.provider().get_credentials_async()

    def __repr__(self) -> str:
        path, profile = self._where()
        return f"ProfileCredentialsProvider(path={path!r}, profile={profile!r})"

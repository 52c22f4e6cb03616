"""Credentials served over HTTP: the ECS instance metadata service and a credentials URI.

Both answer ``{"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken",
"Expiration"}`` and are cached and refreshed like any temporary credentials.
"""
from __future__ import annotations

import json
import os
import time
from typing import Any, Callable, Mapping, Optional

from alicloud_storage.credentials.base import Credentials, CredentialsError, parse_expiration
from alicloud_storage.credentials.refreshable import RefreshableCredentialsProvider
from alicloud_storage.http.base import BaseTransport
from alicloud_storage.http.config import Timeout, TimeoutLike
from alicloud_storage.http.errors import TransportError
from alicloud_storage.http.models import Request, Response

__all__ = ["EcsRamRoleCredentialsProvider", "UriCredentialsProvider", "ECS_METADATA_ENDPOINT"]

ECS_METADATA_ENDPOINT = "http://100.100.100.200"
_CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
_TOKEN_PATH = "/latest/api/token"
_TOKEN_TTL_HEADER = "X-aliyun-ecs-metadata-token-ttl-seconds"
_TOKEN_HEADER = "X-aliyun-ecs-metadata-token"
_TOKEN_TTL = "21600"


def _credentials_from_body(body: bytes, provider_name: str, source: str) -> Credentials:
    """Credentials from a metadata-style JSON body; errors name the source, never a value."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CredentialsError(f"{source} did not answer JSON") from None
    if not isinstance(data, dict) or data.get("Code") != "Success":
        code = data.get("Code") if isinstance(data, dict) else None
        raise CredentialsError(f"{source} answered Code={code!r}, not 'Success'")
    missing = [k for k in ("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration")
               if not data.get(k)]
    if missing:
        raise CredentialsError(f"{source} answered without {', '.join(missing)}")
    try:
        expiration = parse_expiration(data["Expiration"])
    except ValueError:
        raise CredentialsError(f"{source} answered a malformed Expiration") from None
    return Credentials(
        data["AccessKeyId"], data["AccessKeySecret"], data["SecurityToken"], expiration,
        provider_name=provider_name,
    )


class _HttpCredentialsProvider(RefreshableCredentialsProvider):
    """Shared plumbing: one transport, short timeouts, errors without secrets."""

    def __init__(
        self,
        transport: Optional[BaseTransport],
        timeout: TimeoutLike,
        clock: Callable[[], float],
    ) -> None:
        super().__init__(clock=clock)
        self._transport = transport
        self._timeout = Timeout.of(timeout)

    def _send(self, method: str, url: str, headers: Mapping[str, str], what: str) -> Response:
        if self._transport is None:
            from alicloud_storage.http import SyncTransport

            self._transport = SyncTransport()
        try:
            return self._transport.send(Request(method, url, dict(headers)), self._timeout)
        except TransportError as exc:
            raise CredentialsError(f"{what} failed: {type(exc).__name__}: {exc}") from None

    def _get(self, url: str, headers: Mapping[str, str], what: str) -> bytes:
        """The body of a 200 answer to ``GET url``; CredentialsError otherwise."""
        response = self._send("GET", url, headers, what)
        if response.status != 200:
            raise CredentialsError(f"{what} answered HTTP {response.status}")
        return response.body


class EcsRamRoleCredentialsProvider(_HttpCredentialsProvider):
    """The RAM role of this ECS instance, from the metadata service (IMDSv2 token flow,
    falling back to IMDSv1 unless ``imdsv1_disabled``)."""

    provider_name = "ecs_ram_role"

    def __init__(
        self,
        role_name: Optional[str] = None,
        *,
        endpoint: str = ECS_METADATA_ENDPOINT,
        imdsv1_disabled: bool = False,
        transport: Optional[BaseTransport] = None,
        timeout: TimeoutLike = Timeout(connect=1.0, read=1.0),
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(transport, timeout, clock)
        self.role_name = role_name
        self.endpoint = endpoint.rstrip("/")
        self.imdsv1_disabled = imdsv1_disabled

    def _token_headers(self) -> dict[str, str]:
        try:
            response = self._send("PUT", self.endpoint + _TOKEN_PATH, {_TOKEN_TTL_HEADER: _TOKEN_TTL},
                                  "the metadata token request")
            failure = f"HTTP {response.status}"
        except CredentialsError as exc:
            response, failure = None, str(exc)
        if response is not None and response.status == 200 and response.body:
            return {_TOKEN_HEADER: response.body.decode("utf-8").strip()}
        if self.imdsv1_disabled:
            raise CredentialsError(f"the metadata token request failed ({failure}) and IMDSv1 is disabled")
        return {}

    def fetch(self) -> Credentials:
        role = self.role_name
        if not role:
            body = self._get(self.endpoint + _CREDENTIALS_PATH, self._token_headers(),
                             "the metadata role name request")
            role = body.decode("utf-8").strip()
            if not role:
                raise CredentialsError("the metadata service has no RAM role for this instance")
        body = self._get(self.endpoint + _CREDENTIALS_PATH + role, self._token_headers(),
                         "the metadata credentials request")
        return _credentials_from_body(body, self.provider_name, "the metadata service")

    @classmethod
    def from_environ(
        cls, environ: Optional[Mapping[str, str]] = None, **kwargs: Any
    ) -> "EcsRamRoleCredentialsProvider":
        """Configured by ALIBABA_CLOUD_ECS_METADATA (role) and ALIBABA_CLOUD_IMDSV1_DISABLED."""
        env = os.environ if environ is None else environ
        return cls(
            env.get("ALIBABA_CLOUD_ECS_METADATA") or None,
            imdsv1_disabled=env.get("ALIBABA_CLOUD_IMDSV1_DISABLED", "").lower() == "true",
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"EcsRamRoleCredentialsProvider(role_name={self.role_name!r}, endpoint={self.endpoint!r})"


class UriCredentialsProvider(_HttpCredentialsProvider):
    """Credentials served by a URL (``ALIBABA_CLOUD_CREDENTIALS_URI``)."""

    provider_name = "credentials_uri"

    def __init__(
        self,
        uri: str,
        *,
        transport: Optional[BaseTransport] = None,
        timeout: TimeoutLike = Timeout(connect=5.0, read=10.0),
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(transport, timeout, clock)
        if not uri:
            raise CredentialsError("the credentials URI must be non-empty")
        self.uri = uri

    def fetch(self) -> Credentials:
        body = self._get(self.uri, {}, "the credentials URI")
        return _credentials_from_body(body, self.provider_name, "the credentials URI")

    def __repr__(self) -> str:
        return "UriCredentialsProvider(uri=<set>)"

"""A signed JSON client of a running emulator's admin API (``<endpoint>/_emulator/...``).

What ``alicloud-storage ram`` and tests use to reach the admin routes: every request is
signed with ACS3-HMAC-SHA256 (the emulator verifies it with ``sts.verify``). Lives on the
library side so that callers need not import the emulator.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timezone
from typing import Any, Optional
from urllib.parse import urlsplit

from alicloud_storage.http import Request, Response, SyncTransport, Timeout
from alicloud_storage.sts.signature import acs3_authorization

__all__ = ["ADMIN_ACTION", "ADMIN_PREFIX", "ADMIN_VERSION", "AdminClient", "AdminError"]

ADMIN_PREFIX = "/_emulator"
ADMIN_ACTION = "EmulatorAdmin"  # the signed x-acs-action of every admin request (none of any real API)
ADMIN_VERSION = "emulator"  # its signed x-acs-version


class AdminError(Exception):
    """The emulator refused an admin request: its ``code``, ``message`` and HTTP ``status``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class AdminClient:
    """Signed requests to the admin routes of the emulator at ``endpoint`` (its Tablestore endpoint)."""

    def __init__(self, endpoint: str, access_key_id: str, access_key_secret: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._access_key_id = access_key_id
        self._secret = access_key_secret
        self._transport = SyncTransport(max_connections=1)

    def __repr__(self) -> str:
        return f"AdminClient(endpoint={self.endpoint!r}, access_key_id={self._access_key_id!r})"

    def send(self, method: str, path: str, payload: Optional[dict[str, Any]] = None) -> Response:
        """Send one signed request to ``ADMIN_PREFIX + path``; the raw answer. Raises TransportError."""
        url = self.endpoint + ADMIN_PREFIX + path
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {
            "host": urlsplit(url).netloc,
            "content-type": "application/json",
            "x-acs-action": ADMIN_ACTION,
            "x-acs-version": ADMIN_VERSION,
            "x-acs-date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        }
        headers["Authorization"] = acs3_authorization(
            self._access_key_id, self._secret, method, urlsplit(url).path, {}, headers
        )
        return self._transport.send(Request(method, url, headers, body), Timeout(5.0, 30.0))

    def call(self, method: str, path: str, payload: Optional[dict[str, Any]] = None) -> Any:
        """Send one signed request; the JSON answer. Raises AdminError (or TransportError)."""
        response = self.send(method, path, payload)
        try:
            answer = json.loads(response.body.decode("utf-8") or "{}")
        except ValueError:
            raise AdminError(
                response.status, str(response.status), f"the emulator answered HTTP {response.status} without JSON"
            ) from None
        if response.status != 200:
            raise AdminError(response.status, str(answer.get("Code", response.status)), str(answer.get("Message", "")))
        return answer

    def close(self) -> None:
        """Close the pooled connection."""
        self._transport.close()

    def __enter__(self) -> "AdminClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

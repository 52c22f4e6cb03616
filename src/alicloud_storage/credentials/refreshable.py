"""Cached temporary credentials refreshed before they expire (botocore-style windows).

* Before the advisory window: the cached snapshot is returned.
* In the advisory window: one caller refreshes (non-blocking try-lock); the others keep
  using the current snapshot; a failed refresh is logged and the snapshot kept.
* In the mandatory window (or with nothing cached): every caller waits for one refresh;
  a failure raises CredentialsError.

Exactly one refresh is in flight at a time: a ``threading.Lock`` for threads, an
``asyncio.Lock`` (one per event loop) for tasks. No thread lock is ever held by a
coroutine. Both windows shrink for short sessions so that a 900 s session is still
reused for most of its life.
"""
from __future__ import annotations

import abc
import logging
import threading
import time
import weakref
from typing import TYPE_CHECKING, Callable, Optional

from alicloud_storage.credentials.base import Credentials, CredentialsError, CredentialsProvider

if TYPE_CHECKING:  # asyncio is imported on first async use: sync programs never pay for it
    import asyncio

__all__ = ["RefreshableCredentialsProvider", "ADVISORY_REFRESH", "MANDATORY_REFRESH"]

logger = logging.getLogger(__name__)

ADVISORY_REFRESH = 15 * 60.0
MANDATORY_REFRESH = 10 * 60.0


class RefreshableCredentialsProvider(CredentialsProvider):
    """Base of providers whose credentials expire. Subclasses implement ``fetch`` (and
    ``fetch_async`` when they have a native async path)."""

    provider_name = "refreshable"

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        advisory_refresh: float = ADVISORY_REFRESH,
        mandatory_refresh: float = MANDATORY_REFRESH,
    ) -> None:
        if mandatory_refresh > advisory_refresh:
            raise ValueError("mandatory_refresh must not exceed advisory_refresh")
        self._clock = clock
        self._advisory = advisory_refresh
        self._mandatory = mandatory_refresh
        # (snapshot, fetched at): replaced as one object so readers never mix two refreshes
        self._entry: Optional[tuple[Credentials, float]] = None
        self._thread_lock = threading.Lock()
        self._async_locks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = (
            weakref.WeakKeyDictionary()
        )

    @abc.abstractmethod
    def fetch(self) -> Credentials:
        """Obtain new credentials (with ``expiration``); raise CredentialsError on failure."""

    async def fetch_async(self) -> Credentials:
        """Async ``fetch``; by default the blocking one runs in the loop's executor."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, self.fetch)

    # ---- windows -------------------------------------------------------------------------

    def _state(self) -> tuple[str, Optional[Credentials]]:
        """('fresh' | 'advisory' | 'mandatory', current snapshot) at the clock's now."""
        entry = self._entry
        if entry is None:
            return "mandatory", None
        creds, fetched_at = entry
        if creds.expiration is None:
            return "fresh", creds
        lifetime = max(creds.expiration - fetched_at, 0.0)
        now = self._clock()
        if now >= creds.expiration - min(self._mandatory, lifetime / 3):
            return "mandatory", creds
        if now >= creds.expiration - min(self._advisory, lifetime / 2):
            return "advisory", creds
        return "fresh", creds

    def _store(self, creds: Credentials) -> Credentials:
        now = self._clock()
        if creds.expiration is not None and creds.expiration <= now:
            raise CredentialsError(f"{self.provider_name} returned credentials that are already expired")
        self._entry = (creds, now)
        return creds

    def _advisory_failed(self, exc: Exception) -> None:
        logger.warning(
            "refreshing credentials from %s failed, still using the current ones: %s",
            self.provider_name, exc,
        )

    # ---- sync ----------------------------------------------------------------------------

    def get_credentials(self) -> Credentials:
        state, creds = self._state()
        if state == "fresh" and creds is not None:
            return creds
        if state == "advisory":
            if self._thread_lock.acquire(blocking=False):
                try:
                    if self._state()[0] == "advisory":
                        self._store(self.fetch())
                except CredentialsError as exc:
                    self._advisory_failed(exc)
                finally:
                    self._thread_lock.release()
            state, creds = self._state()
            if state != "mandatory" and creds is not None:
                return creds
        with self._thread_lock:
            state, creds = self._state()
            if state == "mandatory" or creds is None:
                return self._store(self.fetch())
            return creds

    # ---- async ---------------------------------------------------------------------------

    def _async_lock(self) -> "asyncio.Lock":
        import asyncio

        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            lock = self._async_locks.setdefault(loop, asyncio.Lock())
        return lock

    async def get_credentials_async(self) -> Credentials:
        state, creds = self._state()
        if state == "fresh" and creds is not None:
            return creds
        lock = self._async_lock()
        if state == "advisory":
            if not lock.locked():
                async with lock:
                    try:
                        if self._state()[0] == "advisory":
                            self._store(await self.fetch_async())
                    except CredentialsError as exc:
                        self._advisory_failed(exc)
            state, creds = self._state()
            if state != "mandatory" and creds is not None:
                return creds
        async with lock:
            state, creds = self._state()
            if state == "mandatory" or creds is None:
                return self._store(await self.fetch_async())
            return creds

"""Checkpoint files: what a re-run after a crash needs to skip the parts already done.

A checkpoint is a small JSON file named after a hash of what it describes (the bucket,
key, local file, its size and modification time, the part size); it holds the upload id
or the object's ETag and every finished part with its CRC-64. It is rewritten (atomically)
after each part, removed once the transfer completes, and ignored when anything differs.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

__all__ = ["Checkpoint", "DonePart"]

_MAGIC = "alicloud-storage-oss-transfer-1"


@dataclass
class DonePart:
    """A finished part: number, ETag (uploads) and CRC-64 of its bytes."""

    number: int
    crc64: int
    etag: str = ""


@dataclass
class Checkpoint:
    """The state of one resumable transfer, saved after each part when ``path`` is set."""

    identity: Dict[str, Any]
    path: Optional[str] = None
    upload_id: str = ""
    parts: Dict[int, DonePart] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def open(cls, directory: Optional[str], suffix: str, identity: Dict[str, Any], enabled: bool) -> "Checkpoint":
        """The saved state for ``identity`` when enabled and present; a fresh one otherwise."""
        if not enabled:
            return cls(identity)
        name = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32] + suffix
        path = os.path.join(directory or tempfile.gettempdir(), name)
        try:
            with open(path, encoding="utf-8") as file:
                saved = json.load(file)
            if saved.get("magic") == _MAGIC and saved.get("identity") == identity:
                parts = {int(p["number"]): DonePart(int(p["number"]), int(p["crc64"]), p.get("etag", ""))
                         for p in saved.get("parts", [])}
                return cls(identity, path, str(saved.get("upload_id", "")), parts)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return cls(identity, path)

    def done(self, part: DonePart) -> None:
        """Record a finished part (and save)."""
        with self._lock:
            self.parts[part.number] = part
            self._save()

    def start(self, upload_id: str) -> None:
        """Record the multipart upload id (and save)."""
        with self._lock:
            self.upload_id = upload_id
            self.parts.clear()
            self._save()

    def sorted_parts(self) -> List[DonePart]:
        """The finished parts by number."""
        with self._lock:
            return [self.parts[n] for n in sorted(self.parts)]

    def remove(self) -> None:
        """Forget the transfer (it completed, or its saved state no longer applies)."""
        if self.path is not None:
            try:
                os.remove(self.path)
            except FileNotFoundError:
                pass

    def _save(self) -> None:
        if self.path is None:
            return
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        document = {"magic": _MAGIC, "identity": self.identity, "upload_id": self.upload_id,
                    "parts": [{"number": p.number, "crc64": p.crc64, "etag": p.etag}
                              for p in sorted(self.parts.values(), key=lambda p: p.number)]}
        partial = f"{self.path}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(partial, "w", encoding="utf-8") as file:
            json.dump(document, file)
        os.replace(partial, self.path)

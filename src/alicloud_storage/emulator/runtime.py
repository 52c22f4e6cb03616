"""The state one Emulator's services share: account, RAM, clock, request ids, faults, nonces."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from alicloud_storage.emulator.config import EmulatorSettings
from alicloud_storage.emulator.faults import FaultInjector
from alicloud_storage.emulator.ram import Iam
from alicloud_storage.sts.verify import NonceCache

__all__ = ["RequestIds", "Runtime"]


class RequestIds:
    """Request ids (UUID-shaped, lower-case hex) drawn from the Emulator's seeded generator."""

    def __init__(self, seed: Optional[int]) -> None:
        self._seed = seed
        self._rng = random.Random(seed)

    def next(self) -> str:
        """A fresh request id."""
        text = f"{self._rng.getrandbits(128):032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def reset(self) -> None:
        """Start the sequence again from the seed (a new random one when unseeded)."""
        self._rng.seed(self._seed)


@dataclass(frozen=True)
class Runtime:
    """Everything of one Emulator a service may use; nothing here is a module global."""

    settings: EmulatorSettings
    iam: Iam
    clock: Callable[[], float]
    ids: RequestIds
    faults: FaultInjector
    nonces: NonceCache
    data_dir: Optional[Path]

    def reset(self) -> None:
        """RAM back to the configured state (sessions dropped), no faults, no nonces, ids from the seed."""
        self.iam.reset(self.settings.ram)
        self.faults.clear()
        self.nonces.clear()
        self.ids.reset()

"""Build the optional C PlainBuffer codec; everything else is in pyproject.toml.

Without a working compiler (or with any build failure) the installation still
succeeds: the extension is left out and the pure-Python codec is used.
"""
from __future__ import annotations

import sys
from typing import Any

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing: the extension is only an accelerator."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler at all, or the compiler setup failed
            self._skip(exc)

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # this extension failed to compile or link
            self._skip(exc)

    @staticmethod
    def _skip(exc: Exception) -> None:
        print(
            f"warning: the C PlainBuffer codec was not built ({type(exc).__name__}: {exc}); "
            "the pure-Python codec will be used",
            file=sys.stderr,
        )


setup(
    ext_modules=[
        Extension(
            "alicloud_storage.tablestore.wire._plainbuffer",
            ["src/alicloud_storage/tablestore/wire/_plainbuffer.c"],
            optional=True,
        )
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)

"""The installed version of the library, read from package metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["VERSION"]

try:
    VERSION = version("pathway-model")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    VERSION = "0+unknown"

"""The library's version: the one place it is written (the build reads it from here)."""

from __future__ import annotations

__all__ = ["VERSION"]

VERSION = "0.1.0.dev0"

"""Citations: the code and the docs cite the docs' own pages, never a file outside them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: How a citation of the project's design brief or domain notes (files that are not in
#: the repository) reads: "REFERENCE §2", "DESIGN.md", "shared/domain/MHSDS.md", ...
OUTSIDE = re.compile(
    r"\b(?:REFERENCE|DESIGN|MHSDS)(?:\.md)?\s*§|\b(?:REFERENCE|DESIGN|MHSDS)\.md\b"
    r"|\bshared/(?:design|domain)\b"
)
#: Words that mark a comment as out of date once the thing it promises has shipped.
STALE = re.compile(r"\bFHIR R4 to come\b|\bis planned, not yet in the library\b")


def _texts() -> list[Path]:
    folders = ("src", "docs", "examples", "benchmarks", "tests")
    found = [p for folder in folders for p in (ROOT / folder).rglob("*") if p.is_file()]
    found += [ROOT / "README.md"]
    return sorted(
        path
        for path in found
        if path.suffix in {".py", ".md"}
        and path != Path(__file__).resolve()
        and path.name != "changelog.md"  # the history says what was, in its own words
    )


class TestCitations:
    @pytest.mark.parametrize("path", _texts(), ids=lambda p: str(p.relative_to(ROOT)))
    def test_cites_only_pages_of_the_docs(self, path: Path) -> None:
        """A docstring, comment or page names a docs page, never a file outside the repository."""
        text = path.read_text(encoding="utf-8")

        assert [] == OUTSIDE.findall(text)

    @pytest.mark.parametrize("path", _texts(), ids=lambda p: str(p.relative_to(ROOT)))
    def test_promises_nothing_that_has_shipped(self, path: Path) -> None:
        """No comment still promises, as to come, something the library now does."""
        text = path.read_text(encoding="utf-8")

        assert [] == STALE.findall(text)

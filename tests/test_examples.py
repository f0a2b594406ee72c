"""The bundled example and every Python example in the README and docs run as shown."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
DOCS = sorted((ROOT / "docs").rglob("*.md"))


def _blocks(path: Path) -> list[str]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


class TestBundledExample:
    def test_the_example_runs_and_reports_a_clean_record(self) -> None:
        """The Quickstart's example exits 0 and says the record has no problems."""
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "medium_secure.py")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "no problems found" in result.stdout
        assert "stage: Medium secure at Northfield MSU since 2024-01-08" in result.stdout

    def test_the_example_record_is_valid_on_the_secure_pathway(self) -> None:
        """The example's record passes every check against its definition."""
        from pathway_model import check_pathway
        from pathway_model.catalogue import SECURE_PATHWAY

        example = runpy.run_path(str(ROOT / "examples" / "medium_secure.py"))
        assert check_pathway(example["build_pathway"](), SECURE_PATHWAY) == ()


@pytest.mark.parametrize(
    "page",
    [ROOT / "README.md", *DOCS],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_python_examples_run(page: Path) -> None:
    """Each page's Python blocks, run in order in one namespace, raise nothing."""
    namespace: dict[str, object] = {"__name__": f"example:{page.name}"}
    for block in _blocks(page):
        exec(compile(block, str(page), "exec"), namespace)

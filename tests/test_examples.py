"""The bundled example and every Python example in the README and docs run as shown."""

from __future__ import annotations

import contextlib
import io
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: A Python block and, when the next thing on the page is a text block, its output.
BLOCK = re.compile(
    r"^```python\n(?P<code>.*?)^```\n(?:\s*\n)*(?:^```text\n(?P<output>.*?)^```)?",
    re.MULTILINE | re.DOTALL,
)
DOCS = sorted((ROOT / "docs").rglob("*.md"))


def _blocks(path: Path) -> list[tuple[str, str | None]]:
    return [
        (match["code"], match["output"])
        for match in BLOCK.finditer(path.read_text(encoding="utf-8"))
    ]


class TestBundledExample:
    def test_the_example_runs_and_explains_its_decision(self) -> None:
        """The Quickstart's example exits 0 and explains the decision to both audiences."""
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "medium_secure.py")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Status: READY since 2024-09-27 (110 days beyond readiness)." in result.stdout
        assert "You have been ready since 27 September 2024." in result.stdout

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
def test_python_examples_run_and_print_what_the_page_shows(page: Path) -> None:
    """Each page's Python blocks run in order in one namespace and print the text shown."""
    namespace: dict[str, object] = {"__name__": f"example:{page.name}"}
    for code, output in _blocks(page):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(page), "exec"), namespace)
        if output is not None:
            assert output.rstrip() == printed.getvalue().rstrip()

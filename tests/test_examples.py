"""The bundled example and every Python example in the README and docs run as shown.

Only the pages in ``EXAMPLE_PAGES`` are run, and the list is checked both ways: a listed
page that has lost its examples fails, and so does a page that gains one without being
listed (add it to the list). The site's own settings are checked too: what the home page
says exists and how to install, the API reference's layout, and code kept within the
content column.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pathway_model as pm

ROOT = Path(__file__).resolve().parents[1]
#: A Python block and, when the next thing on the page is a text block, its output.
BLOCK = re.compile(
    r"^```python\n(?P<code>.*?)^```\n(?:\s*\n)*(?:^```text\n(?P<output>.*?)^```)?",
    re.MULTILINE | re.DOTALL,
)
#: Any fence that opens Python code, however it is indented or spelt.
PYTHON_FENCE = re.compile(
    r"^[ \t]*(?:```|~~~)[ \t]*\{?\.?(?:python|py|pycon|python3)\b", re.MULTILINE
)
#: The pages that carry Python examples: each must have one, and every other page has none.
EXAMPLE_PAGES = (
    "README.md",
    "docs/explanation/cohort-measures.md",
    "docs/explanation/design-decisions.md",
    "docs/explanation/json-format.md",
    "docs/explanation/readiness.md",
    "docs/explanation/recorded-readiness.md",
    "docs/explanation/synthetic-cohorts.md",
    "docs/how-to/cds-hooks-service.md",
    "docs/how-to/booklet.md",
    "docs/how-to/define-a-framework.md",
    "docs/how-to/fhir.md",
    "docs/how-to/handle-errors.md",
    "docs/how-to/json-definitions.md",
    "docs/how-to/national-report.md",
    "docs/index.md",
    "docs/reference/booklet.md",
    "docs/reference/plot.md",
    "docs/reference/scoring-dundrum.md",
    "docs/reference/scoring-honos.md",
    "docs/reference/stats.md",
    "docs/reference/synthetic.md",
    "docs/tutorial/benchmark-your-service.md",
    "docs/tutorial/epr-vendor.md",
    "docs/tutorial/first-pathway.md",
    "docs/tutorial/mhsds-benchmark.md",
    "docs/tutorial/score-a-service.md",
)


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


def _pages_with_python() -> list[str]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [
        str(page.relative_to(ROOT).as_posix())
        for page in pages
        if PYTHON_FENCE.search(page.read_text(encoding="utf-8"))
    ]


class TestExamplePages:
    def test_the_pages_with_python_are_exactly_the_listed_pages(self) -> None:
        """Every page with a Python block is run, and no page expected to have one has lost it."""
        assert sorted(EXAMPLE_PAGES) == _pages_with_python()

    @pytest.mark.parametrize("page", EXAMPLE_PAGES)
    def test_every_python_block_on_the_page_is_run(self, page: str) -> None:
        """Each listed page has Python blocks, and every one is found (none hidden by indenting)."""
        text = (ROOT / page).read_text(encoding="utf-8")
        found = len(_blocks(ROOT / page))
        assert (True, found) == (found > 0, len(PYTHON_FENCE.findall(text)))


def _run(page: str) -> dict[str, object]:
    """Run a page's Python blocks in order in one namespace, checking each shown output."""
    path = ROOT / page
    blocks = _blocks(path)
    assert blocks, f"{page} should carry Python examples and has none"
    namespace: dict[str, object] = {"__name__": f"example:{path.name}"}
    for code, output in blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(path), "exec"), namespace)
        if output is not None:
            assert output.rstrip() == printed.getvalue().rstrip()
    return namespace


@pytest.mark.parametrize("page", EXAMPLE_PAGES)
def test_python_examples_run_and_print_what_the_page_shows(page: str) -> None:
    """Each page's Python blocks run in order in one namespace and print the text shown."""
    assert _run(page)


class TestBenchmarkTutorial:
    PAGE = "docs/tutorial/benchmark-your-service.md"

    def test_the_stated_medium_secure_stays_are_those_of_the_table_and_the_picture(
        self,
    ) -> None:
        """The length-of-stay picture's count of medium secure stays, as the page states it,
        is the report's count of admissions and the count in the picture's legend."""
        namespace = _run(self.PAGE)
        report: Any = namespace["report"]
        chart: Any = namespace["chart"]
        legend = {
            line.get_label().split(":")[0]: int(line.get_label().split(":")[1].split()[0])
            for line in chart.get_lines()
            if str(line.get_gid()).startswith("km-")
        }
        prose = re.sub(r"```.*?```", "", (ROOT / self.PAGE).read_text(encoding="utf-8"), flags=re.S)
        stated = [
            int(count.replace(",", ""))
            for count in re.findall(r"([0-9][0-9,]*) medium\s+secure\s+stays?\b", prose)
        ]
        admissions = report.group(None, "medium_secure").admissions
        assert ([admissions], admissions) == (stated, legend["Medium secure"])


def _site_setting(name: str) -> str | None:
    """A setting's value as mkdocs.yml writes it (the first ``name: value`` line), if any."""
    found = re.search(
        rf"^\s*{name}:\s*(.*?)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M
    )
    return None if found is None else found[1]


def _docstrings() -> dict[str, str]:
    """The docstrings the API reference renders: each public name's and its members'."""
    found: dict[str, str] = {}
    for name in pm.__all__:
        value = getattr(pm, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        found[name] = inspect.getdoc(value) or ""
        if inspect.isclass(value):
            for member, attribute in vars(value).items():
                target = attribute.fget if isinstance(attribute, property) else attribute
                if member.startswith("_") or not callable(target):
                    continue
                found[f"{name}.{member}"] = inspect.getdoc(target) or ""
    return found


def _split_returns(docstring: str) -> bool:
    """Whether a Returns or Yields section has a line at its first line's indent after it.

    In Google style a wrapped description is indented under its first line; a line at
    the same indent starts another returned value, and the reference shows a row each.
    """
    lines = docstring.splitlines()
    for index, line in enumerate(lines):
        if line.strip() not in {"Returns:", "Yields:"}:
            continue
        header = len(line) - len(line.lstrip())
        body = []
        for following in lines[index + 1 :]:
            indent = len(following) - len(following.lstrip())
            if not following.strip() or indent <= header:
                break
            body.append(indent)
        if body and body.count(body[0]) > 1:
            return True
    return False


class TestSite:
    HOME = ROOT / "docs" / "index.md"

    def test_the_home_page_names_as_available_what_the_package_provides(self) -> None:
        """Cohorts, FHIR and the command line are listed as available, and nothing as planned."""
        text = self.HOME.read_text(encoding="utf-8")
        status = text[text.index("## Status") : text.index("## Where to go next")]
        assert (False, True, True, True) == (
            "planned" in status.lower(),
            "cohort measures" in status,
            "FHIR R4" in status,
            "`pathway-model` command" in status,
        )

    def test_install_commands_install_from_a_clone_until_a_release_exists(self) -> None:
        """Each pip command in a code block installs the clone, not a name no index serves."""
        pages = [ROOT / "README.md", self.HOME, *sorted((ROOT / "docs" / "tutorial").glob("*.md"))]
        commands = [
            (page.relative_to(ROOT).as_posix(), command.strip())
            for page in pages
            for block in re.findall(
                r"^```[a-z]*\n(.*?)^```", page.read_text(encoding="utf-8"), re.M | re.S
            )
            for command in re.findall(r"pip install ([^\n&]*)", block)
        ]
        assert commands
        assert [] == [
            (page, command)
            for page, command in commands
            if not re.fullmatch(r'(-e )?(\.|"\.\[[a-z,]+\]")', command)
        ]

    def test_the_docs_extra_installs_the_signature_formatter(self) -> None:
        """Signatures are laid out on separate lines, and the docs extra installs the formatter."""
        project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        docs_extra = re.search(r"^docs = \[(.*?)^\]", project, re.M | re.S)
        assert docs_extra is not None
        formatters = re.findall(r'^\s*"(black|ruff)\b', docs_extra[1], re.M)
        assert ("true", True) == (_site_setting("separate_signature"), bool(formatters))

    def test_a_wrapped_returns_description_is_one_row_of_the_reference(self) -> None:
        """A Returns section is read as one value, so its wrapped lines never become rows."""
        split = sorted(name for name, text in _docstrings().items() if _split_returns(text))
        one_value = _site_setting("returns_multiple_items") == "false"
        assert [] == ([] if one_value else split)

    def test_the_check_finds_a_description_wrapped_at_its_first_lines_indent(self) -> None:
        """A description continued at its first line's indent is found; one indented is not."""
        wrapped = "Do it.\n\nReturns:\n    The rows, one per provider,\n    then one for all.\n"
        indented = (
            "Do it.\n\nReturns:\n    The rows, one per provider,\n        then one for all.\n"
        )
        assert (True, False) == (_split_returns(wrapped), _split_returns(indented))

    def test_code_blocks_wrap_within_the_content_column(self) -> None:
        """The site's extra style sheet wraps code blocks and lets tables scroll in the column."""
        listed = re.search(
            r"^extra_css:\n((?:[ ]+- .*\n)+)",
            (ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
            re.M,
        )
        paths = [] if listed is None else [line.strip()[2:] for line in listed[1].splitlines()]
        css = "".join((ROOT / "docs" / path).read_text(encoding="utf-8") for path in paths)
        rules = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
        code = " ".join(body for selector, body in rules if "pre > code" in selector)
        tables = " ".join(body for selector, body in rules if "table" in selector)
        assert (True, True) == ("white-space: pre-wrap" in code, "overflow-x: auto" in tables)

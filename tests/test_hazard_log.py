"""The clinical safety hazard log is complete, and every test it names exists.

``docs/safety/hazard-log.md`` is read as data: each hazard must have its causes,
effect, possible harm, ratings, controls and status; each control must name at least one
test as a pytest node id; every node id must resolve to a test function in the suite
(with its parameter id, where one is given); and every rating must follow the risk
matrix. Renaming or removing a test the log names makes this module fail.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

# The test modules named below reach pathway_model.io through the package's attributes,
# which exist once the module is imported; import it here so each resolves on its own.
import pathway_model.io  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "safety" / "hazard-log.md"

SEVERITIES = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOODS = ("very high", "high", "medium", "low", "very low")
#: Risk rating by likelihood (rows, most likely first) and severity (columns, least first).
MATRIX = {
    "very high": (3, 4, 4, 5, 5),
    "high": (2, 3, 3, 4, 5),
    "medium": (2, 2, 3, 3, 4),
    "low": (1, 2, 2, 3, 4),
    "very low": (1, 1, 2, 2, 3),
}
FIELDS = (
    "Causes",
    "Effect",
    "Possible harm",
    "Initial risk",
    "Controls",
    "Open issues",
    "Left to the deployer",
    "Residual risk",
    "Status",
)
REQUIRED = ("Causes", "Effect", "Possible harm", "Initial risk", "Controls", "Residual risk")

_HEADING = re.compile(r"^### (H-[0-9]{2}) (.+?) \{#(h-[0-9]{2})\}$", re.MULTILINE)
_FIELD = re.compile(r"^\*\*(" + "|".join(FIELDS) + r")\.\*\*", re.MULTILINE)
_CONTROL = re.compile(r"- \*\*(C-[0-9]{2}\.[0-9]+) \((design|test|documentation)\)\*\* ")
_NODE = re.compile(r"`(tests/[A-Za-z0-9_/]+\.py::[^`\s]+)`")
_RISK = re.compile(
    r"Severity: (" + "|".join(SEVERITIES) + r"); likelihood: (" + "|".join(LIKELIHOODS) + r"); "
    r"rating: ([1-5])\."
)
_STATUS = re.compile(r"(Controlled|Open)\b")
_SUMMARY_ROW = re.compile(
    r"^\| \[(H-[0-9]{2})\]\(#(h-[0-9]{2})\) \| (.+?) \| ([1-5]) \| ([1-5]) \| (\w+) \|$",
    re.MULTILINE,
)


@attrs.frozen(kw_only=True)
class Risk:
    """A rating as the page gives it."""

    severity: str
    likelihood: str
    rating: int


@attrs.frozen(kw_only=True)
class Control:
    """One control of a hazard, with the tests the page names for it."""

    id: str
    kind: str
    text: str
    tests: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Hazard:
    """One entry of the log."""

    id: str
    title: str
    anchor: str
    fields: dict[str, str]
    controls: tuple[Control, ...]

    @property
    def open_issue_tests(self) -> tuple[str, ...]:
        return tuple(_NODE.findall(self.fields.get("Open issues", "")))

    @property
    def status(self) -> str:
        match = _STATUS.match(self.fields.get("Status", ""))
        return "" if match is None else match[1]

    def risk(self, field: str) -> Risk | None:
        match = _RISK.search(self.fields.get(field, ""))
        if match is None:
            return None
        return Risk(severity=match[1], likelihood=match[2], rating=int(match[3]))


def _bullets(text: str) -> list[str]:
    """The items of a Markdown list, each with its continuation lines joined."""
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


def _controls(text: str) -> tuple[Control, ...]:
    controls = []
    for item in _bullets(text):
        match = _CONTROL.match(item)
        controls.append(
            Control(
                id="" if match is None else match[1],
                kind="" if match is None else match[2],
                text=item,
                tests=tuple(_NODE.findall(item)),
            )
        )
    return tuple(controls)


@functools.cache
def page() -> str:
    return PAGE.read_text(encoding="utf-8")


@functools.cache
def hazards() -> tuple[Hazard, ...]:
    """Every entry of the log, in page order."""
    text = page()
    headings = list(_HEADING.finditer(text))
    end_of_hazards = text.index("\n## ", headings[-1].end()) if headings else len(text)
    found = []
    for number, heading in enumerate(headings):
        stop = headings[number + 1].start() if number + 1 < len(headings) else end_of_hazards
        body = text[heading.end() : stop]
        marks = list(_FIELD.finditer(body))
        fields = {
            mark[1]: body[mark.end() : marks[n + 1].start() if n + 1 < len(marks) else None].strip()
            for n, mark in enumerate(marks)
        }
        found.append(
            Hazard(
                id=heading[1],
                title=heading[2],
                anchor=heading[3],
                fields=fields,
                controls=_controls(fields.get("Controls", "")),
            )
        )
    return tuple(found)


def controls() -> list[Control]:
    return [control for hazard in hazards() for control in hazard.controls]


def named_tests() -> list[str]:
    """Every node id the page names, once each, in page order."""
    return list(dict.fromkeys(_NODE.findall(page())))


def _default_id(value: object, name: str, index: int) -> str:
    """The id pytest gives a parameter value when it is given no ids."""
    if isinstance(value, enum.Enum):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return str(value)
    return f"{name}{index}"


def _mark_ids(mark: Any) -> list[str]:
    """The ids of one ``parametrize`` mark, as pytest makes them."""
    argnames, values = mark.args[0], list(mark.args[1])
    names = [n.strip() for n in argnames.split(",")] if isinstance(argnames, str) else argnames
    ids = mark.kwargs.get("ids")
    labels = []
    for index, value in enumerate(values):
        if type(value).__name__ == "ParameterSet":  # pytest.param(...)
            if value.id is not None:
                labels.append(str(value.id))
                continue
            parts = tuple(value.values)
        else:
            parts = tuple(value) if len(names) > 1 else (value,)
        if ids is not None and not callable(ids):
            labels.append(str(list(ids)[index]))
            continue
        words = []
        for name, part in zip(names, parts, strict=True):
            word = ids(part) if callable(ids) else None
            words.append(_default_id(part, name, index) if word is None else str(word))
        labels.append("-".join(words))
    return labels


def parameter_ids(function: Callable[..., object]) -> set[str]:
    """Every parameter id of a test function, in either order of its ``parametrize`` marks."""
    marks = [mark for mark in getattr(function, "pytestmark", []) if mark.name == "parametrize"]
    per_mark = [_mark_ids(mark) for mark in marks]
    combined: set[str] = set()
    for order in (per_mark, per_mark[::-1]):
        combined |= {"-".join(labels) for labels in itertools.product(*order)}
    return combined if marks else set()


def resolve(node: str) -> Callable[..., object]:
    """The test function a node id names, or an error saying what is missing."""
    path, *names = node.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    *scope, last = names
    owner: object = module
    for name in scope:
        owner = getattr(owner, name)
    name, bracket, params = last.partition("[")
    function: Callable[..., object] = getattr(owner, name)
    if bracket:
        ids = parameter_ids(function)
        if params.removesuffix("]") not in ids:
            msg = f"{node}: no parameter id {params[:-1]!r}; known: {sorted(ids)}"
            raise LookupError(msg)
    return function


def _is_expected_failure(function: Callable[..., object]) -> bool:
    return any(mark.name == "xfail" for mark in getattr(function, "pytestmark", []))


class TestEntries:
    def test_at_least_twelve_hazards_numbered_in_order(self) -> None:
        """The log has at least 12 hazards, H-01, H-02, ... with nothing skipped."""
        ids = [hazard.id for hazard in hazards()]
        assert len(ids) >= 12
        assert [f"H-{n:02d}" for n in range(1, len(ids) + 1)] == ids

    def test_anchors_match_the_ids(self) -> None:
        """Each hazard's anchor is its id in lower case, so links to #h-01 keep working."""
        assert [h.id.lower() for h in hazards()] == [h.anchor for h in hazards()]

    @pytest.mark.parametrize("field", REQUIRED)
    def test_every_hazard_has_each_required_field(self, field: str) -> None:
        """Causes, effect, possible harm, both ratings and controls are present and not empty."""
        missing = [hazard.id for hazard in hazards() if not hazard.fields.get(field)]
        assert [] == missing

    def test_every_hazard_has_a_status_of_controlled_or_open(self) -> None:
        """The status is one of the two the page defines."""
        assert [] == [hazard.id for hazard in hazards() if not hazard.status]

    def test_every_hazard_has_at_least_one_control(self) -> None:
        """No hazard is left without a control."""
        assert [] == [hazard.id for hazard in hazards() if not hazard.controls]


class TestControls:
    def test_every_control_is_an_identified_item_of_a_known_kind(self) -> None:
        """Each item under Controls starts '**C-nn.m (design|test|documentation)**'."""
        assert [] == [control.text[:60] for control in controls() if not control.id]

    def test_control_ids_are_numbered_within_their_hazard(self) -> None:
        """H-04's controls are C-04.1, C-04.2, ... in order."""
        wrong = {
            hazard.id: [control.id for control in hazard.controls]
            for hazard in hazards()
            if [control.id for control in hazard.controls]
            != [f"C-{hazard.id[2:]}.{n}" for n in range(1, len(hazard.controls) + 1)]
        }
        assert {} == wrong

    def test_every_control_names_at_least_one_test(self) -> None:
        """A control with no test is not shown to work."""
        assert [] == [control.id for control in controls() if not control.tests]

    def test_no_control_rests_on_an_expected_failure(self) -> None:
        """A test marked xfail shows an open issue, never a working control."""
        failing = [
            node
            for control in controls()
            for node in control.tests
            if _is_expected_failure(resolve(node))
        ]
        assert [] == failing


class TestNamedTests:
    @pytest.mark.parametrize("node", named_tests())
    def test_every_named_test_exists(self, node: str) -> None:
        """The node id resolves to a test function of the suite (with its parameter id)."""
        function = resolve(node)
        assert (True, True) == (
            inspect.isfunction(inspect.unwrap(function)),
            function.__name__.startswith("test_"),
        )

    def test_the_resolver_fails_on_a_renamed_test(self) -> None:
        """A node id whose test no longer exists raises, so the check above would fail."""
        with pytest.raises(AttributeError):
            resolve("tests/test_hazards.py::TestH01StaleReview::test_no_such_test")

    def test_the_resolver_fails_on_an_unknown_parameter_id(self) -> None:
        """A parameter id that the test does not have raises."""
        with pytest.raises(LookupError, match="no-such-scenario"):
            resolve("tests/test_scenarios.py::TestScenarios::test_status[no-such-scenario]")

    def test_every_hazard_test_is_named_in_the_log(self) -> None:
        """Each test in tests/test_hazards.py belongs to a control or an open issue."""
        module = importlib.import_module("tests.test_hazards")
        defined = {
            f"tests/test_hazards.py::{name}::{test}"
            for name, cls in vars(module).items()
            if name.startswith("TestH") and inspect.isclass(cls)
            for test in vars(cls)
            if test.startswith("test_")
        }
        named = {node.partition("[")[0] for node in named_tests()}
        assert set() == defined - named

    def test_every_open_issue_test_is_an_expected_failure(self) -> None:
        """The test of an open issue is marked xfail until the issue is fixed."""
        nodes = [node for hazard in hazards() for node in hazard.open_issue_tests]
        assert [] == [node for node in nodes if not _is_expected_failure(resolve(node))]


class TestRatings:
    def test_the_page_shows_the_matrix_checked_here(self) -> None:
        """The matrix table on the page is the one the ratings are checked against."""
        rows = re.findall(
            r"^\| \*\*(very high|high|medium|low|very low)\*\* \| (.+) \|$", page(), re.MULTILINE
        )
        shown = {label: tuple(int(cell) for cell in cells.split(" | ")) for label, cells in rows}
        assert MATRIX == shown

    @pytest.mark.parametrize("field", ["Initial risk", "Residual risk"])
    def test_every_rating_follows_the_matrix(self, field: str) -> None:
        """Each rating is the matrix's cell for its severity and likelihood."""
        wrong = {}
        for hazard in hazards():
            risk = hazard.risk(field)
            expected = None
            if risk is not None:
                expected = MATRIX[risk.likelihood][SEVERITIES.index(risk.severity)]
            if risk is None or risk.rating != expected:
                wrong[hazard.id] = risk
        assert {} == wrong

    def test_controls_never_raise_a_risk(self) -> None:
        """The residual rating is at most the initial rating."""
        raised = [
            hazard.id
            for hazard in hazards()
            if (initial := hazard.risk("Initial risk")) is not None
            and (residual := hazard.risk("Residual risk")) is not None
            and residual.rating > initial.rating
        ]
        assert [] == raised

    def test_the_status_follows_from_the_residual_risk_and_open_issues(self) -> None:
        """Controlled means a residual rating of 2 or less and no open issue; else Open."""
        wrong = []
        for hazard in hazards():
            residual = hazard.risk("Residual risk")
            controlled = (
                residual is not None and residual.rating <= 2 and "Open issues" not in hazard.fields
            )
            if hazard.status != ("Controlled" if controlled else "Open"):
                wrong.append(hazard.id)
        assert [] == wrong

    def test_the_summary_agrees_with_the_entries(self) -> None:
        """The summary table gives each hazard's id, title, ratings and status as its entry."""
        summary = [
            (row[1], row[2], row[3], int(row[4]), int(row[5]), row[6])
            for row in _SUMMARY_ROW.finditer(page())
        ]
        entries = []
        for hazard in hazards():
            initial, residual = hazard.risk("Initial risk"), hazard.risk("Residual risk")
            entries.append(
                (
                    hazard.id,
                    hazard.anchor,
                    hazard.title,
                    0 if initial is None else initial.rating,
                    0 if residual is None else residual.rating,
                    hazard.status,
                )
            )
        assert entries == summary

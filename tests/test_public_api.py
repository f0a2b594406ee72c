"""The public surface: the root and each public subpackage, exactly what `__all__` names."""

from __future__ import annotations
import __future__

import ast
import importlib
import importlib.metadata
import inspect
import itertools
import re
import subprocess
import sys
from enum import Enum
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import pathway_model as pm

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "pathway_model"
PUBLIC = [name for name in pm.__all__ if name != "__version__"]

#: Each public subpackage, and the public names it imports for its own use (not exports).
SUBPACKAGES: dict[str, frozenset[str]] = {
    "pathway_model.booklet": frozenset(),
    "pathway_model.catalogue": frozenset(
        {"OutcomeFramework", "Pathway", "PathwayDefinition", "UnknownCodeError"}
    ),
    "pathway_model.fhir": frozenset(),
    "pathway_model.mhsds": frozenset(),
    "pathway_model.plot": frozenset(),
    "pathway_model.records": frozenset({"MAX_DOCUMENT_BYTES"}),
    "pathway_model.scoring": frozenset(),
    "pathway_model.scoring.frames": frozenset(),
    "pathway_model.service": frozenset(),
    "pathway_model.spark": frozenset(),
    "pathway_model.stats": frozenset(),
    "pathway_model.synthetic": frozenset(),
}
#: Modules whose public names are the ones they define: their imports are all for their own use.
DEFINING = frozenset({"pathway_model.plot"})

SURFACE = [
    (module, name)
    for module in ["pathway_model", *SUBPACKAGES]
    for name in importlib.import_module(module).__all__
    if name != "__version__"
]


def _bound_names(module: ModuleType) -> set[str]:
    """Public names a module binds, less submodules and ``__future__`` features."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)
    }


def _value(module_name: str, name: str) -> object:
    """The object a public name stands for."""
    return getattr(importlib.import_module(module_name), name)


def _defined_names(module: ModuleType) -> set[str]:
    """Public names a module's own top-level statements define (not its imports)."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_") and name != "__all__"}


def _exported(module_name: str) -> set[str]:
    """The public names a module offers: what `__all__` must list, exactly."""
    module = importlib.import_module(module_name)
    if module_name in DEFINING:
        return _defined_names(module)
    return _bound_names(module) - SUBPACKAGES.get(module_name, frozenset())


def _public_members(obj: object) -> list[tuple[str, object]]:
    """Public methods and properties defined by a class itself."""
    if not inspect.isclass(obj) or issubclass(obj, Enum):
        return []
    members = []
    for name, value in vars(obj).items():
        if name.startswith("_"):
            continue
        member = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if callable(member) or isinstance(member, property):
            members.append((name, member))
    return members


def _attribute_docstrings() -> set[str]:
    """Module-level names in the source that are followed by their own docstring."""
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in itertools.pairwise(body):
            documented = (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            )
            if documented and isinstance(node, ast.Assign):
                names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
            elif documented and isinstance(node, ast.AnnAssign):
                names |= {node.target.id} if isinstance(node.target, ast.Name) else set()
    return names


ATTRIBUTE_DOCSTRINGS = _attribute_docstrings()


class TestRoot:
    def test_all_is_sorted(self) -> None:
        """`__all__` is sorted, so additions are easy to review."""
        assert sorted(pm.__all__) == pm.__all__

    def test_all_is_exactly_the_public_names(self) -> None:
        """Every public name the package binds is in `__all__`, and nothing else."""
        assert _bound_names(pm) | {"__version__"} == set(pm.__all__)

    def test_the_front_door_is_small(self) -> None:
        """The root names at most 60 things: the core a service developer needs.

        Reading many records lives in its own room, `pathway_model.records`.
        """
        assert len(pm.__all__) <= 60

    @pytest.mark.parametrize(
        "module_name", ["pathway_model.io", "pathway_model.model", "pathway_model.rules"]
    )
    def test_the_core_is_imported_from_the_root(self, module_name: str) -> None:
        """Every name the core's packages export (their layout is private) is at the root."""
        assert [] == sorted(set(importlib.import_module(module_name).__all__) - set(pm.__all__))

    def test_there_is_no_lazy_loading(self) -> None:
        """Every root name is bound when the package is imported; nothing loads on attribute use."""
        assert not hasattr(pm, "__getattr__")
        assert all(name in vars(pm) for name in pm.__all__)

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        """Asking the package for a name it does not have fails as any module would."""
        with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
            pm.nothing_here  # type: ignore[attr-defined]  # noqa: B018

    def test_importing_the_package_leaves_the_public_rooms_unloaded(self) -> None:
        """`import pathway_model` loads the core only: no scoring, FHIR, pictures, stats, CLI."""
        code = (
            "import sys, pathway_model; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'numpy', 'scipy', 'pandas', 'matplotlib', 'jinja2'} or m.startswith(("
            "'pathway_model.scoring', 'pathway_model.fhir', 'pathway_model.plot', "
            "'pathway_model.mhsds', 'pathway_model.stats', 'pathway_model.synthetic', "
            "'pathway_model.service', 'pathway_model.cli', 'pathway_model.booklet', "
            "'pathway_model.records', 'pathway_model.spark'))))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "[]" == done.stdout.strip()

    def test_serialisation_loads_on_first_use_not_with_the_package(self) -> None:
        """A plug-in that only applies the rules never loads cattrs or the converter."""
        code = (
            "import sys, pathway_model as pm; "
            "heavy = ('cattrs', 'pathway_model.io._converter', 'pathway_model.io._schema'); "
            "print([m for m in heavy if m in sys.modules]); "
            "from pathway_model.catalogue import SECURE_PATHWAY; pm.dumps(SECURE_PATHWAY); "
            "print([m for m in heavy if m in sys.modules])"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        expected = "[]\n['cattrs', 'pathway_model.io._converter']"
        assert expected == done.stdout.strip()

    def test_version_comes_from_the_installed_metadata(self) -> None:
        """`__version__` is the installed distribution's version."""
        assert importlib.metadata.version("pathway-model") == pm.__version__


class TestSubpackages:
    @pytest.mark.parametrize("module_name", sorted(SUBPACKAGES))
    def test_all_is_sorted(self, module_name: str) -> None:
        """Each public subpackage's `__all__` is sorted."""
        names = importlib.import_module(module_name).__all__
        assert sorted(names) == names

    @pytest.mark.parametrize("module_name", sorted(SUBPACKAGES))
    def test_all_is_exactly_the_public_names(self, module_name: str) -> None:
        """Each public subpackage's `__all__` names exactly the public names it offers."""
        assert _exported(module_name) == set(importlib.import_module(module_name).__all__)

    @pytest.mark.parametrize("module_name", sorted(SUBPACKAGES))
    def test_the_names_it_uses_are_bound(self, module_name: str) -> None:
        """The names a subpackage imports for its own use are really there (the list is current)."""
        module = importlib.import_module(module_name)
        assert SUBPACKAGES[module_name] <= _bound_names(module) - set(module.__all__)

    @pytest.mark.parametrize("module_name", sorted(SUBPACKAGES))
    def test_has_a_module_docstring(self, module_name: str) -> None:
        """Each public subpackage says what it holds."""
        assert (importlib.import_module(module_name).__doc__ or "").strip()

    def test_the_data_frame_forms_are_all_in_frames(self) -> None:
        """Every scoring name that reads or writes a data frame is in scoring.frames, only there."""
        scoring = importlib.import_module("pathway_model.scoring")
        frames = importlib.import_module("pathway_model.scoring.frames")
        assert [] == [name for name in scoring.__all__ if name.endswith("_frame")]
        assert all(name.endswith("_frame") for name in frames.__all__)


def _modules() -> list[str]:
    """Every module under src/, by its dotted name (a package by its own name)."""
    names = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if parts[-1] != "__main__":
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


#: Private modules of the public rooms, and where their `__all__` names are offered: the
#: room itself, and beside it its frames module or its named seam (see test_seams).
OFFERED_BY = {
    "pathway_model.rules": ("pathway_model.rules", "pathway_model.rules._stay"),
    "pathway_model.scoring": ("pathway_model.scoring", "pathway_model.scoring.frames"),
}


class TestAllNamesAreReal:
    """An `__all__` promises names: each must exist, and a private module's must be taken."""

    @pytest.mark.parametrize("module_name", _modules())
    def test_every_name_in_all_is_bound_in_its_module(self, module_name: str) -> None:
        """Each name a module's `__all__` lists is bound in it: `from m import *` works."""
        module = importlib.import_module(module_name)
        assert [] == [name for name in getattr(module, "__all__", ()) if name not in vars(module)]

    @pytest.mark.parametrize(
        "module_name",
        [
            name
            for name in _modules()
            if name.rpartition(".")[0] in OFFERED_BY and name.rpartition(".")[2].startswith("_")
        ],
    )
    def test_a_private_module_lists_only_what_its_room_offers(self, module_name: str) -> None:
        """A private module of rules or scoring lists in `__all__` only names its room offers.

        A name dropped from the public surface (``explain_for_team``) leaves the private
        module's `__all__` too, and its function becomes private by name.
        """
        offered = set().union(
            *(
                importlib.import_module(offering).__all__
                for offering in OFFERED_BY[module_name.rpartition(".")[0]]
            )
        )
        module = importlib.import_module(module_name)
        assert [] == sorted(set(getattr(module, "__all__", ())) - offered)


class TestErrorsModule:
    """`pathway_model.errors` is public: the exceptions, also at the root, and `show_code`."""

    def test_all_is_sorted_and_exactly_what_it_defines(self) -> None:
        """Its `__all__` is sorted and names every public name the module defines."""
        errors = importlib.import_module("pathway_model.errors")
        assert (sorted(errors.__all__), set(errors.__all__)) == (
            errors.__all__,
            _defined_names(errors),
        )

    def test_the_exceptions_are_at_the_root_and_the_helper_is_not(self) -> None:
        """Every exception and `Problem` is at the root; `show_code` is only in `errors`."""
        errors = importlib.import_module("pathway_model.errors")
        assert ["show_code"] == sorted(set(errors.__all__) - set(pm.__all__))

    def test_show_code_is_documented_at_its_home(self) -> None:
        """The reference renders `show_code` as `pathway_model.errors.show_code`."""
        reference = (ROOT / "docs" / "reference" / "errors.md").read_text(encoding="utf-8")
        assert "::: pathway_model.errors.show_code" in reference.splitlines()


class TestDocstrings:
    @pytest.mark.parametrize(("module_name", "name"), SURFACE)
    def test_every_public_name_has_a_docstring(self, module_name: str, name: str) -> None:
        """Each public name explains itself, in its own docstring or its attribute docstring."""
        value = _value(module_name, name)
        if inspect.isclass(value) or inspect.isroutine(value):
            assert (inspect.getdoc(value) or "").strip()
        else:
            assert name in ATTRIBUTE_DOCSTRINGS, f"{module_name}.{name}"

    @pytest.mark.parametrize(
        ("module_name", "owner", "member"),
        [
            (module_name, name, member)
            for module_name, name in SURFACE
            for member, _ in _public_members(_value(module_name, name))
        ],
    )
    def test_every_public_method_has_a_docstring(
        self, module_name: str, owner: str, member: str
    ) -> None:
        """Each public method and property of a public class explains itself."""
        cls = _value(module_name, owner)
        value = inspect.getattr_static(cls, member)
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        assert (inspect.getdoc(value) or "").strip(), f"{owner}.{member}"


class TestCohortPartial:
    def test_its_methods_are_the_ones_other_rooms_build_on(self) -> None:
        """A partial is built, merged, reported and shipped by these five methods, no others."""
        from pathway_model.scoring import CohortPartial

        members = {name for name, _ in _public_members(CohortPartial)}
        assert {"from_json", "merge", "of", "report", "to_json"} == members


class TestReference:
    def test_every_public_name_is_in_the_reference(self) -> None:
        """The API reference renders every public name, at its public home."""
        reference = "".join(
            path.read_text(encoding="utf-8") for path in (ROOT / "docs" / "reference").glob("*.md")
        )
        rendered_whole = {"pathway_model.catalogue"}
        missing = [
            f"{module_name}.{name}"
            for module_name, name in SURFACE
            if module_name not in rendered_whole
            and not re.search(rf"^::: {re.escape(module_name)}\.{name}$", reference, re.MULTILINE)
        ]
        assert missing == []
        assert "::: pathway_model.catalogue" in reference


class TestValueObjects:
    @pytest.mark.parametrize(
        ("module_name", "name"),
        [
            (module_name, name)
            for module_name, name in SURFACE
            if inspect.isclass(_value(module_name, name)) and attrs.has(_value(module_name, name))
        ],
    )
    def test_value_objects_are_frozen_slotted_and_keyword_only(
        self, module_name: str, name: str
    ) -> None:
        """Every public attrs class is immutable, slotted and takes keyword arguments only."""
        cls = _value(module_name, name)
        assert "__slots__" in vars(cls)
        assert all(field.kw_only for field in attrs.fields(cls) if field.init)
        assert cls.__setattr__ is not object.__setattr__

"""The public surface: exactly what `pathway_model.__all__` names, each documented."""

from __future__ import annotations
import __future__

import importlib.metadata
import inspect
import re
import subprocess
import sys
from enum import Enum
from pathlib import Path

import attrs
import pytest

import pathway_model as pm
from pathway_model import catalogue

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [name for name in pm.__all__ if name != "__version__"]


def _bound_names(module: object) -> set[str]:
    """Public names a module binds, less submodules and ``__future__`` features."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)
    }


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


class TestExports:
    def test_all_is_sorted(self) -> None:
        """`__all__` is sorted, so additions are easy to review."""
        assert sorted(pm.__all__) == pm.__all__

    def test_all_is_exactly_the_public_names(self) -> None:
        """Every public name the package binds or loads on use is in `__all__`, and nothing else."""
        lazy = set(pm._MODULE_OF)
        assert (_bound_names(pm) | lazy | {"__version__"}) == set(pm.__all__)

    @pytest.mark.parametrize("name", sorted(pm._MODULE_OF))
    def test_a_lazy_name_is_the_object_its_module_defines(self, name: str) -> None:
        """A name loaded on first use is the very object of the module that defines it."""
        module = importlib.import_module(pm._MODULE_OF[name])
        assert getattr(module, name) is getattr(pm, name)

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        """Asking the package for a name it does not have fails as any module would."""
        with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
            pm.nothing_here  # type: ignore[attr-defined]  # noqa: B018

    def test_dir_lists_every_public_name(self) -> None:
        """`dir(pathway_model)` shows the lazy names too, for completion in notebooks."""
        assert set(pm.__all__) <= set(dir(pm))

    def test_importing_the_package_leaves_serialisation_and_scoring_unloaded(self) -> None:
        """`import pathway_model` loads the model and the rules only; the rest loads on use."""
        code = (
            "import sys, pathway_model as pm; "
            "print(sorted(m for m in pm._LAZY if m in sys.modules)); "
            "pm.dumps; print(sorted(m for m in pm._LAZY if m in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        before, after = done.stdout.splitlines()
        assert "[]" == before
        assert "pathway_model.io" in after

    def test_catalogue_all_is_sorted_and_complete(self) -> None:
        """The catalogue's `__all__` is sorted and names every public binding."""
        imported = {"OutcomeFramework", "Pathway", "PathwayDefinition", "UnknownCodeError"}
        assert sorted(catalogue.__all__) == catalogue.__all__
        assert _bound_names(catalogue) - imported == set(catalogue.__all__)

    def test_version_comes_from_the_installed_metadata(self) -> None:
        """`__version__` is the installed distribution's version."""
        assert importlib.metadata.version("pathway-model") == pm.__version__


class TestDocstrings:
    @pytest.mark.parametrize("name", PUBLIC)
    def test_every_public_name_has_a_docstring(self, name: str) -> None:
        """Each public name explains itself."""
        assert (inspect.getdoc(getattr(pm, name)) or "").strip()

    @pytest.mark.parametrize(
        ("owner", "member"),
        [(name, member) for name in PUBLIC for member, _ in _public_members(getattr(pm, name))],
    )
    def test_every_public_method_has_a_docstring(self, owner: str, member: str) -> None:
        """Each public method and property of a public class explains itself."""
        value = inspect.getattr_static(getattr(pm, owner), member)
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        assert (inspect.getdoc(value) or "").strip(), f"{owner}.{member}"

    @pytest.mark.parametrize("name", catalogue.__all__)
    def test_every_catalogue_name_has_a_docstring(self, name: str) -> None:
        """Each catalogue entry is documented in the module's attribute docstrings or its own."""
        value = getattr(catalogue, name)
        if callable(value):
            assert (inspect.getdoc(value) or "").strip()
        else:
            source = "".join(
                path.read_text(encoding="utf-8")
                for path in (ROOT / "src" / "pathway_model" / "catalogue").glob("*.py")
            )
            assert re.search(rf'^{name}\b.*?^"""', source, re.MULTILINE | re.DOTALL)


class TestReference:
    def test_every_public_name_is_in_the_reference(self) -> None:
        """The API reference renders every public name."""
        reference = "".join(
            path.read_text(encoding="utf-8") for path in (ROOT / "docs" / "reference").glob("*.md")
        )
        missing = [name for name in PUBLIC if f"::: pathway_model.{name}" not in reference]
        assert missing == []
        assert "::: pathway_model.catalogue" in reference


class TestValueObjects:
    @pytest.mark.parametrize(
        "name",
        [
            name
            for name in PUBLIC
            if inspect.isclass(getattr(pm, name)) and attrs.has(getattr(pm, name))
        ],
    )
    def test_value_objects_are_frozen_slotted_and_keyword_only(self, name: str) -> None:
        """Every model class is immutable, slotted and takes keyword arguments only."""
        cls = getattr(pm, name)
        assert "__slots__" in vars(cls)
        assert all(field.kw_only for field in attrs.fields(cls) if field.init)
        assert cls.__setattr__ is not object.__setattr__

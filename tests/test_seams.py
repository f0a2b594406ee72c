"""The named seams: what one subpackage may use of another's private modules.

`model._seam` and `rules._stay` are the only private modules that code outside their
package imports; every other private module may change shape without notice.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SOURCE = Path(__file__).parents[1] / "src" / "pathway_model"

#: Each package with a seam, the seam's module, and the packages that may reach past it.
SEAMS = {
    "pathway_model.model": ("_seam", ("pathway_model.model", "pathway_model.io")),
    "pathway_model.rules": ("_stay", ("pathway_model.rules",)),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST) -> list[str]:
    """Every module an import names, with ``from package import _module`` as the module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _reaches() -> list[tuple[str, str]]:
    """Each (importing module, imported private module) across a package boundary."""
    crossings = []
    for path in sorted(SOURCE.rglob("*.py")):
        importer = _module_name(path)
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            for package, (_, allowed) in SEAMS.items():
                if not name.startswith(package + "._"):
                    continue
                if any(importer == own or importer.startswith(own + ".") for own in allowed):
                    continue
                crossings.append((importer, name.split(".")[2]))
    return crossings


class TestSeams:
    def test_other_packages_use_only_the_named_seams(self) -> None:
        """Outside model and rules, the only private modules imported are their seams."""
        seams = {seam for seam, _ in SEAMS.values()}

        assert [] == [(importer, name) for importer, name in _reaches() if name not in seams]

    def test_the_seams_are_used(self) -> None:
        """Each seam has users outside its package: it is the way in, not a spare door."""
        used = {name for _, name in _reaches()}

        assert {seam for seam, _ in SEAMS.values()} <= used

    @pytest.mark.parametrize("package", sorted(SEAMS))
    def test_a_seam_lists_exactly_what_it_binds_in_order(self, package: str) -> None:
        """A seam's ``__all__`` is sorted, and names every public name it binds."""
        seam = importlib.import_module(f"{package}.{SEAMS[package][0]}")
        bound = sorted(
            name for name in vars(seam) if not name.startswith("_") and name != "annotations"
        )

        assert sorted(seam.__all__) == seam.__all__
        assert bound == seam.__all__

    @pytest.mark.parametrize("package", sorted(SEAMS))
    def test_a_seam_says_it_is_the_one_way_in(self, package: str) -> None:
        """A seam's docstring names it as its package's one internal API."""
        seam = importlib.import_module(f"{package}.{SEAMS[package][0]}")

        assert "The one internal API of" in (seam.__doc__ or "")

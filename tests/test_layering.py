"""The layers: the core never imports the public rooms above it, and nothing imports the CLI.

Read from the source with `ast`, so that an import inside a function or under
``TYPE_CHECKING`` counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "pathway_model"

#: The core: the model, the catalogue, the rules and JSON, with the errors and the root.
CORE = ("model", "catalogue", "rules", "io")
#: The public rooms above the core, and the command line at the top.
ABOVE = ("scoring", "fhir", "mhsds", "plot", "synthetic", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module a source file imports, by its full dotted name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            module = node.module or ""
            yield module
            # ``from pathway_model import scoring`` imports the subpackage.
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _layer(module: str) -> str | None:
    """The first part below ``pathway_model`` of a module name, or None for the root."""
    parts = module.split(".")
    if parts[0] != "pathway_model":
        return None
    return parts[1] if len(parts) > 1 else None


def _source_files() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def _in_core(path: Path) -> bool:
    layer = _layer(_module_name(path))
    return layer in CORE or layer in (None, "errors", "_version")


class TestLayering:
    @pytest.mark.parametrize(
        "path", [path for path in _source_files() if _in_core(path)], ids=_module_name
    )
    def test_the_core_never_imports_a_room_above_it(self, path: Path) -> None:
        """No module of model, catalogue, rules or io (nor the root or errors) imports upwards."""
        upward = sorted({name for name in _imports(path) if _layer(name) in ABOVE})
        assert [] == upward

    @pytest.mark.parametrize(
        "path",
        [
            path
            for path in _source_files()
            if _layer(_module_name(path)) != "cli" and path.name != "__main__.py"
        ],
        ids=_module_name,
    )
    def test_nothing_imports_the_command_line(self, path: Path) -> None:
        """Only the command line itself (and ``python -m pathway_model``) imports ``cli``."""
        assert [] == sorted({name for name in _imports(path) if _layer(name) == "cli"})

    def test_the_rules_catch_an_upward_import(self, tmp_path: Path) -> None:
        """The reading of imports sees every spelling of an import of a room above."""
        module = tmp_path / "example.py"
        module.write_text(
            "import pathway_model.plot\n"
            "from pathway_model import scoring\n"
            "def later():\n"
            "    from pathway_model.fhir._export import to_fhir\n",
            encoding="utf-8",
        )
        assert {"plot", "scoring", "fhir"} <= {_layer(name) for name in _imports(module)}

"""The layers: the core never imports the public rooms above it, and nothing imports the CLI.

The command line, at the top, uses the library through its public names only.

Read from the source with `ast`, so that an import inside a function or under
``TYPE_CHECKING`` counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "pathway_model"

#: The core: the model, the catalogue, the rules and JSON, with the errors and the root.
CORE = ("model", "catalogue", "rules", "io")
#: The public rooms above the core, and the command line at the top.
ABOVE = ("booklet", "scoring", "fhir", "mhsds", "plot", "synthetic", "service", "cli")


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


def _is_private(name: str) -> bool:
    """Whether one part of a dotted name is private: ``_json``, but not ``__version__``."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_uses(path: Path) -> Iterator[str]:
    """Each private module or name of the library outside ``cli`` that a source file uses.

    Counted: an import of a private module (``pathway_model.io._json``), an import of a
    private name (``from pathway_model.io import _json``), and a private attribute of a
    module the file imports (``pm._version``). The command line's own private modules
    (``pathway_model.cli._inputs``) are its own to use.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()  # local names bound to library modules outside cli
    for node in ast.walk(tree):
        names: list[tuple[str, str]] = []  # (full dotted name, local name)
        if isinstance(node, ast.Import):
            names = [(alias.name, alias.asname or alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [(node.module, "")]
            names += [
                (f"{node.module}.{alias.name}", alias.asname or alias.name) for alias in node.names
            ]
        for name, local in names:
            parts = name.split(".")
            if parts[0] != "pathway_model" or _layer(name) == "cli":
                continue
            if any(_is_private(part) for part in parts):
                yield name
            elif local:
                modules.add(local)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _is_private(node.attr)
        ):
            yield f"{node.value.id}.{node.attr}"


class TestTheCommandLineUsesPublicNames:
    @pytest.mark.parametrize(
        "path",
        [path for path in _source_files() if _layer(_module_name(path)) == "cli"],
        ids=_module_name,
    )
    def test_no_private_module_or_name_of_the_library(self, path: Path) -> None:
        """A module of ``cli`` imports nothing private from the library, only its own modules."""
        assert [] == sorted(set(_private_uses(path)))

    def test_the_command_table_names_only_the_command_lines_modules(self) -> None:
        """Each command is imported, on dispatch, from a module of ``cli`` itself."""
        app = importlib.import_module("pathway_model.cli._app")
        assert [] == [
            info.module
            for info in app.COMMANDS.values()
            if not info.module.startswith("pathway_model.cli._")
        ]

    def test_every_spelling_of_a_private_use_is_caught(self, tmp_path: Path) -> None:
        """Private modules, private names and private attributes are all seen; cli's own are not."""
        module = tmp_path / "example.py"
        module.write_text(
            "import pathway_model as pm\n"
            "import pathway_model.io._json\n"
            "from pathway_model.model._seam import show_code\n"
            "from pathway_model.io import _converter\n"
            "from pathway_model.rules import _stay as stay\n"
            "from pathway_model.cli._render import plural\n"
            "from pathway_model.errors import show_code\n"
            "def later():\n"
            "    from pathway_model.io._json import parse\n"
            "    return pm._version, pm.__version__\n",
            encoding="utf-8",
        )
        assert [
            "pathway_model.io._converter",
            "pathway_model.io._json",
            "pathway_model.io._json.parse",
            "pathway_model.model._seam",
            "pathway_model.model._seam.show_code",
            "pathway_model.rules._stay",
            "pm._version",
        ] == sorted(set(_private_uses(module)))

"""The app: exit codes, the command table, the parser and ``main``.

Exit codes (see the how-to guide "Use the command line"):

- 0: the command did what was asked (a decision of "not ready" is an answer, not a failure);
- 2: bad input or usage: a file that cannot be read, a document with problems, a date that
  is not ``YYYY-MM-DD``, an unknown option;
- 3: an internal error, which is a bug: one line names the exception's type, and
  ``--debug`` shows the traceback;
- 130: interrupted (Ctrl-C); 141: the reader of the output went away (``| head``).

Errors go to standard error, one line each, prefixed ``pathway-model: error:``. They are
built from the library's own messages, which never repeat clinical free text. A problem a
command goes on past (a record `cohort` skips) is a line prefixed
``pathway-model: warning:``.

The built-in commands are listed in ``COMMANDS``, a static table of each command's words,
its one-line summary and the module that implements it. A command's module is imported
only when that command runs (or its own ``--help`` is shown), so ``pathway-model assess``
never imports what ``cohort`` or ``fhir export`` need. Another command can be registered
with ``command``: a function and a decorator.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import importlib
import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import attrs

import pathway_model as pm
from pathway_model.cli._render import show_code
from pathway_model.errors import PathwayModelError, ValidationError

if TYPE_CHECKING:
    from pathway_model.cli._console import Console

__all__ = [
    "COMMANDS",
    "GROUPS",
    "PROG",
    "Command",
    "CommandError",
    "CommandInfo",
    "ExitCode",
    "Handler",
    "add_as_of_option",
    "add_definition_option",
    "add_file_argument",
    "add_input_arguments",
    "add_output_option",
    "as_of_date",
    "build_parser",
    "command",
    "group",
    "main",
]

PROG = "pathway-model"
"""The command's name, in usage lines and error messages, however it was started."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HELP_WIDTH = 98


class ExitCode(enum.IntEnum):
    """The exit codes of the command."""

    OK = 0
    """The command did what was asked."""
    BAD_INPUT = 2
    """Bad input or usage: nothing or only part of the work was done."""
    INTERNAL_ERROR = 3
    """An unexpected exception: a bug in pathway-model."""
    INTERRUPTED = 130
    """Interrupted by Ctrl-C (128 + SIGINT, as a shell reports it)."""
    BROKEN_PIPE = 141
    """The reader of standard output closed it early (128 + SIGPIPE, as a shell reports it)."""


class CommandError(Exception):
    """A user error that ends a command: each line is printed after ``pathway-model: error:``.

    Attributes:
        lines: The error lines, each one complete and free of clinical text.
        code: The exit code.
    """

    def __init__(self, *lines: str, code: int = ExitCode.BAD_INPUT) -> None:
        self.lines = lines
        self.code = code
        super().__init__("\n".join(lines))


# --- the command table ---------------------------------------------------------------------------

Handler = Callable[[argparse.Namespace, "Console"], int]
"""What a command does: given its parsed arguments and the console, return an exit code."""


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without arguments of its own."""


@attrs.frozen(kw_only=True)
class Command:
    """A command, as its module defines it.

    Attributes:
        description: What ``--help`` says above the options.
        arguments: Adds the command's arguments to its parser.
        run: Runs it.
    """

    description: str
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    run: Handler


@attrs.frozen(kw_only=True)
class CommandInfo:
    """An entry of the command table: a command's summary, and where the command is.

    A built-in command names its module and the module's attribute that holds it, and
    is imported only when it runs; a command registered with ``command`` is held here.

    Attributes:
        summary: One line for the list of commands.
        module: The module that implements the command, e.g. ``pathway_model.cli._rules``.
        attribute: The name of the ``Command`` in that module, e.g. ``ASSESS``.
        command: The command itself, for one registered with ``command``.
    """

    summary: str
    module: str = ""
    attribute: str = ""
    command: Command | None = None

    def load(self) -> Command:
        """The command, importing its module if need be."""
        if self.command is not None:
            return self.command
        loaded: Command = getattr(importlib.import_module(self.module), self.attribute)
        return loaded


def _builtin(module: str, attribute: str, summary: str) -> CommandInfo:
    return CommandInfo(summary=summary, module=f"pathway_model.cli.{module}", attribute=attribute)


#: Every command, in the order ``--help`` lists them: its words, its summary and its module.
COMMANDS: dict[tuple[str, ...], CommandInfo] = {
    ("validate",): _builtin("_validate", "VALIDATE", "check JSON documents and list every problem"),
    ("assess",): _builtin(
        "_rules", "ASSESS", "decide whether a person is ready to move on, and explain why"
    ),
    ("readiness",): _builtin(
        "_rules",
        "READINESS",
        'work out "not a day more": readiness date, ready days, cost of delay',
    ),
    ("schedule",): _builtin(
        "_rules", "SCHEDULE", "work out when the next review is due, and whether it is overdue"
    ),
    ("booklet",): _builtin(
        "_booklet",
        "BOOKLET",
        "write the person's own My Shared Pathway booklet as an accessible HTML page",
    ),
    ("schema",): _builtin(
        "_schema", "SCHEMA", "write the JSON Schema (draft 2020-12) of a kind of document"
    ),
    ("fhir", "export"): _builtin("_fhir", "EXPORT", "write a pathway as a FHIR R4 Bundle"),
    ("fhir", "import"): _builtin("_fhir", "IMPORT", "read a pathway from a FHIR R4 Bundle"),
    ("fhir", "codesystems"): _builtin(
        "_fhir", "CODESYSTEMS", "write the FHIR CodeSystems of a pathway definition"
    ),
    ("fhir", "package"): _builtin(
        "_fhir", "PACKAGE", "write the FHIR conformance package and the JSON Schemas"
    ),
    ("cohort",): _builtin(
        "_cohort",
        "COHORT",
        "report on many pathways: measures by provider and stage, ranks, payments",
    ),
    ("demo",): _builtin(
        "_demo", "DEMO", "make a synthetic cohort and print its benchmarking report"
    ),
    ("mhsds", "pathways"): _builtin(
        "_mhsds",
        "PATHWAYS",
        "read an MHSDS extract into pathway records, with an account of every row",
    ),
    ("mhsds", "report"): _builtin(
        "_mhsds",
        "REPORT",
        "report on an MHSDS extract: the national measures and the cohort report",
    ),
    ("mhsds", "synthetic"): _builtin(
        "_mhsds", "SYNTHETIC", "write a synthetic cohort as an MHSDS extract"
    ),
    ("serve",): _builtin(
        "_serve", "SERVE", "run the CDS Hooks service and the JSON API for an EPR"
    ),
}

#: Command groups (the first word of two-word commands), with their one-line summaries.
GROUPS: dict[str, str] = {
    "fhir": "exchange pathways as FHIR R4 Bundles, and publish their code systems",
    "mhsds": "read MHSDS extracts into pathway records and national measures; write one",
}


def group(name: str, summary: str) -> None:
    """Register a group of commands, such as ``fhir`` for ``fhir export`` and ``fhir import``."""
    GROUPS[name] = summary


def command(
    name: str,
    *,
    summary: str,
    description: str = "",
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments,
) -> Callable[[Handler], Handler]:
    """Register a function as a command.

    Args:
        name: The command's words, e.g. ``"count"``, or ``"fhir export"`` for a command in
            a group registered with ``group``.
        summary: One line for the list of commands.
        description: What ``--help`` says above the options; ``summary`` when empty.
        arguments: Adds the command's arguments to its parser.

    Returns:
        A decorator that registers the function and returns it unchanged.
    """
    words = tuple(name.split())

    def register(run: Handler) -> Handler:
        registered = Command(description=description or summary, arguments=arguments, run=run)
        COMMANDS[words] = CommandInfo(summary=summary, command=registered)
        return run

    return register


# --- shared options ------------------------------------------------------------------------------


def as_of_date(text: str) -> dt.date:
    """Read a date argument: an ISO 8601 calendar date, ``YYYY-MM-DD``, and nothing else.

    Raises:
        argparse.ArgumentTypeError: It is not ``YYYY-MM-DD``, or no such day exists.
    """
    if not _ISO_DATE.fullmatch(text):
        msg = f"expected a date as YYYY-MM-DD, e.g. 2025-01-15; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date that exists; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg) from None


def add_as_of_option(parser: argparse.ArgumentParser, *, what: str = "decide for") -> None:
    """Add the required ``--as-of DATE`` option.

    Args:
        parser: The command's parser.
        what: What the date is for, after "the date to", e.g. ``"decide for"``.
    """
    parser.add_argument(
        "--as-of",
        required=True,
        type=as_of_date,
        metavar="DATE",
        help=(
            f"the date to {what}, as YYYY-MM-DD (required: the rules never read the "
            "clock, so the same file and date always give the same answer)"
        ),
    )


def add_definition_option(parser: argparse.ArgumentParser) -> None:
    """Add the ``--definition FILE`` option."""
    parser.add_argument(
        "--definition",
        metavar="FILE",
        help=(
            "a pathway definition JSON document to use; by default, the built-in "
            "definition each pathway names (its definition_id and definition_version)"
        ),
    )


def add_input_arguments(parser: argparse.ArgumentParser, *, what: str = "documents") -> None:
    """Add the ``INPUT...`` arguments of a command that reads many documents."""
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help=(
            f"{what}: a JSON file, a JSON Lines file (.jsonl or .ndjson: one document a "
            "line), a folder of .json files, or - for standard input"
        ),
    )


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    """Add the ``FILE`` argument of a command that reads one pathway."""
    parser.add_argument("file", metavar="FILE", help="a pathway JSON document, or - to read stdin")


def add_output_option(parser: argparse.ArgumentParser, what: str) -> None:
    """Add the ``-o, --output FILE`` option: write ``what`` to a file instead."""
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"write {what} to FILE (UTF-8, replaced if it exists) instead of standard output",
    )


# --- the parser ----------------------------------------------------------------------------------


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help at most 98 columns wide, and the same on every supported Python version."""

    def __init__(self, prog: str, **options: Any) -> None:
        terminal = shutil.get_terminal_size().columns - 2
        options.setdefault("width", min(terminal, _HELP_WIDTH))
        options.setdefault("max_help_position", 28)
        super().__init__(prog, **options)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        # "-o, --output FILE" (as Python 3.13 writes it), not "-o FILE, --output FILE".
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        metavar = self._format_args(action, self._get_default_metavar_for_optional(action))
        return ", ".join(action.option_strings) + " " + metavar


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, prefixed like every other error."""

    def error(self, message: str) -> NoReturn:
        msg = f"{message} (see '{self.prog} --help')"
        raise CommandError(msg)


def _add_common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Add the options every command takes, before or after its name."""
    # Given after the command's name, an option must not reset what was given before it.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=default,
        help="show a progress line on stderr for long runs (default: when stderr is a terminal)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="on an internal error, show the traceback",
    )


#: The options of the command itself, before a command's name: none takes a value.
_TOP_OPTIONS = frozenset({"--progress", "--no-progress", "--debug", "--version"})


def _parser(load: Collection[tuple[str, ...]] | None, *, others: bool = True) -> _Parser:
    """The parser, with the commands in ``load`` (every command when ``None``) built in full.

    With ``others``, every other command is a stub that knows only its name and summary:
    enough for the list of commands, and for finding which command a command line runs.
    Without it, the other commands are left out, and only the command line of a command
    in ``load`` can be parsed.
    """
    parser = _Parser(
        prog=PROG,
        description=(
            "Outcome-based care pathways for secure mental health services: check pathway\n"
            "documents, decide readiness to move on, publish JSON Schemas, exchange pathways\n"
            "as FHIR R4 Bundles, read MHSDS extracts, and report on cohorts of pathways.\n"
            "\n"
            "Exit codes: 0 done; 2 bad input or usage; 3 internal error (a bug);\n"
            "130 interrupted."
        ),
        epilog=f"Run '{PROG} COMMAND --help' for the options of a command.",
        formatter_class=_HelpFormatter,
    )
    _add_common_options(parser, top=True)
    parser.add_argument("--version", action="version", version=f"{PROG} {pm.__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", required=True
    )
    groups: dict[str, argparse._SubParsersAction[_Parser]] = {}
    for words, info in COMMANDS.items():
        full = load is None or words in load
        if not (full or others):
            continue
        parent = commands
        if len(words) > 1:
            if words[0] not in groups:
                group_parser = commands.add_parser(
                    words[0],
                    help=GROUPS.get(words[0], ""),
                    description=GROUPS.get(words[0], ""),
                    formatter_class=_HelpFormatter,
                )
                groups[words[0]] = group_parser.add_subparsers(
                    dest="subcommand", metavar="COMMAND", title="commands", required=True
                )
            parent = groups[words[0]]
        if not full:
            parent.add_parser(words[-1], help=info.summary, add_help=False)
            continue
        loaded = info.load()
        sub = parent.add_parser(
            words[-1],
            help=info.summary,
            description=loaded.description,
            formatter_class=_HelpFormatter,
        )
        _add_common_options(sub, top=False)
        loaded.arguments(sub)
        sub.set_defaults(handler=loaded.run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Build the parser of the command and of every command (importing every command's module)."""
    return _parser(None)


def _command_words(arguments: Sequence[str]) -> tuple[str, ...] | None:
    """The words of the command a command line runs, when they can be told at a glance.

    That is when only the command's own options, spelt in full, come before the command's
    words; ``None`` otherwise (help, say, or an unknown command).
    """
    words: tuple[str, ...] = ()
    for argument in arguments:
        if not words and argument in _TOP_OPTIONS:
            continue
        if argument.startswith("-"):
            return None
        words += (argument,)
        if words in COMMANDS:
            return words
        if len(words) > 1 or argument not in GROUPS:
            return None
    return None


def _parse(arguments: Sequence[str]) -> argparse.Namespace:
    """Parse a command line, building in full only the parser of the command it runs.

    Most command lines name their command at once, and are parsed by a parser that holds
    that command alone. Any other (help, or an unknown command) is parsed in two passes:
    the first, with every command a stub, finds the command as the full parser would; the
    second parses the command line with that command built.
    """
    words = _command_words(arguments)
    if words is not None:
        return _parser({words}, others=False).parse_args(arguments)
    found, _ = _parser(()).parse_known_args(arguments)
    words = (found.command,)
    if found.command in GROUPS:
        words += (found.subcommand,)
    return _parser({words}).parse_args(arguments)


# --- main ----------------------------------------------------------------------------------------


def _use_utf8(stream: object, *, errors: str = "strict") -> None:
    """Write UTF-8, with Unix line ends, on every platform."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    encoding = (stream.encoding or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" or os.linesep != "\n":
        stream.reconfigure(encoding="utf-8", errors=errors, newline="\n")


def _failure(error: BaseException, console: Console, *, debug: bool) -> int:
    """Report an exception that ended a command, and return the exit code."""
    code: int = ExitCode.BAD_INPUT
    if isinstance(error, CommandError):
        for line in error.lines:
            console.error(line)
        code = error.code
    elif isinstance(error, ValidationError):
        for problem in error.problems:
            console.error(str(problem))
    elif isinstance(error, PathwayModelError):
        console.error(str(error))
    elif isinstance(error, KeyboardInterrupt):
        console.error("interrupted")
        code = ExitCode.INTERRUPTED
    elif isinstance(error, BrokenPipeError):
        # Whatever is still buffered cannot be written: point stdout at nothing, so that
        # the interpreter's own flush at exit does not complain.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), console.stdout.fileno())
        code = ExitCode.BROKEN_PIPE
    else:
        if debug:
            import traceback  # noqa: PLC0415 - only a bug needs it

            traceback.print_exception(type(error), error, error.__traceback__, file=console.stderr)
        hint = "" if debug else "; run it again with --debug to see where"
        console.error(
            f"internal error ({type(error).__name__}): this is a bug in {PROG} "
            f"{pm.__version__}, please report it{hint}"
        )
        code = ExitCode.INTERNAL_ERROR
    return code


def _run(arguments: list[str], console: Console) -> int:
    from pathway_model.cli._console import is_terminal  # noqa: PLC0415 - the console imports this

    try:
        args = _parse(arguments)
    except SystemExit as stop:  # --help and --version
        return stop.code if isinstance(stop.code, int) else ExitCode.OK
    console = attrs.evolve(
        console,
        progress=is_terminal(console.stderr) if args.progress is None else args.progress,
        progress_explicit=bool(args.progress),
    )
    code = int(args.handler(args, console))
    console.stdout.flush()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (the process's arguments when ``None``).

    Args:
        argv: The arguments after the command's name, e.g. ``["validate", "p.json"]``.

    Returns:
        The exit code (see ``ExitCode``).
    """
    from pathway_model.cli._console import Console  # noqa: PLC0415 - the console imports this

    arguments = list(sys.argv[1:] if argv is None else argv)
    _use_utf8(sys.stdout)
    _use_utf8(sys.stderr, errors="backslashreplace")
    console = Console(
        stdin=getattr(sys.stdin, "buffer", None), stdout=sys.stdout, stderr=sys.stderr
    )
    try:
        return _run(arguments, console)
    except (Exception, KeyboardInterrupt) as error:
        return _failure(error, console, debug="--debug" in arguments)

"""The console: the streams a command reads and writes, its progress line, and its files out.

Standard output carries a command's result and nothing else; errors, warnings and the
progress line go to standard error (see the how-to guide "Use the command line").
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import IO, TextIO

import attrs

from pathway_model.cli._app import PROG, CommandError

__all__ = ["Console", "Progress", "is_terminal", "os_problem", "write_output"]


@attrs.frozen(kw_only=True)
class Console:
    """The streams a command reads and writes, and how it reports progress.

    Attributes:
        stdin: Standard input, as bytes (the JSON reader decodes UTF-8 strictly).
        stdout: Standard output: the command's result, and nothing else.
        stderr: Standard error: errors, one line each, and the progress line.
        progress: Whether to show a progress line on long runs.
        progress_explicit: Whether ``--progress`` asked for it (then it is shown from the
            start and, when standard error is not a terminal, as whole lines).
    """

    stdin: IO[bytes] | None
    stdout: TextIO
    stderr: TextIO
    progress: bool = False
    progress_explicit: bool = False
    _shown: list[Progress] = attrs.field(factory=list, init=False, eq=False, repr=False)

    def write(self, text: str) -> None:
        """Write text to standard output, ending it with a newline.

        A progress line drawn on the terminal is cleared first, so that the output does
        not run on from it; it is drawn again at the next step.
        """
        self._hide_progress()
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def error(self, line: str) -> None:
        """Write one error line to standard error."""
        self._hide_progress()
        self.stderr.write(f"{PROG}: error: {line}\n")

    def warning(self, line: str) -> None:
        """Write one warning line to standard error: a problem the command went on past."""
        self._hide_progress()
        self.stderr.write(f"{PROG}: warning: {line}\n")

    def _hide_progress(self) -> None:
        for progress in self._shown:
            progress.hide()

    def read_stdin(self) -> bytes:
        """Read the whole of standard input.

        Raises:
            CommandError: There is no standard input.
        """
        if self.stdin is None:
            msg = "no standard input to read ('-')"
            raise CommandError(msg)
        return self.stdin.read()

    def progress_for(self, label: str, total: int | None) -> Progress:
        """Start a progress line for ``total`` items (``None`` when unknown)."""
        if not self.progress:
            return Progress(None, label, total)
        interactive = is_terminal(self.stderr)
        delay = 0.0 if self.progress_explicit else 0.5
        progress = Progress(self.stderr, label, total, interactive=interactive, delay=delay)
        if interactive:
            self._shown.append(progress)
        return progress

    @contextlib.contextmanager
    def step(self, text: str) -> Iterator[None]:
        """Show what a long step without a count is doing, while it runs.

        On a terminal the line is drawn at once and cleared when the step ends; with
        ``--progress`` and standard error not a terminal, it is written once as a whole
        line. Nothing is shown when progress is off.

        Args:
            text: What the step does, e.g. ``"Reporting on 17,426 records"``.
        """
        if not self.progress:
            yield
            return
        interactive = is_terminal(self.stderr)
        progress = Progress(self.stderr, text, None, interactive=interactive)
        if interactive:
            self._shown.append(progress)
        progress.show()
        try:
            yield
        finally:
            progress.hide()
            if interactive:
                self._shown.remove(progress)


def is_terminal(stream: object) -> bool:
    """Whether a stream is a terminal (a closed or detached one is not)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Progress:
    """A progress line on standard error: ``Checking: 1,200 of 8,000 (15%)``.

    On a terminal the line is redrawn in place and cleared at the end, and it appears only
    once a run has taken half a second (at once with ``--progress``). When standard error
    is not a terminal and ``--progress`` was given, progress is written as whole lines:
    one each tenth of the way (each 1,000 items when the total is unknown) and one at the
    end. Nothing is ever written to standard output.

    Examples:
        >>> import io
        >>> log = io.StringIO()
        >>> progress = Progress(log, "Checking", 3)
        >>> for _ in range(3):
        ...     progress.advance()
        >>> progress.finish()
        >>> print(log.getvalue(), end="")
        Checking: 1 of 3 (33%)
        Checking: 2 of 3 (66%)
        Checking: 3 of 3 (100%)
        Checking: done, 3 of 3
    """

    def __init__(
        self,
        stream: TextIO | None,
        label: str,
        total: int | None,
        *,
        interactive: bool = False,
        delay: float = 0.0,
    ) -> None:
        self.stream = stream
        self.label = label
        self.total = total
        self.done = 0
        self.interactive = interactive
        self._shown_at: int | None = None
        self._width = 0
        self._start = time.monotonic()
        self._delay = delay

    def _step(self) -> int:
        """The progress made since the last draw that warrants a new one, in display units."""
        if self.total:
            tenths = 100 if self.interactive else 10
            return self.done * tenths // self.total
        return self.done // (100 if self.interactive else 1_000)

    def _text(self) -> str:
        if self.total:
            return (
                f"{self.label}: {self.done:,} of {self.total:,} ({self.done * 100 // self.total}%)"
            )
        return f"{self.label}: {self.done:,}"

    def _draw(self, text: str) -> None:
        assert self.stream is not None  # only called with a stream
        if self.interactive:
            padding = " " * max(0, self._width - len(text))
            self.stream.write(f"\r{text}{padding}")
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more items done, and redraw when the shown figure changes."""
        self.done += count
        if self.stream is None:
            return
        step = self._step()
        if step == self._shown_at:
            return
        if self._delay and time.monotonic() - self._start < self._delay:
            return
        self._shown_at = step
        self._draw(self._text())

    def show(self) -> None:
        """Draw the label alone, for a step whose progress cannot be counted."""
        if self.stream is not None:
            self._draw(self.label)

    def hide(self) -> None:
        """Clear the line from the terminal until the next step draws it again."""
        if self.stream is not None and self.interactive and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
            self._shown_at = None

    def finish(self) -> None:
        """End the progress line: clear it on a terminal, else write a last line."""
        if self.stream is None:
            return
        if self.interactive:
            self.hide()
            return
        total = f" of {self.total:,}" if self.total is not None else ""
        self._draw(f"{self.label}: done, {self.done:,}{total}")


def os_problem(error: OSError, doing: str = "read") -> str:
    """Say why a file could not be read or written, without the file's contents."""
    reason = error.strerror or type(error).__name__
    return f"cannot {doing}: {reason[0].lower()}{reason[1:]}"


def write_output(text: str, output: str | None, console: Console) -> None:
    """Write a command's result to standard output, or to the ``-o`` file when given.

    Raises:
        CommandError: The file cannot be written.
    """
    if output is None:
        console.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as error:
        msg = f"{output}: {os_problem(error, 'write')}"
        raise CommandError(msg) from None

"""The ``booklet`` command: the person's booklet from a record file, as HTML or PDF."""

from __future__ import annotations

import io
import json
import re
import sys
import zlib
from pathlib import Path

import attrs
import pytest

import pathway_model as pm
from pathway_model import cli
from pathway_model.booklet import render
from pathway_model.catalogue import SECURE_PATHWAY
from tests.test_booklet import EXAMPLE, EXAMPLE_DAY, load_example

PREFIX = "pathway-model: error: "


@attrs.frozen
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def call(*argv: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Run(code=code, out=captured.out, err=captured.err)

    return call


class TestBookletCommand:
    def test_writes_the_same_page_as_render(self, run) -> None:  # type: ignore[no-untyped-def]
        """The command's HTML is `render`'s, byte for byte, with nothing on stderr."""
        result = run("booklet", str(EXAMPLE), "--as-of", "2025-01-15")
        expected = render(load_example(), SECURE_PATHWAY, EXAMPLE_DAY)
        assert (0, expected, "") == (result.code, result.out, result.err)

    def test_easy_read_to_a_file(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """--easy-read -o writes the Easy Read page to the file, UTF-8."""
        out = tmp_path / "booklet.html"
        result = run(
            "booklet", str(EXAMPLE), "--as-of", "2025-01-15", "--easy-read", "-o", str(out)
        )
        expected = render(load_example(), SECURE_PATHWAY, EXAMPLE_DAY, easy_read=True)
        assert (0, "", "") == (result.code, result.out, result.err)
        assert expected == out.read_text(encoding="utf-8")

    def test_a_date_outside_the_stays_is_bad_input(self, run) -> None:  # type: ignore[no-untyped-def]
        """A date before the record begins: exit 2, and the line names --as-of."""
        result = run("booklet", str(EXAMPLE), "--as-of", "2020-01-15")
        assert 2 == result.code
        assert result.err.startswith(f"{PREFIX}--as-of: ")
        assert "" == result.out

    def test_the_date_is_required(self, run) -> None:  # type: ignore[no-untyped-def]
        """Without --as-of the command refuses: the rules never read the clock (H-45)."""
        result = run("booklet", str(EXAMPLE))
        assert (2, "") == (result.code, result.out)
        assert "--as-of" in result.err

    def test_warns_about_jargon_in_team_words(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """A team goal with jargon still renders; the warning names the path, not the text."""
        document = pm.to_dict(load_example())
        document["goals"][1]["description"] = "Show insight."
        record = tmp_path / "record.json"
        record.write_text(json.dumps(document), encoding="utf-8")
        result = run("booklet", str(record), "--as-of", "2025-01-15")
        assert 0 == result.code
        assert (
            f"pathway-model: warning: {record}: $.goals[1].description: uses the word "
            "'insight', which the person may not know; try 'understanding'\n"
        ) == result.err

    def test_pdf_needs_an_output_file(self, run) -> None:  # type: ignore[no-untyped-def]
        """--pdf without -o: exit 2, before anything is read."""
        result = run("booklet", str(EXAMPLE), "--as-of", "2025-01-15", "--pdf")
        assert (2, f"{PREFIX}--pdf: expected -o FILE to write the PDF to; found no -o\n") == (
            result.code,
            result.err,
        )

    def test_pdf_without_weasyprint_says_how_to_install_it(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without the pdf extra: exit 2, and the line names the extra; no file is written."""
        monkeypatch.setitem(sys.modules, "weasyprint", None)
        out = tmp_path / "booklet.pdf"
        result = run("booklet", str(EXAMPLE), "--as-of", "2025-01-15", "--pdf", "-o", str(out))
        assert 2 == result.code
        assert 'pip install "pathway-model[pdf]"' in result.err
        assert not out.exists()

    @pytest.mark.pdf
    def test_pdf_with_weasyprint_writes_a_pdf(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """With the pdf extra: a tagged PDF that declares PDF/UA-1 (experimental)."""
        out = tmp_path / "booklet.pdf"
        result = run("booklet", str(EXAMPLE), "--as-of", "2025-01-15", "--pdf", "-o", str(out))
        assert (0, "") == (result.code, result.err)
        pdf = out.read_bytes()
        assert pdf.startswith(b"%PDF-")
        streams = b"".join(
            _inflated(match[1]) for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S)
        )
        assert b"/StructTreeRoot" in pdf + streams
        assert b"pdfuaid:part" in pdf + streams


def _inflated(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return b""

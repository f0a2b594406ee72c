"""Reading many records: JSON Lines, folders and open files, one record at a time.

Also the values records share once read (codes, ids, names, dates, note-less ratings),
and what the readers do to the garbage collector while they run.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import weakref
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.io import _converter, _fast, _stream
from pathway_model.records import read_records, read_records_with_problems
from tests import strategies as s

SECRET = "Zanzibar-secret-wording"
START = dt.date(2024, 1, 8)
LEVELS = {
    "mental_health_recovery": "partly_met",
    "harm_related_behaviours": "met",
    "substance_misuse": "met",
}


def record(person: str = "P-0001", *, note: str | None = None, reviews: int = 2) -> pm.Pathway:
    """A record in medium secure with monthly reviews, the first rating's note ``note``."""
    pathway = pm.Pathway.start(
        SECURE_PATHWAY, person_id=person, stage="medium_secure", provider="Northfield MSU",
        on=START,
    )  # fmt: skip
    made = []
    for number in range(reviews):
        review = pm.Review.from_levels(
            id=f"r{number + 1}", date=START + dt.timedelta(days=30 * (number + 1)), team=LEVELS
        )
        if number == 0 and note is not None:
            first = attrs.evolve(review.ratings[0], team_note=note)
            review = attrs.evolve(review, ratings=(first, *review.ratings[1:]))
        made.append(review)
    return pathway.with_reviews(*made)


def lines(*documents: str | bytes) -> bytes:
    """JSON Lines of the documents, each followed by a line break."""
    return b"".join((d if isinstance(d, bytes) else d.encode()) + b"\n" for d in documents)


def framework_line() -> str:
    """A valid document that is not a record."""
    return pm.dumps(SECURE_PATHWAY.framework)


@pytest.fixture
def records() -> list[pm.Pathway]:
    return [record(f"P-{n:04d}", reviews=n % 3 + 1) for n in range(1, 6)]


class TestSources:
    def test_a_json_lines_file_gives_each_record_in_order(
        self, tmp_path: Path, records: list[pm.Pathway]
    ) -> None:
        """A file of one record per line gives the records, equal to `loads` of each line."""
        path = tmp_path / "cohort.jsonl"
        path.write_bytes(lines(*(pm.dumps(r) for r in records)))
        assert records == list(read_records(path))
        assert records == list(read_records(str(path)))

    def test_blank_lines_are_skipped_and_still_counted(self, tmp_path: Path) -> None:
        """Blank lines give nothing; line numbers count every line, as an editor does."""
        path = tmp_path / "cohort.ndjson"
        path.write_bytes(b"\n" + lines(pm.dumps(record()), "  ", framework_line()))
        found = [(r.line, r.record is None) for r in read_records_with_problems(path)]
        assert [(2, False), (4, True)] == found

    def test_crlf_line_breaks_and_a_last_line_without_one_are_read(self) -> None:
        """Windows line breaks, and no break after the last record, read alike."""
        text = pm.dumps(record()).encode()
        source = io.BytesIO(text + b"\r\n" + text)
        assert [record(), record()] == list(read_records(source))

    def test_a_folder_gives_its_json_files_in_name_order(self, tmp_path: Path) -> None:
        """Each `.json` file directly in a folder, by name; others, hidden and nested ones not."""
        for name, person in [("b.json", "P-2"), ("a.json", "P-1"), ("c.JSON", "P-3")]:
            (tmp_path / name).write_text(pm.dumps(record(person), indent=2), encoding="utf-8")
        (tmp_path / ".hidden.json").write_text("not read", encoding="utf-8")
        (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
        (tmp_path / "inner.json").mkdir()
        (tmp_path / "inner.json" / "d.json").write_text("not read", encoding="utf-8")
        reads = list(read_records_with_problems(tmp_path))
        assert ["P-1", "P-2", "P-3"] == [r.record.person_id for r in reads if r.record]
        assert [None, None, None] == [r.line for r in reads]
        assert ["a.json", "b.json", "c.JSON"] == [Path(r.source).name for r in reads]

    def test_an_open_binary_file_is_read_from_where_it_stands_and_left_open(self) -> None:
        """A file object is read line by line from its position, and not closed."""
        source = io.BytesIO(lines(framework_line(), pm.dumps(record())))
        source.readline()
        assert [record()] == list(read_records(source))
        assert not source.closed

    def test_a_file_objects_name_is_its_source(self, tmp_path: Path) -> None:
        """An open file names itself by its ``name``; one without a name is ``<stream>``."""
        path = tmp_path / "cohort.jsonl"
        path.write_bytes(lines(framework_line()))
        with path.open("rb") as file:
            [read] = read_records_with_problems(file)
        assert f"{path}:1" == read.where
        [read] = read_records_with_problems(io.BytesIO(lines(framework_line())))
        assert "<stream>:1" == read.where

    @pytest.mark.parametrize("source", [3, b"cohort.jsonl", None, [b"{}"]])
    def test_a_source_of_another_type_is_refused_at_once(self, source: object) -> None:
        """Neither a path nor a file object: a WrongTypeError before anything is read."""
        with pytest.raises(pm.WrongTypeError, match=r"^source: expected a JSON Lines file"):
            read_records(source)  # type: ignore[arg-type]

    def test_a_text_file_is_refused_at_once(self) -> None:
        """A text file would decode as it reads; a binary one is asked for."""
        with pytest.raises(pm.WrongTypeError, match="a binary file object"):
            read_records_with_problems(io.StringIO("{}\n"))  # type: ignore[arg-type]

    def test_a_path_that_names_nothing_is_refused_at_once(self, tmp_path: Path) -> None:
        """A missing file is an error when the reader is made, not when first read."""
        with pytest.raises(pm.ValidationError) as caught:
            read_records(tmp_path / "missing.jsonl")
        expected = (
            "source: expected a JSON Lines file, a folder of .json files, or a binary file "
            "object; found no such file or folder"
        )
        assert expected == str(caught.value)

    def test_a_folder_without_json_files_is_refused_at_once(self, tmp_path: Path) -> None:
        """An empty folder is most likely the wrong one: said at once."""
        with pytest.raises(pm.ValidationError, match=r"found a folder with no \.json file"):
            read_records_with_problems(tmp_path)

    def test_a_definition_of_another_type_is_refused(self) -> None:
        """``definition`` must be a PathwayDefinition, as for `loads`."""
        with pytest.raises(pm.WrongTypeError, match=r"^definition: expected a PathwayDefinition"):
            read_records(io.BytesIO(b""), definition="secure-pathway")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("limit", "error"), [(0, pm.ValidationError), ("1", pm.WrongTypeError)]
    )
    def test_a_limit_that_is_not_a_positive_whole_number_is_refused(
        self, limit: object, error: type[Exception]
    ) -> None:
        """``max_bytes`` is a whole number of bytes, at least one."""
        with pytest.raises(error, match=r"^max_bytes: expected a whole number"):
            read_records(io.BytesIO(b""), max_bytes=limit)  # type: ignore[arg-type]


class TestRefusedRecords:
    def test_the_first_refused_record_stops_the_reader_naming_file_and_line(
        self, tmp_path: Path
    ) -> None:
        """Records before it are given; then its problems, each placed at file and line."""
        bad = pm.to_dict(record())
        bad["reviews"][0]["date"] = "2023-01-01"
        path = tmp_path / "cohort.jsonl"
        path.write_bytes(lines(pm.dumps(record()), "", json.dumps(bad), pm.dumps(record())))
        given = []
        with pytest.raises(pm.ValidationError) as caught:
            given.extend(read_records(path))
        assert [record()] == given
        assert [f"{path}:3: $.reviews[0].date"] == [p.path for p in caught.value.problems]
        assert str(caught.value).startswith(f"{path}:3: $.reviews[0].date: expected a date from")

    def test_an_error_never_repeats_free_text(self) -> None:
        """A refused record's note is neither in the error nor in what is read."""
        bad = pm.to_dict(record(note=SECRET))
        bad["reviews"][0]["ratings"][0]["team"] = "partly met"
        bad["reviews"][1]["ratings"][0]["person_note"] = SECRET + "\ud800"
        source = io.BytesIO(json.dumps(bad).encode())
        with pytest.raises(pm.ValidationError) as caught:
            list(read_records(source))
        assert SECRET not in str(caught.value)
        [read] = read_records_with_problems(io.BytesIO(json.dumps(bad).encode()))
        assert SECRET not in repr(read)

    def test_an_error_is_a_wrong_type_error_when_every_problem_is_one(self) -> None:
        """The class of the error is the one `loads` would raise for the line."""
        with pytest.raises(pm.WrongTypeError, match=r"^<stream>:1: \$: expected a JSON object"):
            list(read_records(io.BytesIO(b"[1]\n")))

    def test_with_problems_every_line_gives_its_record_or_its_problems(self) -> None:
        """A refused record does not stop the others; each read says where it came from."""
        source = io.BytesIO(lines(pm.dumps(record("P-1")), "{", framework_line(), "x" * 5))
        reads = list(read_records_with_problems(source))
        assert [1, 2, 3, 4] == [r.line for r in reads]
        assert ["P-1", None, None, None] == [r.record and r.record.person_id for r in reads]
        assert [0, 1, 1, 1] == [r.total for r in reads]
        assert "$.document: expected 'pathway'; found 'framework'" == str(reads[2].problems[0])
        assert reads[1].problems[0].found.startswith("Expecting property name")

    def test_a_document_of_another_kind_is_refused_by_its_kind(self) -> None:
        """A framework where a record belongs is refused, not read as something else."""
        [read] = read_records_with_problems(io.BytesIO(framework_line().encode()))
        assert ("$.document",) == tuple(p.path for p in read.problems)

    def test_records_are_checked_against_the_definition_given(self) -> None:
        """With a definition, each record is checked against it, as `loads` does."""
        other = attrs.evolve(SECURE_PATHWAY, id="other-pathway")
        [read] = read_records_with_problems(
            io.BytesIO(pm.dumps(record()).encode()), definition=other
        )
        assert read.record is None
        with pytest.raises(pm.ValidationError) as caught:
            pm.loads(pm.dumps(record()), pm.Pathway, definition=other)
        assert caught.value.problems == read.problems

    def test_a_line_longer_than_the_limit_is_skipped_not_read(self) -> None:
        """A line past ``max_bytes`` is reported; the lines after it are still read."""
        text = pm.dumps(record())
        limit = len(text.encode()) + 10
        source = io.BytesIO(lines(text, " " * (3 * limit) + "{}", text))
        reads = list(read_records_with_problems(source, max_bytes=limit))
        assert [1, 2, 3] == [r.line for r in reads]
        assert [True, False, True] == [r.record == record() for r in reads]
        assert f"a document of at most {limit:,} bytes" == reads[1].problems[0].expected

    def test_a_file_in_a_folder_larger_than_the_limit_is_not_read(self, tmp_path: Path) -> None:
        """A folder's file past ``max_bytes`` gives its problem; the others are read."""
        (tmp_path / "a.json").write_text(pm.dumps(record(), indent=2), encoding="utf-8")
        (tmp_path / "b.json").write_text(pm.dumps(record()), encoding="utf-8")
        limit = len(pm.dumps(record()).encode())
        reads = list(read_records_with_problems(tmp_path, max_bytes=limit))
        assert [None, record()] == [r.record for r in reads]
        assert "$" == reads[0].problems[0].path

    def test_a_file_that_fails_while_read_gives_one_problem_and_ends(self) -> None:
        """An operating-system error while reading ends the reader with that problem."""

        class Failing(io.BytesIO):
            def readline(self, size: int | None = -1) -> bytes:
                if self.tell():
                    raise OSError(5, "Input/output error")
                return super().readline(size)

        source = Failing(lines(pm.dumps(record()), pm.dumps(record())))
        reads = list(read_records_with_problems(source))
        assert [record(), None] == [r.record for r in reads]
        assert "a file that can be read" == reads[1].problems[0].expected
        assert 2 == reads[1].line


class TestRecordsRoundTrip:
    @given(st.lists(s.pathways(SECURE_PATHWAY, max_reviews=4), max_size=4))
    def test_a_stream_gives_back_the_records_written(self, written: list[pm.Pathway]) -> None:
        """Any records, written one a line, are read back equal and in the same order."""
        source = io.BytesIO(lines(*(pm.dumps(r) for r in written)))
        assert written == list(read_records(source))


def _walk(value: object) -> Iterator[object]:
    """Every object of a record: the record, its collections and their items."""
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if type(item) is tuple:
            stack.extend(item)
        elif attrs.has(type(item)):
            stack.extend(getattr(item, field.name) for field in attrs.fields(type(item)))


class TestSharing:
    """Records read share what they repeat; nothing a caller can compare changes."""

    pytestmark = pytest.mark.usefixtures("fast_path")

    @pytest.fixture
    def fast_path(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The generated readers (which share), with every table empty to begin with."""
        monkeypatch.setattr(_converter, "FAST_PATH", True)
        _fast.SHARED.trim(limit=0)

    def test_codes_names_dates_and_plain_ratings_are_held_once(self) -> None:
        """Two records read share their stage, provider, start, and ratings without notes."""
        first, second = (pm.loads(pm.dumps(record(p)), pm.Pathway) for p in ("P-1", "P-2"))
        one, other = first.placements[0], second.placements[0]
        assert one.stage is other.stage
        assert one.provider is other.provider
        assert one.start is other.start
        assert first.reviews[0].ratings[0] is second.reviews[0].ratings[0]
        assert first.definition_id is second.definition_id

    def test_notes_and_person_ids_are_never_shared(self) -> None:
        """A rating with a note is read anew each time; person ids stay out of every table."""
        first, second = (pm.loads(pm.dumps(record(note=SECRET)), pm.Pathway) for _ in range(2))
        assert first.reviews[0].ratings[0] == second.reviews[0].ratings[0]
        assert first.reviews[0].ratings[0] is not second.reviews[0].ratings[0]
        assert first.reviews[0].ratings[0].team_note is not second.reviews[0].ratings[0].team_note
        assert "P-0001" not in _fast.SHARED.strings
        assert SECRET not in _fast.SHARED.strings
        held = [key for table in _fast.SHARED.objects.values() for key in table]
        assert not any(SECRET in key for key in held)

    @given(s.pathways(SECURE_PATHWAY, max_reviews=6))
    def test_sharing_changes_neither_equality_nor_the_bytes_written(
        self, pathway: pm.Pathway
    ) -> None:
        """Read with sharing, or by the validated constructors alone: equal, same bytes."""
        text = pm.dumps(pathway)
        shared = [pm.loads(text, pm.Pathway) for _ in range(2)]
        try:
            _converter.FAST_PATH = False
            plain = pm.loads(text, pm.Pathway)
        finally:
            _converter.FAST_PATH = True
        assert [plain, plain] == shared
        assert [text, text] == [pm.dumps(r) for r in shared]

    def test_the_tables_stay_bounded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Past its limit a table is emptied after the record: it never keeps more."""
        monkeypatch.setattr(_fast, "SHARED_LIMIT", 5)
        monkeypatch.setattr(_fast.SharedValues.trim, "__defaults__", (5,))
        for number in range(4):
            pm.loads(pm.dumps(record(f"P-{number}", reviews=6)), pm.Pathway)
            assert len(_fast.SHARED.strings) <= 5
            assert len(_fast.SHARED.dates) <= 5

    def test_a_record_read_after_the_tables_are_emptied_is_equal(self) -> None:
        """Emptying a table only shares less: the record read is the same."""
        before = pm.loads(pm.dumps(record()), pm.Pathway)
        _fast.SHARED.trim(limit=0)
        after = pm.loads(pm.dumps(record()), pm.Pathway)
        assert before == after
        assert before.placements[0].stage is not after.placements[0].stage or (
            before.placements[0].stage == "medium_secure"  # a string Python interns itself
        )


class TestCollector:
    """While a reader runs it freezes what is alive; when it ends, all is as before."""

    @pytest.fixture(autouse=True)
    def small_chunks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(_stream, "FREEZE_EVERY", 2)

    def source(self, count: int = 5) -> io.BytesIO:
        return io.BytesIO(lines(*(pm.dumps(record(f"P-{n}")) for n in range(count))))

    def test_what_is_alive_is_frozen_while_the_reader_runs(self) -> None:
        """After a chunk of records, the records read so far are frozen, not scanned."""
        assert 0 == gc.get_freeze_count()
        reader = read_records(self.source())
        kept = [next(reader), next(reader), next(reader)]
        assert gc.get_freeze_count() > 0
        reader.close()
        assert 3 == len(kept)

    @pytest.mark.parametrize("how", ["to the end", "closed", "dropped", "refused"])
    def test_everything_is_unfrozen_when_the_reader_ends(self, how: str) -> None:
        """Read to the end, closed, dropped, or stopped by a refused record: none stays frozen."""
        source = self.source()
        if how == "refused":
            source = io.BytesIO(source.getvalue() + b"{}\n")
        reader = read_records(source)
        kept = [next(reader) for _ in range(3)]
        if how == "closed":
            reader.close()
        elif how == "dropped":
            del reader
        elif how == "to the end":
            kept.extend(reader)
        else:
            with pytest.raises(pm.ValidationError):
                kept.extend(reader)
        assert 0 == gc.get_freeze_count()
        assert gc.isenabled()
        assert 5 == len(kept) or how in {"closed", "dropped"}

    def test_a_reader_leaves_objects_frozen_by_others_as_they_were(self) -> None:
        """Objects frozen before the reader (a server's, before it forks) stay frozen."""
        gc.freeze()
        try:
            frozen = gc.get_freeze_count()
            reads = list(read_records_with_problems(self.source()))
            assert frozen == gc.get_freeze_count()
        finally:
            gc.unfreeze()
        assert 5 == len(reads)

    def test_a_reader_leaves_a_disabled_collector_alone(self) -> None:
        """With the collector off, a reader neither collects nor freezes, nor turns it on."""
        gc.disable()
        try:
            reader = read_records(self.source())
            next(reader)
            next(reader)
            next(reader)
            assert 0 == gc.get_freeze_count()
            reader.close()
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_two_readers_at_once_unfreeze_when_the_last_ends(self) -> None:
        """Readers interleaved: the first to end leaves the other's freezing in place."""
        first, second = read_records(self.source()), read_records(self.source())
        for _ in range(3):
            next(first)
            next(second)
        first.close()
        assert gc.get_freeze_count() > 0
        second.close()
        assert 0 == gc.get_freeze_count()

    def test_cyclic_garbage_made_while_reading_is_collected(self) -> None:
        """A cycle that becomes garbage while a reader runs is collected in the end."""

        class Node:
            pass

        reader = read_records(self.source(9))
        next(reader)
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        alive = [node]
        for _ in range(4):
            next(reader)  # node is frozen at a chunk
        probe = weakref.ref(node)
        del node, alive
        list(reader)
        gc.collect()
        assert probe() is None

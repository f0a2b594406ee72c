"""The person's booklet: what it says, that it reads easily, and that it never leaks or runs."""

from __future__ import annotations

import datetime as dt
import html
import importlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.booklet import BookletUnavailableError, render
from pathway_model.booklet._content import how_long
from pathway_model.catalogue import DEFINITIONS, SECURE_PATHWAY
from tests import strategies as s
from tests.scenarios import SCENARIOS, Scenario
from tests.test_argument_types import WRONG
from tests.test_explanations import assert_readable, builtin_cases

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "medium_secure.json"
EXAMPLE_DAY = dt.date(2025, 1, 15)
SECRET = "Zanzibar-secret-wording"
#: Easy Read asks for sentences of at most 15 words.
EASY_READ_WORDS = 15


class Page(HTMLParser):
    """A rendered page read back: its prose, the person's own words, and its ideas."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.own_words: list[str] = []
        self.ideas = 0
        self.ideas_with_a_picture = 0
        self._stack: list[tuple[str, str]] = []
        self._text: list[str] = []
        self._last_in_idea = ""
        self.feed(text)
        self.close()

    def _inside(self, css_class: str) -> bool:
        return any(css_class in classes.split() for _, classes in self._stack)

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        classes = dict(attributes).get("class") or ""
        if tag == "p":
            self._text = []
        if tag == "span" and "pic" in classes.split() and self._last_in_idea == "li":
            self._last_in_idea = "pic"
        if tag == "li" and "idea" in classes.split():
            self.ideas += 1
            self._last_in_idea = "li"
        if tag == "p" and self._last_in_idea == "pic":
            self.ideas_with_a_picture += 1
            self._last_in_idea = ""
        if tag not in {"meta", "br", "line", "rect", "circle", "polyline", "path"}:
            self._stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            text = " ".join("".join(self._text).split())
            (self.own_words if self._inside("own-words") else self.paragraphs).append(text)
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def prose(self) -> str:
        """The sentences the library wrote for the person, one after another."""
        return "\n".join(self.paragraphs)


def load_example() -> pm.Pathway:
    loaded = pm.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(loaded, pm.Pathway)
    return loaded


def scenario_page(scenario: Scenario, *, easy_read: bool = False) -> str:
    return render(scenario.pathway, scenario.definition, scenario.as_of, easy_read=easy_read)


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text) if part.strip()]


def marked(pathway: pm.Pathway, words: str) -> pm.Pathway:
    """The record with every note set to ``words``."""
    return attrs.evolve(
        pathway,
        reviews=[
            attrs.evolve(
                review,
                ratings=[
                    attrs.evolve(rating, team_note=words, person_note=words)
                    for rating in review.ratings
                ],
                goal_progress=[attrs.evolve(update, note=words) for update in review.goal_progress],
            )
            for review in pathway.reviews
        ],
        incidents=[attrs.evolve(incident, note=words) for incident in pathway.incidents],
    )


def last_day(pathway: pm.Pathway) -> dt.date:
    placement = pathway.placements[-1]
    return placement.start if placement.end is None else placement.end - dt.timedelta(days=1)


VARIANTS = pytest.mark.parametrize("easy_read", [False, True], ids=["standard", "easy-read"])


class TestWorkedExample:
    """The example record on 15 January 2025, with the answers worked out by hand."""

    @pytest.fixture
    def page(self) -> Page:
        return Page(render(load_example(), SECURE_PATHWAY, EXAMPLE_DAY))

    def test_says_where_the_person_is_and_for_how_long(self, page: Page) -> None:
        """8 January 2024 to 15 January 2025 is 12 whole months and 7 days: "1 year"."""
        assert "You are in a medium secure hospital." in page.paragraphs
        assert "You came here on 8 January 2024." in page.paragraphs
        assert "You have been here for 1 year." in page.paragraphs
        assert "Your next step is a low secure hospital." in page.paragraphs

    def test_says_since_when_and_how_long_the_person_has_been_ready(self, page: Page) -> None:
        """Ready from 27 September 2024: 3 + 31 + 30 + 31 + 15 = 110 days to 15 January."""
        assert "You have been ready since 27 September 2024." in page.paragraphs
        assert "That is 110 days." in page.paragraphs

    def test_says_the_review_is_late_and_by_how_much(self, page: Page) -> None:
        """Due 26 December 2024 (3 months after 26 September): 20 days late on 15 January."""
        assert "Your review is late." in page.paragraphs
        assert "It was due on 26 December 2024." in page.paragraphs
        assert "That was 20 days ago." in page.paragraphs

    def test_shows_each_goal_exactly_as_written_with_who_set_it(self, page: Page) -> None:
        """The goals' own words, and who set each one."""
        assert [
            "Cook a meal for my family when they visit.",
            "Finish the substance misuse group.",
        ] == page.own_words
        assert "You set this goal on 1 February 2024." in page.paragraphs
        assert "You and your team set this goal together on 1 February 2024." in page.paragraphs

    def test_says_the_date_and_that_things_may_have_changed(self, page: Page) -> None:
        """The page says which day it describes, and at the end that things may change."""
        assert "It shows how things were on 15 January 2025." in page.paragraphs
        assert (
            "This booklet shows how things were on 15 January 2025. "
            "Things may have changed since then."
        ) in page.paragraphs
        assert "Ask your team for a new one at any time." == page.paragraphs[-1]

    def test_says_kindly_where_the_person_and_team_differ(self, page: Page) -> None:
        """At the last review the person said "met" on mental health, the team "partly met"."""
        assert "You and your team see this a bit differently." in page.paragraphs
        assert "That is OK." in page.paragraphs


class TestHowLong:
    @pytest.mark.parametrize(
        ("start", "end", "words"),
        [
            (dt.date(2024, 1, 8), dt.date(2024, 1, 8), "less than a day"),
            (dt.date(2024, 1, 8), dt.date(2024, 1, 18), "1 week and 3 days"),
            (dt.date(2024, 1, 31), dt.date(2024, 2, 28), "4 weeks"),
            (dt.date(2024, 1, 31), dt.date(2024, 2, 29), "1 month"),
            (dt.date(2024, 1, 31), dt.date(2024, 3, 31), "2 months"),
            (dt.date(2023, 1, 8), dt.date(2025, 3, 7), "2 years and 1 month"),
        ],
    )
    def test_counts_whole_months_or_else_weeks_and_days(
        self, start: dt.date, end: dt.date, words: str
    ) -> None:
        """Whole calendar months when there is one; weeks and days before that."""
        assert words == how_long(start, end)


class TestEveryScenario:
    @VARIANTS
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_renders_every_section(self, scenario: Scenario, easy_read: bool) -> None:
        """Each worked scenario gives a whole page with all five sections."""
        page = scenario_page(scenario, easy_read=easy_read)
        for heading in ("About me", "My goals, in my words", "What I need to move on", "When"):
            assert f">{heading}</h2>" in page
        assert ">How I&#8217;m doing</h2>" in page
        assert page.rstrip().endswith("</html>")

    @VARIANTS
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_meets_the_readability_threshold(self, scenario: Scenario, easy_read: bool) -> None:
        """What the library writes reads at about age 9 or younger, as `explain` does."""
        assert_readable(Page(scenario_page(scenario, easy_read=easy_read)).prose())

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_easy_read_keeps_sentences_short(self, scenario: Scenario) -> None:
        """Easy Read: no sentence the library writes has more than 15 words."""
        prose = Page(scenario_page(scenario, easy_read=True)).prose()
        longest = max(len(sentence.split()) for sentence in sentences(prose))
        assert longest <= EASY_READ_WORDS

    @VARIANTS
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_one_idea_a_line(self, scenario: Scenario, easy_read: bool) -> None:
        """Each line the library writes is one sentence (the footer aside)."""
        page = Page(scenario_page(scenario, easy_read=easy_read))
        lines = page.paragraphs[:-2]
        assert [] == [line for line in lines if len(sentences(line)) != 1]

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_easy_read_puts_a_picture_left_of_every_idea(self, scenario: Scenario) -> None:
        """Every line of the Easy Read page is one idea with its picture before it."""
        page = Page(scenario_page(scenario, easy_read=True))
        assert page.ideas > 0
        assert page.ideas == page.ideas_with_a_picture

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_names_the_person_and_the_date_at_the_top(self, scenario: Scenario) -> None:
        """The pseudonymous id and the date are in the title and the header (H-44, H-45)."""
        page = scenario_page(scenario)
        title = re.search(r"<title>(.*)</title>", page)
        assert title is not None
        day = f"{scenario.as_of.day} "
        assert scenario.pathway.person_id in title[1]
        assert day in title[1]
        assert f'datetime="{scenario.as_of.isoformat()}"' in page

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_never_names_the_provider(self, scenario: Scenario) -> None:
        """Nothing beyond the pseudonymous id identifies the person: not even the unit."""
        page = scenario_page(scenario)
        for placement in scenario.pathway.placements:
            assert html.escape(placement.provider) not in page


class TestGenerated:
    @given(builtin_cases(), st.booleans())
    def test_generated_records_render_readably(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway, dt.date], easy_read: bool
    ) -> None:
        """On the built-in pathways, every generated record renders and stays readable."""
        definition, pathway, day = case
        page = Page(render(pathway, definition, day, easy_read=easy_read))
        assert_readable(page.prose())
        if easy_read:
            long = [x for x in sentences(page.prose()) if len(x.split()) > EASY_READ_WORDS]
            assert [] == long

    @given(st.data())
    def test_the_same_record_gives_the_same_bytes_in_any_order(self, data: st.DataObject) -> None:
        """Render twice, once from shuffled collections: the documents are identical."""
        definition = data.draw(st.sampled_from(DEFINITIONS))
        pathway = data.draw(s.pathways(definition))
        shuffled = attrs.evolve(
            pathway,
            goals=data.draw(st.permutations(pathway.goals)),
            reviews=data.draw(st.permutations(pathway.reviews)),
            incidents=data.draw(st.permutations(pathway.incidents)),
        )
        day = last_day(pathway)
        assert render(pathway, definition, day) == render(shuffled, definition, day)


class TestSyntheticCohort:
    def test_everyone_in_care_gets_a_readable_booklet(self) -> None:
        """A small synthetic cohort: everyone in care that day gets both variants, readable."""
        from pathway_model.synthetic import CohortParameters, synthetic_cohort

        day = dt.date(2025, 3, 31)
        cohort = synthetic_cohort(CohortParameters(people_in_care=12), seed=7, as_of=day)
        in_care = [p for p in cohort if p.placement_on(day) is not None]
        assert in_care
        for pathway in in_care:
            for easy_read in (False, True):
                page = Page(render(pathway, SECURE_PATHWAY, day, easy_read=easy_read))
                assert_readable(page.prose())
                assert [] == [x for x in sentences(page.prose()) if len(x.split()) > 15]


class TestNeverLeaks:
    @VARIANTS
    @given(data=st.data())
    def test_no_note_ever_appears(self, data: st.DataObject, easy_read: bool) -> None:
        """Review, goal-progress and incident notes are the team's: never in the booklet (H-46)."""
        pathway = marked(data.draw(s.pathways(SECURE_PATHWAY, prefer_high=True)), SECRET)
        assert SECRET not in render(pathway, SECURE_PATHWAY, last_day(pathway), easy_read=easy_read)

    @VARIANTS
    def test_no_note_in_the_example_appears(self, easy_read: bool) -> None:
        """The example record with a note on everything: none of them shows (H-46)."""
        pathway = marked(load_example(), SECRET)
        assert SECRET not in render(pathway, SECURE_PATHWAY, EXAMPLE_DAY, easy_read=easy_read)

    @VARIANTS
    def test_the_page_runs_nothing_and_fetches_nothing(self, easy_read: bool) -> None:
        """No script, no event handler, no link or source outside the page itself."""
        page = render(load_example(), SECURE_PATHWAY, EXAMPLE_DAY, easy_read=easy_read)
        assert "<script" not in page.lower()
        assert re.search(r"\son[a-z]+=", page) is None
        assert re.findall(r"(?:href|src)=\"([^\"]*)\"", page) == [
            link for link in re.findall(r"(?:href|src)=\"([^\"]*)\"", page) if link[:1] == "#"
        ]
        assert set(re.findall(r"https?://[^\"' ]+", page)) == {"http://www.w3.org/2000/svg"}
        assert "default-src 'none'" in page


MARKUP = "<script>alert('x')</script> & \"quoted\" <b>bold</b> 'it's' &amp; </p>"


class TestGoalTextIsText:
    @VARIANTS
    def test_markup_in_a_goal_appears_exactly_as_written(self, easy_read: bool) -> None:
        """Markup, ampersands and quotes in a goal are shown as typed, never run (H-47)."""
        pathway = load_example()
        pathway = attrs.evolve(pathway, goals=[attrs.evolve(pathway.goals[0], description=MARKUP)])
        page = render(pathway, SECURE_PATHWAY, EXAMPLE_DAY, easy_read=easy_read)
        assert [MARKUP] == Page(page).own_words
        assert "<script" not in page
        assert "<b>" not in page
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;" in page

    @given(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)
    )
    def test_any_goal_text_round_trips_exactly(self, words: str) -> None:
        """Whatever the person wrote, the page shows it back exactly (H-47)."""
        pathway = load_example()
        try:
            goal = attrs.evolve(pathway.goals[0], description=words)
        except pm.ValidationError:
            return  # not a text the model accepts (blank, say): nothing to render
        page = render(attrs.evolve(pathway, goals=[goal]), SECURE_PATHWAY, EXAMPLE_DAY)
        shown = re.findall(r'<blockquote class="own-words"><p>(.*?)</p></blockquote>', page, re.S)
        assert [goal.description] == [html.unescape(text) for text in shown]
        assert [" ".join(goal.description.split())] == Page(page).own_words
        assert "<script" not in page.replace("&lt;script", "")


class TestArguments:
    def test_refuses_a_datetime(self) -> None:
        """A datetime is not a date: the error names the argument."""
        with pytest.raises(pm.WrongTypeError, match="as_of"):
            render(load_example(), SECURE_PATHWAY, dt.datetime(2025, 1, 15))  # type: ignore[arg-type]

    @pytest.mark.parametrize("name", ["pathway", "definition"])
    def test_refuses_a_wrong_type(self, name: str) -> None:
        """A dict is not a record or a definition."""
        arguments = {"pathway": load_example(), "definition": SECURE_PATHWAY}
        arguments[name] = {}  # type: ignore[assignment]
        with pytest.raises(pm.WrongTypeError, match=name):
            render(arguments["pathway"], arguments["definition"], EXAMPLE_DAY)  # type: ignore[arg-type]

    def test_refuses_a_date_outside_every_stay(self) -> None:
        """A booklet for before the person came is refused, not made up."""
        with pytest.raises(pm.ValidationError, match="as_of"):
            render(load_example(), SECURE_PATHWAY, dt.date(2023, 1, 1))

    def test_refuses_a_record_on_another_definition(self) -> None:
        """The record names its definition; another one is refused."""
        other = next(d for d in DEFINITIONS if d.id != SECURE_PATHWAY.id)
        with pytest.raises(pm.PathwayModelError):
            render(load_example(), other, EXAMPLE_DAY)

    def test_without_jinja2_says_how_to_install_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the extra, the error is the library's own and names the extra."""
        rendering = importlib.import_module("pathway_model.booklet._render")
        rendering._environment.cache_clear()
        monkeypatch.setitem(sys.modules, "jinja2", None)
        try:
            with pytest.raises(BookletUnavailableError, match=r"pathway-model\[booklet\]"):
                render(load_example(), SECURE_PATHWAY, EXAMPLE_DAY)
        finally:
            rendering._environment.cache_clear()


class TestOnlyItsOwnErrors:
    @pytest.mark.parametrize("argument", ["pathway", "definition", "as_of", "easy_read"])
    @pytest.mark.parametrize("value", WRONG, ids=lambda value: type(value).__name__)
    def test_a_wrong_argument_raises_only_the_librarys_error(
        self, argument: str, value: object
    ) -> None:
        """Whatever is passed, nothing but a PathwayModelError escapes `render`."""
        arguments: dict[str, object] = {
            "pathway": load_example(),
            "definition": SECURE_PATHWAY,
            "as_of": EXAMPLE_DAY,
            "easy_read": False,
        }
        arguments[argument] = value
        right = {
            "pathway": pm.Pathway,
            "definition": pm.PathwayDefinition,
            "as_of": dt.date,
            "easy_read": bool,
        }
        if type(value) is right[argument]:
            return  # a value of the right type, among the wrong ones
        with pytest.raises(pm.PathwayModelError):
            render(**arguments)  # type: ignore[arg-type]


class TestPackageData:
    def test_every_icon_named_in_the_content_is_shipped(self) -> None:
        """Each picture the words ask for exists, and each shipped picture is listed."""
        rendering = importlib.import_module("pathway_model.booklet._render")
        folder = ROOT / "src" / "pathway_model" / "booklet" / "icons"
        assert sorted(rendering.ICONS) == sorted(path.stem for path in folder.glob("*.svg"))
        source = (ROOT / "src" / "pathway_model" / "booklet" / "_content.py").read_text()
        named = set(re.findall(r'icon="([a-z_]+)"', source))
        assert named <= set(rendering.ICONS)

    def test_every_icon_is_decorative_and_has_no_ids(self) -> None:
        """Pictures are hidden from screen readers (the words carry the meaning)."""
        rendering = importlib.import_module("pathway_model.booklet._render")
        for name in rendering.ICONS:
            svg = rendering.icon(name)
            assert 'aria-hidden="true"' in svg
            assert " id=" not in svg
            json.dumps(svg)  # plain text

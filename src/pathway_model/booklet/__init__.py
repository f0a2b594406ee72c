"""The person's own My Shared Pathway booklet: an accessible document in their words.

`render` turns a record, its definition and a date into one self-contained HTML document
that speaks to the person in everyday words: about them, their goals in their own words,
how they and their team see their progress, what they need to move on, and when. An Easy
Read variant lays it out one idea a line, with a picture beside each.

`lint_team_text` warns the team when their words that reach the person use jargon or long
sentences. Rendering needs Jinja2: ``pip install "pathway-model[booklet]"``.
"""

from pathway_model.booklet._lint import JARGON, MAX_WORDS, TextWarning, lint_team_text
from pathway_model.booklet._render import BookletUnavailableError, render

__all__ = [
    "BookletUnavailableError",
    "JARGON",
    "MAX_WORDS",
    "TextWarning",
    "lint_team_text",
    "render",
]

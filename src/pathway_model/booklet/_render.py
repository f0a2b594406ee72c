"""The booklet laid out: one self-contained HTML document from a Jinja2 template.

Jinja2 (the ``booklet`` extra) is imported when a booklet is first rendered, never with
the package. Autoescaping is on for every template: goal text, labels and names from the
definition are text, never markup.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import TYPE_CHECKING

from pathway_model.booklet._chart import chart
from pathway_model.booklet._content import build
from pathway_model.errors import PathwayModelError, WrongTypeError
from pathway_model.model import Pathway, PathwayDefinition, validate_pathway
from pathway_model.model._seam import type_name

if TYPE_CHECKING:
    import jinja2

__all__ = ["BookletUnavailableError", "icon", "render"]

_INSTALL_HINT = 'pip install "pathway-model[booklet]"'

#: The pictures drawn for the booklet, each a file ``icons/<name>.svg``.
ICONS = (
    "ask", "calendar", "goal", "incident", "info", "me", "met", "not_yet", "person", "place",
    "progress", "safe", "shared", "step", "talk", "team", "time",
)  # fmt: skip


class BookletUnavailableError(PathwayModelError, ImportError):
    """Jinja2, which the booklet needs, is not installed.

    Install the optional extra: ``pip install "pathway-model[booklet]"``.
    """


def _read(*parts: str) -> str:
    return resources.files("pathway_model.booklet").joinpath(*parts).read_text(encoding="utf-8")


@functools.cache
def icon(name: str) -> str:
    """The SVG of the picture ``name``, as shipped with the package (the project's own)."""
    return _read("icons", f"{name}.svg").strip()


@functools.cache
def _environment() -> jinja2.Environment:
    try:
        import jinja2  # noqa: PLC0415 - an optional dependency
        import markupsafe  # noqa: PLC0415 - Jinja2's own dependency
    except ImportError as error:
        msg = f"the booklet needs Jinja2, which is not installed: {_INSTALL_HINT}"
        raise BookletUnavailableError(msg, name="jinja2") from error
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _read("templates", name)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals["chart"] = chart
    # An icon is the project's own SVG file, never text from a record: safe to include as is.
    environment.globals["icon"] = lambda name: markupsafe.Markup(icon(name))
    environment.globals["css"] = markupsafe.Markup(_read("templates", "booklet.css"))
    return environment


def render(
    pathway: Pathway, definition: PathwayDefinition, as_of: dt.date, *, easy_read: bool = False
) -> str:
    """Render the person's own My Shared Pathway booklet as one HTML document.

    The document is self-contained: its styles are inline, it has a print stylesheet,
    it runs no script and fetches nothing. It speaks to the person in the second person
    and in everyday words, in five sections: *About me*, *My goals, in my words*, *How I'm
    doing* (for each outcome area, the person's view and the team's over recent reviews, as
    a chart with a text alternative and as a table), *What I need to move on* (each exit
    criterion, met or not yet, with dates), and *When* (the next review, and questions to
    ask the team).

    Each goal's text appears exactly as written: it is escaped, never read as markup.
    Notes (on reviews, goals and incidents) are the team's and never appear. The only
    thing that names the person is their pseudonymous id. The same record, definition
    and date give the same document, byte for byte.

    Args:
        pathway: The person's record.
        definition: The definition the record follows.
        as_of: The date the booklet describes; it must fall inside one of the stays.
        easy_read: Whether to lay it out as Easy Read: one idea a line with a picture
            beside it, larger text, and fewer reviews.

    Returns:
        The HTML document, as text.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: The record has problems on ``definition``, or no stay covers
            ``as_of``.
        UnknownCodeError: The record uses a code the definition lacks.
        BookletUnavailableError: Jinja2 (the ``booklet`` extra) is not installed.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.booklet import render
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... )
        >>> page = render(pathway, SECURE_PATHWAY, dt.date(2024, 2, 1))
        >>> page.startswith("<!DOCTYPE html>"), "a medium secure hospital" in page
        (True, True)
    """
    if not isinstance(pathway, Pathway):
        raise WrongTypeError.single("pathway", "a Pathway", type_name(pathway))
    if not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single("definition", "a PathwayDefinition", type_name(definition))
    if not isinstance(easy_read, bool):
        raise WrongTypeError.single("easy_read", "True or False", type_name(easy_read))
    if type(as_of) is not dt.date:
        raise WrongTypeError.single("as_of", "a date (datetime.date)", type_name(as_of))
    environment = _environment()
    validate_pathway(pathway, definition)
    booklet = build(pathway, definition, as_of, easy_read=easy_read)
    return environment.get_template("booklet.html.j2").render(booklet=booklet)

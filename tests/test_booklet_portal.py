"""The portal example of the how-to "Put the booklet in a patient portal", called directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.test_booklet import EXAMPLE
from tests.test_examples import _run

HOW_TO = "docs/how-to/booklet.md"


@pytest.fixture(scope="module")
def respond() -> Any:
    """The how-to's ``booklet_response``, defined by running the page's own code."""
    return _run(HOW_TO)["booklet_response"]


class TestPortalExample:
    def test_refuses_another_persons_record(self, respond: Any) -> None:
        """A record whose id is not the signed-in person's is refused, with no booklet."""
        status, headers, body = respond(
            EXAMPLE.read_text(encoding="utf-8"), "P-0002", dt.date(2025, 1, 15)
        )
        assert (403, "Not your booklet.") == (status, body)
        assert "text/plain; charset=utf-8" == headers["Content-Type"]

    def test_serves_the_persons_own_booklet_uncached_with_a_policy(self, respond: Any) -> None:
        """The person's own record gives their booklet, never cached, with the page's policy."""
        status, headers, body = respond(
            EXAMPLE.read_text(encoding="utf-8"), "P-0001", dt.date(2025, 1, 15)
        )
        assert 200 == status
        assert "no-store" == headers["Cache-Control"]
        assert headers["Content-Security-Policy"] in body
        assert '<dt>Booklet number</dt><dd class="person-id">P-0001</dd>' in body

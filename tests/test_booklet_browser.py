"""The booklet in a real browser: headless Chromium, axe-core, phone and desktop widths, print.

Run with ``pytest -m browser``. It needs Debian's ``chromium`` and ``chromium-driver``, the
``selenium`` package, and axe-core from ``npm ci --prefix tests/browser`` (``.ci/run``
installs all of them). Every page is loaded from a file, with the network off.
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pathway_model.booklet import render
from pathway_model.catalogue import SECURE_PATHWAY
from tests.scenarios import SCENARIOS, Scenario
from tests.test_booklet import EXAMPLE_DAY, load_example

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
#: The rules of WCAG 2.2 levels A and AA that axe-core checks.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (320, 1280)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
#: Easy Read asks for text of at least 16 pt: 16 * 96 / 72 CSS pixels.
SIXTEEN_POINT_PX = 16 * 96 / 72
MAX_EASY_READ_PAGES = 20


def _busiest(scenarios: tuple[Scenario, ...]) -> Scenario:
    """The scenario with the most reviews and goals: the longest booklet."""
    return max(scenarios, key=lambda s: (len(s.pathway.reviews) + len(s.pathway.goals), s.slug))


def _many_goals() -> Any:
    """The example with twelve goals, two in each area: a long booklet to print."""
    import datetime as dt

    import pathway_model as pm

    pathway = load_example()
    domains = SECURE_PATHWAY.framework.domain_codes
    return pathway.with_goals(
        *(
            pm.Goal(
                id=f"extra-{number}",
                domain=sorted(domains)[number % len(domains)],
                description="Walk to the shop and buy what I need for the week.",
                set_by=("person", "team", "shared")[number % 3],
                set_on=dt.date(2024, 3, 1),
                target_date=dt.date(2025, 6, 1),
                achievement_status="improving",
            )
            for number in range(10)
        )
    )


PAGES: dict[str, tuple[Any, ...]] = {
    "many-goals": (_many_goals(), SECURE_PATHWAY, EXAMPLE_DAY),
    "example": (load_example(), SECURE_PATHWAY, EXAMPLE_DAY),
    "busiest-scenario": (
        _busiest(SCENARIOS).pathway,
        _busiest(SCENARIOS).definition,
        _busiest(SCENARIOS).as_of,
    ),
}


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="booklet-browser-") as name:
        yield Path(name)


@pytest.fixture(scope="module")
def driver(folder: Path) -> Iterator[Any]:
    # Imported here, not at the top: the default run collects this module without selenium.
    from selenium import webdriver

    binary = shutil.which("chromium")
    chromedriver = shutil.which("chromedriver")
    assert binary is not None, "install Debian's chromium (apt-get install -y chromium)"
    assert chromedriver is not None, "install chromium-driver (apt-get install -y chromium-driver)"
    assert AXE.exists(), "install axe-core: npm ci --prefix tests/browser"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={folder / 'profile'}")
    service = webdriver.ChromeService(executable_path=chromedriver)
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_script_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def _open(driver: Any, folder: Path, name: str, *, easy_read: bool, width: int) -> None:
    path = folder / f"{name}-{'easy' if easy_read else 'standard'}.html"
    if not path.exists():
        pathway, definition, day = PAGES[name]
        path.write_text(render(pathway, definition, day, easy_read=easy_read), encoding="utf-8")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    driver.get(path.as_uri())


def _axe(driver: Any) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG_TAGS,
    )
    return list(result)


VARIANTS = pytest.mark.parametrize("easy_read", [False, True], ids=["standard", "easy-read"])
SIZES = pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
NAMES = pytest.mark.parametrize("name", sorted(PAGES))


class TestInChromium:
    def test_axe_finds_violations_where_there_are_some(self, driver: Any, folder: Path) -> None:
        """The check can fail: a page without a language and a picture without words fails."""
        page = folder / "broken.html"
        page.write_text('<!DOCTYPE html><title>x</title><img src="data:,">', encoding="utf-8")
        driver.get(page.as_uri())
        assert {"html-has-lang", "image-alt"} <= {item["id"] for item in _axe(driver)}

    @NAMES
    @SIZES
    @VARIANTS
    def test_axe_finds_no_wcag_22_a_or_aa_violation(
        self, driver: Any, folder: Path, name: str, width: int, easy_read: bool
    ) -> None:
        """axe-core reports nothing against WCAG 2.2 A and AA, on a phone and a desktop."""
        _open(driver, folder, name, easy_read=easy_read, width=width)
        assert [] == _axe(driver)

    @NAMES
    @SIZES
    @VARIANTS
    def test_reflows_without_scrolling_sideways(
        self, driver: Any, folder: Path, name: str, width: int, easy_read: bool
    ) -> None:
        """At 320 px nothing is wider than the screen (WCAG 1.4.10, reflow)."""
        _open(driver, folder, name, easy_read=easy_read, width=width)
        scroll, client = driver.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
        )
        assert scroll <= client

    @NAMES
    @pytest.mark.parametrize("media", ["screen", "print"])
    def test_easy_read_text_is_at_least_16_point(
        self, driver: Any, folder: Path, name: str, media: str
    ) -> None:
        """Easy Read's paragraphs, items and cells are is 16 pt or more, on screen and paper."""
        _open(driver, folder, name, easy_read=True, width=1280)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
        sizes = driver.execute_script(
            "return [...document.querySelectorAll('main p, main li, main td, main th')]"
            ".map(e => parseFloat(getComputedStyle(e).fontSize));"
        )
        assert sizes
        assert min(sizes) >= SIXTEEN_POINT_PX - 0.01

    @NAMES
    @VARIANTS
    def test_prints_to_pdf(self, driver: Any, folder: Path, name: str, easy_read: bool) -> None:
        """Printing from the browser works; Easy Read fits in 20 A4 pages."""
        from selenium.webdriver.common.print_page_options import PrintOptions

        _open(driver, folder, name, easy_read=easy_read, width=1280)
        options = PrintOptions()
        options.page_width = 21.0
        options.page_height = 29.7
        pdf = base64.b64decode(driver.print_page(options))
        assert pdf.startswith(b"%PDF-")
        pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
        assert 1 <= pages
        if easy_read:
            assert pages <= MAX_EASY_READ_PAGES

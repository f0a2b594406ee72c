"""Make the screenshots of the booklet in the how-to "Put the booklet in a patient portal".

Run from the repository root, with Debian's ``chromium`` and ``chromium-driver`` and the
``selenium`` package installed::

    pip install -e ".[booklet]" selenium
    python docs/images/make_booklet_images.py

It renders the bundled example record (``examples/medium_secure.json``) on 15 January
2025, in both variants, and writes beside this script, each taken with headless Chromium:

- ``booklet-standard-phone.png``: the top of the page, 320 pixels wide;
- ``booklet-standard-desktop.png``: "How I'm doing", 1280 pixels wide;
- ``booklet-easy-read-phone.png``: the top of the Easy Read page, 320 pixels wide;
- ``booklet-easy-read-desktop.png``: Easy Read's "What I need to move on", 1280 pixels wide.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver

import pathway_model as pm
from pathway_model.booklet import render
from pathway_model.catalogue import SECURE_PATHWAY

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AS_OF = dt.date(2025, 1, 15)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--font-render-hinting=none",
)
#: Each picture: its file, the variant, the width and height of the screen, and where to scroll.
SHOTS = (
    ("booklet-standard-phone.png", False, 320, 640, None),
    ("booklet-standard-desktop.png", False, 1280, 800, "how-i-am-doing"),
    ("booklet-easy-read-phone.png", True, 320, 640, "about-me"),
    ("booklet-easy-read-desktop.png", True, 1280, 800, "moving-on"),
)


def main() -> None:
    """Write every screenshot."""
    loaded = pm.loads((ROOT / "examples" / "medium_secure.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, pm.Pathway)
    with tempfile.TemporaryDirectory(prefix="booklet-images-") as name:
        folder = Path(name)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={folder / 'profile'}")
        service = webdriver.ChromeService(
            executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"
        )
        browser = webdriver.Chrome(options=options, service=service)
        try:
            for file, easy_read, width, height, anchor in SHOTS:
                page = folder / f"{file}.html"
                page.write_text(
                    render(loaded, SECURE_PATHWAY, AS_OF, easy_read=easy_read), encoding="utf-8"
                )
                browser.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {
                        "width": width,
                        "height": height,
                        "deviceScaleFactor": 1,
                        "mobile": width < 600,
                    },
                )
                browser.get(page.as_uri())
                if anchor is not None:
                    browser.execute_script(
                        "document.getElementById(arguments[0]).scrollIntoView();", anchor
                    )
                browser.save_screenshot(str(HERE / file))
                print(f"wrote docs/images/{file}")
        finally:
            browser.quit()


if __name__ == "__main__":
    main()

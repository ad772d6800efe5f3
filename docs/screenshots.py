"""The README's screenshots of `pipeline serve`, made in headless Chromium (run from the repository root:
`.venv/bin/python docs/screenshots.py`; needs `make browser-deps`).

In: the test publication of tests/serving.py (an Urdu translation waiting for review, one English sentence
changed since it was translated), served by `pipeline serve`.
Out: docs/serve-preview.png (the held Urdu edition as the preview shows it) and docs/serve-review.png (the
review page).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests import browser  # noqa: E402
from tests.serving import REVIEWER, serving, waiting_publication  # noqa: E402


def main() -> None:
    root = waiting_publication(Path(tempfile.mkdtemp()) / "site")
    session = browser.Browser()
    try:
        with serving(root, "--reviewer", REVIEWER) as server:
            session.open(server.url)
            session.open(server.base + "/ur/mango.html", {"width": 1100, "height": 1000})
            session.driver.save_screenshot(str(HERE / "serve-preview.png"))
            session.open(server.base + "/review/mango/ur", {"width": 1280, "height": 1500})
            session.script("document.querySelectorAll('.segment')[1].classList.add('current');")
            session.driver.save_screenshot(str(HERE / "serve-review.png"))
    finally:
        session.close()


if __name__ == "__main__":
    main()

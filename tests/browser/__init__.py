"""Browser checks for tests: headless Chromium driven by Selenium, axe-core, the Nu HTML checker.

In: a folder of published pages. Out: what a reader's browser and two checkers say about them: axe-core
violations, console messages (Content-Security-Policy violations among them), the element that has the
keyboard focus, and the Nu checker's messages for every page, from one Java call.

Debian's `chromium` and `chromium-driver`, Java, and the npm packages pinned in `package.json` beside this
file (installed into `node_modules/` here) come from `make browser-deps`. Without them, `require()` skips
the calling test module and names that command. Nothing here reaches the network: pages are served from
127.0.0.1, and Selenium is given the driver's path (its manager never looks for one).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
VNU = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL = "make browser-deps"
PHONE = {"width": 390, "height": 844}  # CSS pixels of a common phone
DESKTOP = {"width": 1280, "height": 900}


def missing(*needs: str) -> list[str]:
    """Which of "chromium", "axe", "vnu" (the default: all) cannot run on this machine."""
    present = {
        "chromium": Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file(),
        "axe": AXE.is_file(),
        "vnu": VNU.is_file() and shutil.which("java") is not None,
    }
    return [name for name in (needs or tuple(present)) if not present[name]]


def require(*needs: str) -> None:
    """Skip the calling test module, naming the install command, when a browser tool is missing."""
    gone = missing(*needs)
    if gone:
        pytest.skip(f"browser tests need {', '.join(gone)}: run `{INSTALL}` (Debian chromium and chromium-driver, "
                    "Java, and the npm packages in tests/browser/package.json)", allow_module_level=True)


def vnu(pages: list[Path]) -> list[dict]:
    """The Nu HTML checker's messages (type, message, url, lastLine) for all pages, in one Java call."""
    # C1 only and one GC thread: half the CPU time of the defaults for one short run on a shared machine
    run = subprocess.run(["java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU),
                          "--format", "json", "--exit-zero-always", *map(str, pages)],
                         capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 0 or not run.stderr.strip():
        raise AssertionError(f"vnu.jar did not run (exit {run.returncode}): {run.stderr[-2000:]}")
    return json.loads(run.stderr)["messages"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet: no line per request
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Browser:
    """One headless Chromium session: open pages, run axe, read the console, press keys."""

    def __init__(self) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-extensions", "--no-first-run", "--lang=en-US",
                    f"--window-size={DESKTOP['width']},{DESKTOP['height']}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        self.driver.set_script_timeout(60)

    def close(self) -> None:
        self.driver.quit()

    def open(self, url: str, size: dict[str, int] = DESKTOP) -> None:
        """Load `url` in a viewport of `size`; the phone size is also a touch screen at 3x."""
        phone = size == PHONE
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {**size, "deviceScaleFactor": 3 if phone else 1, "mobile": phone})
        self.console()  # forget the previous page's messages
        self.driver.get(url)
        self.driver.execute_async_script("const done = arguments[0]; document.fonts.ready.then(() => done());")

    def console(self) -> list[dict]:
        """Console messages since the last call: level, message (CSP violations are SEVERE)."""
        return self.driver.get_log("browser")

    def axe(self) -> list[dict]:
        """axe-core's violations on the open page (every rule axe runs by default)."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[0];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
        if isinstance(result, str):
            raise AssertionError(f"axe-core failed: {result}")
        return result

    def script(self, source: str, *args: object) -> object:
        return self.driver.execute_script(source, *args)

    def links(self, selector: str = "a") -> list[dict]:
        """The visible links' colour, background and text-decoration-line (see LINKS_SCRIPT)."""
        return self.script(LINKS_SCRIPT, selector)

    def press_tab(self) -> dict:
        """Press Tab; the focused element's tag, class, text, box and outline as the page shows them."""
        ActionChains(self.driver).send_keys(Keys.TAB).perform()
        return self.script(
            "const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();"
            "return {tag: e.tagName.toLowerCase(), cls: e.className, text: e.textContent.trim(),"
            " outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),"
            " top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
            " width: innerWidth, height: innerHeight};")


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS colours as getComputedStyle gives them ("rgb(27, 27, 27)")."""
    def luminance(colour: str) -> float:
        channels = [float(c) / 255 for c in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# Every link's text colour, underline and the first opaque background behind it (axe's colour-contrast rule
# passes over text that is only punctuation, such as a footnote's "^").
LINKS_SCRIPT = """
return [...document.querySelectorAll(arguments[0])].filter(a => a.getClientRects().length).map(a => {
  let e = a, bg = 'rgba(0, 0, 0, 0)';
  while (e && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(e).backgroundColor;
    e = e.parentElement; }
  const s = getComputedStyle(a);
  return {html: a.outerHTML.slice(0, 100), color: s.color, background: bg, line: s.textDecorationLine};
});"""


def summary(violations: list[dict]) -> list[str]:
    """One line per violation: impact, rule, and the first few elements it names."""
    return [f"{v['impact']}: {v['id']} ({v['help']}): " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
            for v in violations]

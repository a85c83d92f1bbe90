"""Real Chromium for the page's tests, in one place: starting it, the drafting page's server, waiting, clicking, screenshots.

A test file imports this after `pytest.importorskip("selenium")`. The `chromium` fixture (conftest.py)
finds the browser and its driver, and the fixtures `browser`, `laptop` and `served` there are made
with what is here; `chrome` starts one (headless, in Vietnamese) at the size asked:
`window` sizes the window, `viewport` gives the page itself that size (a window of a size loses its
frame's height to the page). Screenshots are written to $TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from conftest import filled, serve_process, stop_process

WAIT = 30
SUMMARY = '#fields textarea[data-field="trich_yeu"]'
"""The summary's box in the form."""
LAPTOP = (1366, 768)
"""An office laptop's screen."""

ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi")


def start(
    chromium: tuple[str, str],
    *,
    window: tuple[int, int] | None = None,
    viewport: tuple[int, int] | None = None,
    downloads: Path | None = None,
    arguments: Iterable[str] = (),
) -> webdriver.Chrome:
    """Start a headless Chromium; the caller quits it. Files it downloads go to downloads, when given."""
    binary, driver_path = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    size = () if window is None else (f"--window-size={window[0]},{window[1]}",)
    for argument in (*ARGUMENTS, *size, *arguments):
        options.add_argument(argument)
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        if viewport is not None:
            width, height = viewport
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
            )
        if downloads is not None:
            driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    except BaseException:
        driver.quit()
        raise
    return driver


@contextmanager
def chrome(
    chromium: tuple[str, str],
    *,
    window: tuple[int, int] | None = None,
    viewport: tuple[int, int] | None = None,
    downloads: Path | None = None,
    arguments: Iterable[str] = (),
) -> Iterator[webdriver.Chrome]:
    """A Chromium started as `start` does, quit on leaving."""
    driver = start(chromium, window=window, viewport=viewport, downloads=downloads, arguments=arguments)
    try:
        yield driver
    finally:
        driver.quit()


class Served:
    """A `tbkl serve` process over a workspace, and the URL it printed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process, line = serve_process(root)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)", line)
        assert found, line + self.process.stderr.read()
        self.base, self.token = found.groups()
        self.url = f"{self.base}/?token={self.token}"
        # What the server writes next is read as it comes (a full pipe would stop the server) and kept for
        # the message of a wait that failed.
        self.log: list[str] = []
        self.reader = threading.Thread(target=self.log.extend, args=(self.process.stderr,), daemon=True)
        self.reader.start()

    def stop(self) -> None:
        stop_process(self.process, reader=self.reader)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the server wrote (its warnings and errors), for the message of a failed wait."""
        return "".join(self.log[-lines:])


@contextmanager
def serving(root: Path) -> Iterator[Served]:
    """`tbkl serve` over root, stopped on leaving."""
    server = Served(root)
    try:
        yield server
    finally:
        server.stop()


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    """Save what the person sees, when $TBKL_SCREENSHOTS names a folder for it."""
    folder = os.environ.get("TBKL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def wait(driver: webdriver.Chrome, condition, timeout: float = WAIT):  # noqa: ANN001, ANN201
    """Wait until condition(driver) is true; return what it returned.

    An element not there yet, or redrawn by the page between the condition's find and its read
    (the form is drawn again after a check or a save), is asked for again at the next poll.
    """
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d)
    )


def find(driver: webdriver.Chrome, selector: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, selector)


def text_of(driver: webdriver.Chrome, selector: str) -> str:
    """The text of the element selector finds, read in one step ("" where there is none)."""
    return str(driver.execute_script("return document.querySelector(arguments[0])?.innerText || ''", selector))


def click(driver: webdriver.Chrome, element: WebElement) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def press(driver: webdriver.Chrome, selector: str) -> None:
    """Click the element at selector once it is there; one the page draws again between the find and the click
    (the review's panel and notes after each answer of the server) is found anew."""
    wait(driver, lambda d: click(d, find(d, selector)) is None)


def retype(element: WebElement, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def log_in(driver: webdriver.Chrome, login: str, password: str) -> None:
    """Fill in the login page's form and send it, as a person does."""
    wait(driver, lambda d: "/dang-nhap" in d.current_url and d.find_elements(By.ID, "ten_dang_nhap"))
    find(driver, "#ten_dang_nhap").clear()
    find(driver, "#ten_dang_nhap").send_keys(login)
    find(driver, "#mat_khau").send_keys(password)
    find(driver, "#login-submit").click()


def checked_after(driver: webdriver.Chrome, before: str) -> None:
    """Wait until the page has the check of the latest edit (its preview and problems drawn).

    before is last_check's answer, read before the edit: the edit has reached the page once the page
    said "tbkl:changed" since then (it marks the preview stale at once); its check is drawn once the
    page's last check is another and the preview is no longer stale (a check of an earlier edit that
    ends after this one is dropped by the page, and leaves the preview stale).
    """
    wait(driver, lambda d: d.execute_script("return window.tbklTestEdits ? window.tbklTestEdits.count : 0") > 0)
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-checked") not in (None, before))
    wait(driver, lambda d: "stale" not in d.find_element(By.ID, "live").get_attribute("class"))


def last_check(driver: webdriver.Chrome) -> str:
    """The page's last check, read before an edit; from here on the edits the page takes are counted, for checked_after."""
    return str(
        driver.execute_script(
            """
            if (!window.tbklTestEdits) {  // once a page load
              window.tbklTestEdits = { count: 0 };
              document.addEventListener("tbkl:changed", () => { window.tbklTestEdits.count += 1; });
            }
            window.tbklTestEdits.count = 0;
            return document.body.dataset.checked || "";
            """
        )
    )


def select_text(driver: webdriver.Chrome, editor: WebElement, start: int, end: int | None = None) -> None:
    """Select the characters start..end of a rich field's text (a caret at start without end)."""
    driver.execute_script(
        """
        const [editor, start, end] = arguments;
        const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (node.parentElement.closest("sup.fn")) continue;
          const length = node.data.length;
          if (start >= seen && start <= seen + length) range.setStart(node, start - seen);
          if (end >= seen && end <= seen + length) { range.setEnd(node, end - seen); break; }
          seen += length;
        }
        editor.focus();
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        """,
        editor,
        start,
        start if end is None else end,
    )


def open_page(driver: webdriver.Chrome, served: Served) -> None:
    driver.get(served.url)
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")


# What the page shows and what it heard, said when a wait on it fails (a bare timeout says nothing):
# the view, the file, the banner, the status, the preview's start, the rows, and (from open_page on)
# the presses, releases and clicks with their targets and each drawing of the list.
PAGE_STATE = """
const shown = (selector) => { const e = document.querySelector(selector); return e && !e.hidden ? e.innerText.slice(0, 300) : null; };
return {
  url: location.href, ready: document.body.dataset.ready, checked: document.body.dataset.checked,
  list_shown: !document.querySelector('#list-view').hidden, editor_shown: !document.querySelector('#editor-view').hidden,
  file: shown('#file-name'), banner: shown('#banner'), status: shown('#status'), live: shown('#live'),
  rows: [...document.querySelectorAll('#notices tr[data-path]')].map((row) => row.dataset.path),
  heard: window.tbklTestHeard || null,
};
"""
LISTEN = """
window.tbklTestHeard = [];
const heard = (...what) => window.tbklTestHeard.push([Math.round(performance.now()), ...what]);
for (const name of ['mousedown', 'mouseup', 'click']) {
  document.addEventListener(name, (e) => heard(name, e.target.tagName, (e.target.textContent || '').slice(0, 20), e.target.isConnected), true);
}
for (const name of ['tbkl:listed', 'tbkl:opened']) document.addEventListener(name, () => heard(name));
"""


def page_state(driver: webdriver.Chrome) -> dict[str, object]:
    """What the page shows and heard (PAGE_STATE), for the message of a wait that failed."""
    return dict(driver.execute_script(PAGE_STATE))


def opened(driver: webdriver.Chrome, path: str, served: Served | None = None) -> None:
    """Wait until the page shows the notice at path (relative to the workspace) with its first check drawn.

    A notice that does not open fails with what the page shows and heard (page_state) and what the
    server wrote meanwhile, when served is given.
    """
    shown = """
      const [path] = arguments;
      return !document.querySelector('#editor-view').hidden && document.querySelector('#file-name').textContent === path
        && document.body.dataset.checked !== undefined && !document.querySelector('#live').classList.contains('stale');
    """
    try:
        wait(driver, lambda d: d.execute_script(shown, path))
    except TimeoutException:
        log = f"; the server wrote: {served.log_tail()!r}" if served is not None else ""
        raise AssertionError(f"{path} did not open on the page: {page_state(driver)}{log}") from None


def open_first(driver: webdriver.Chrome, served: Served) -> None:
    """Open the page and the first notice of its list by its "Mở"; wait until the page shows that notice, checked."""
    open_page(driver, served)
    driver.execute_script(LISTEN)
    button = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#notices tr[data-path] td.actions button"))  # "Mở"
    path = str(driver.execute_script("return arguments[0].closest('tr').dataset.path", button))
    click(driver, button)
    opened(driver, path, served)


def fill_skeleton(driver: webdriver.Chrome) -> None:
    """Retype, in the page, every block that still holds a sample of the new notice's skeleton (an error until then)."""
    for editor in driver.find_elements(By.CSS_SELECTOR, "#outline .rich"):
        if editor.text != filled(editor.text):
            before = last_check(driver)
            click(driver, editor)
            editor.send_keys(Keys.CONTROL, "a")
            editor.send_keys(filled(editor.text))
            checked_after(driver, before)


def open_notice(driver: webdriver.Chrome, served: Served, path: Path) -> None:
    """Open the notice at path by its address (the page's token kept as the cookie); wait for its preview."""
    relative = path.relative_to(served.root).as_posix()
    open_page(driver, served)  # the token, kept as the cookie
    driver.get(f"{served.base}/#{relative}")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    opened(driver, relative)


def leave_anyway(driver: webdriver.Chrome) -> None:
    """Accept the "leave the page?" question a page with unsaved edits asks, if Chromium asked it."""
    try:
        driver.switch_to.alert.accept()
    except NoAlertPresentException:
        pass


def summary_value(driver: webdriver.Chrome) -> str:
    """The summary's text, read in one step (the form may be redrawn between a find and a read)."""
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.value : '';", SUMMARY)


# What Word puts on the clipboard for two numbered paragraphs, one with bold words and one with italic ones.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoListParagraph {margin:0}</style></head>
<body lang=VI><!--StartFragment-->
<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]><b>Sở
Tài chính</b> chủ trì, tham mưu bố trí kinh phí;<o:p></o:p></p>
<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]>Sở
Xây dựng <i>phối hợp</i> thực hiện.<o:p></o:p></p>
<!--EndFragment--></body></html>"""


def paste(driver: webdriver.Chrome, element: WebElement, html: str | None, text: str) -> None:
    """Paste into element what a copy puts on the clipboard: HTML (when given) and plain text."""
    driver.execute_script(
        """
        const [element, html, text] = arguments;
        const data = new DataTransfer();
        if (html !== null) data.setData("text/html", html);
        data.setData("text/plain", text);
        element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
        """,
        element,
        html,
        text,
    )

"""The review desk in Chromium, issue 18: the queue screen is compact enough on a laptop (1366×768, 1280×800)
that the first four suggested codes of a row, the head of its text and the accept button are all in sight
without scrolling; the merged toolbar's filters still work with the mouse and the keyboard.

Same server, browser and page as ``test_desk_browser.py``; the 5-row call for projects of
``test_desk_context_and_stats.py``. Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import pytest

from tests import test_desk_browser as desk
from tests.test_desk_browser import shot, sync_api
from tests.test_desk_context_and_stats import upload

server = desk.server
browser = desk.browser
page = desk.page

pytestmark = pytest.mark.slow  # a real server and a browser
SIZES = [{"width": 1366, "height": 768}, {"width": 1280, "height": 800}]


def in_view(page, selector: str, size: dict) -> dict:
    """The element's box, asserted fully inside the window."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"] + 0.5, (selector, box)
    assert box["y"] + box["height"] <= size["height"] + 0.5, (selector, box)
    return box


def within(inner: dict, outer: dict) -> bool:
    return inner["y"] >= outer["y"] - 0.5 and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5


def assert_four_codes_in_sight(page, size: dict) -> None:
    """The first four code rows inside the window and inside the visible part of the codes column (not under
    its sticky action bar), the text pane's head and the accept button too (once the row is laid out)."""
    page.wait_for_selector("#queue-slot #codes .code-row:nth-child(4)")
    for _ in range(30):
        try:
            return four_codes_in_sight(page, size)
        except AssertionError:
            page.wait_for_timeout(100)
    four_codes_in_sight(page, size)


def four_codes_in_sight(page, size: dict) -> None:
    pane = page.locator("#queue-slot").bounding_box()
    actions = page.locator("#queue-slot .actions").bounding_box()
    visible = {"y": pane["y"], "height": actions["y"] - pane["y"]}  # the part above the action bar
    for n in range(1, 5):
        box = in_view(page, f"#queue-slot #codes > li:nth-child({n})", size)
        assert within(box, visible), (n, box, visible)
    in_view(page, "#queue-doc-title", size)
    in_view(page, "#submit", size)
    in_view(page, "#item-next", size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_four_codes_and_accept_in_sight_on_a_laptop(page, server, tmp_path, size):
    """At 1366×768 and 1280×800: four codes, the text head and « Accepter » in sight, on every row met with →;
    the toolbar's filters with the mouse (Quartier) and the keyboard (Code, then Statut)."""
    page.set_viewport_size(size)
    upload(page, server, tmp_path, name=f"appel-compact-{size['width']}.csv")
    sync_api.expect(page.locator("#queue-progress-text")).to_contain_text("0 demande relue")
    for selector in ("#queue-name", "#queue-progress-text", "#export-csv", "#export-xlsx", "#queue-stats-link",
                     "#queue-change", "#sort-confidence", "#sort-file", "#filter-status", "#filter-band",
                     "#filter-code", "#bulk-accept", "#help-button", "#project-picker"):
        in_view(page, selector, size)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"93-compact-queue-{size['width']}")

    # The notes on reading the file, now in the toolbar: opened with the mouse over the page, closed with Entrée.
    summary = page.locator("#queue-notes-summary")
    sync_api.expect(summary).to_have_text("Lecture du fichier : 2 remarques")
    summary.click()
    notes = page.locator("#queue-notes-list")
    sync_api.expect(notes).to_be_visible()
    in_view(page, "#queue-notes-list", size)
    shot(page, f"95-compact-notes-{size['width']}")
    summary.focus()
    page.keyboard.press("Enter")
    sync_api.expect(notes).to_be_hidden()

    page.locator("#main").focus()
    for _ in range(4):  # every row of the file (the last one is scrolled too)
        assert_four_codes_in_sight(page, size)
        if page.locator("#item-next").is_disabled():
            break
        page.keyboard.press("ArrowRight")

    # Mouse: Quartier « Borny » keeps two rows.
    count = page.locator("#filter-count")
    page.locator("#filter-district").select_option("Borny")
    sync_api.expect(count).to_have_text("2 demandes correspondent aux filtres")
    sync_api.expect(page.locator("#item-position")).to_contain_text("filtrées (5 en tout)")
    assert_four_codes_in_sight(page, size)
    shot(page, f"94-compact-filtered-{size['width']}")
    page.click("#filter-clear")
    sync_api.expect(count).to_have_text("")

    # Keyboard: Tab from the order buttons reaches the filters; the status chosen with the arrow keys.
    page.locator("#sort-file").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-status"
    page.keyboard.press("ArrowDown")  # « à revoir »
    assert page.locator("#filter-status").input_value() == "open"
    sync_api.expect(count).to_have_text("5 demandes correspondent aux filtres")
    page.locator("#filter-code").focus()
    page.keyboard.type("zz.99")
    sync_api.expect(count).to_have_text("0 demande correspond aux filtres")
    page.keyboard.press("Escape")
    page.click("#filter-clear")
    sync_api.expect(count).to_have_text("")
    assert_four_codes_in_sight(page, size)

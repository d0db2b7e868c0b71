"""The review desk in Chromium, issue 18 point 2: one number per code, in French per cent, explained on hover
and on keyboard focus; a text without any known word shows no ticked code and says why.

Same server, browser and page as ``test_desk_browser.py`` (its fixtures are imported). Screenshots go to
``tests/artifacts/``.
"""

from __future__ import annotations

import re

import pytest

from tests import test_desk_browser as desk
from tests.test_desk_browser import APPLICATION, label_table, shot, sync_api, ticked_ids

server = desk.server
browser = desk.browser
page = desk.page

pytestmark = pytest.mark.slow  # a real server and a browser

PERCENT = re.compile(r"(\d\d?|[<>]\u00a0(1|99))\u00a0%")
"""« 87 % », « > 99 % », « < 1 % » (no-break spaces); never « 100 % » nor « 0,87 »."""
CODE_TIP = "Probabilité calibrée que ce code soit juste pour cette demande"
SET_TIP = "Probabilité calibrée que les codes cochés forment exactement le bon ensemble"
HINT_TIP = "Probabilité calibrée que la demande relève de cet objectif"
NO_EVIDENCE = "Aucun mot du texte ne justifie un code : à classer à la main."


def tooltip(page):
    return page.locator("#tooltip")


def described_by(page, locator) -> str:
    """The accessible description of an element (the text of what its aria-describedby names)."""
    return locator.evaluate("n => n.getAttribute('aria-describedby').split(' ')"
                            ".map(id => document.getElementById(id).textContent).join(' ')")


def fresh(page, server: str) -> None:
    """The desk opened anew (to paste another application)."""
    page.goto(server)
    page.wait_for_selector("body[data-ready='true']")


def tab_to(page, selector: str, key: str = "Tab", most: int = 12) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    for _ in range(most):
        page.keyboard.press(key)
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never got the focus with {key}")


def test_scores_in_percent_explained_on_hover_and_focus(page, server):
    """Real suggestions, then a decision and a hint at the edges: per cent everywhere, « > 99 % » and « < 1 % »
    at the ends, and what each number is on hover (mouse) and on focus (Tab, Shift+Tab), Échap hides it."""
    page.fill("#text-input", APPLICATION)
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    numbers = page.locator("#codes .score-number").all_inner_texts()
    assert numbers and all(PERCENT.fullmatch(n.strip()) for n in numbers), numbers

    # The mouse: hovering a code's number explains it; leaving hides the explanation.
    first = page.locator("#codes li.code-row").first.locator(".score-number")
    first.hover()
    sync_api.expect(tooltip(page)).to_be_visible()
    sync_api.expect(tooltip(page)).to_contain_text(CODE_TIP)
    assert CODE_TIP in described_by(page, first)  # screen readers hear the same words
    shot(page, "30-code-number-hover")
    page.mouse.move(5, 5)
    sync_api.expect(tooltip(page)).to_be_hidden()

    # The keyboard: from the first code's box, Tab reaches its number, which shows the same explanation.
    page.locator("#codes input[type=checkbox]").first.focus()
    tab_to(page, "#codes li.code-row:first-child .score-number")
    sync_api.expect(tooltip(page)).to_be_visible()
    sync_api.expect(tooltip(page)).to_contain_text(CODE_TIP)
    shot(page, "31-code-number-focus")
    page.keyboard.press("Escape")  # Échap hides it, the focus stays
    sync_api.expect(tooltip(page)).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('score-number')")

    # A decision and a hint at the edges of the scale (a stubbed answer): never « 100 % », never « 0 % ».
    def at_the_edges(route):
        response = route.fetch()
        body = response.json()
        body["suggestions"][0]["score"] = 0.9996
        body["suggestions"][-1]["score"] = 0.003
        body["decision"] = {"confidence": 0.79, "route": "objective"}
        first = body["suggestions"][0]
        body["objective_hint"] = {**first, "code": first["objective"]["code"], "label": first["objective"]["label"],
                                  "level": "objective", "score": 0.9996, "evidence": []}
        route.fulfill(response=response, json=body)

    page.route("**/suggest", at_the_edges)
    fresh(page, server)
    page.fill("#text-input", APPLICATION)
    page.click("#suggest-button")
    sync_api.expect(page.locator("#codes li.code-row").first.locator(".score-number")).to_have_text(
        ">\u00a099\u00a0%")
    sync_api.expect(page.locator("#codes li.code-row").last.locator(".score-number")).to_have_text("<\u00a01\u00a0%")
    sync_api.expect(page.locator("#decision-confidence")).to_have_text("79\u00a0%")
    sync_api.expect(page.locator("#hint-score")).to_have_text("(>\u00a099\u00a0%)")
    assert "100" not in page.locator("#review").inner_text()

    page.locator("#decision-confidence").hover()
    sync_api.expect(tooltip(page)).to_contain_text(SET_TIP)
    shot(page, "32-set-confidence-hover")
    page.locator("#codes input[type=checkbox]").first.focus()
    tab_to(page, "#hint-score .tip", key="Shift+Tab")  # back up from the codes to the hint's number
    sync_api.expect(tooltip(page)).to_be_visible()
    sync_api.expect(tooltip(page)).to_contain_text(HINT_TIP)
    shot(page, "33-hint-number-focus")
    tab_to(page, "#decision-confidence", key="Shift+Tab")
    sync_api.expect(tooltip(page)).to_contain_text(SET_TIP)
    assert SET_TIP in described_by(page, page.locator("#decision-confidence"))


def test_text_without_known_word_ticks_nothing(page, server):
    """Nonsense, submitted with the keyboard: no ticked code, no hint, no highlighted word, and the French
    message; the ranking is still listed for whoever classifies by hand."""
    words = label_table(server)
    page.fill("#text-input", "xxxxx 12345 ?!")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    sync_api.expect(page.locator("#warnings")).to_contain_text(NO_EVIDENCE)
    sync_api.expect(page.locator("#decision")).to_have_text(words["route"]["insufficient"].capitalize())
    assert ticked_ids(page) == []
    sync_api.expect(page.locator("#hint")).to_be_hidden()
    assert page.locator("#review mark.ev, #single-doc mark.ev").count() == 0
    shot(page, "34-nonsense-text")

    # A real application afterwards is ticked as before.
    fresh(page, server)
    page.fill("#text-input", APPLICATION)
    page.click("#suggest-button")
    sync_api.expect(page.locator("#warnings")).to_be_hidden()
    page.wait_for_function("document.querySelectorAll('#codes input[type=checkbox]:checked').length > 0")


def test_queue_row_without_known_word_comes_first_and_says_why(page, server, tmp_path):
    """In a call for projects, the row of nonsense is queued first (confidence 0), unticked, with the message;
    the keyboard moves on to a real application, whose numbers are in per cent."""
    path = tmp_path / "appel-bruit.csv"
    path.write_text("N° dossier;Libellé de l'action;Objectif\n"
                    "R-1;Ateliers sociolinguistiques à Borny;Permettre à des mères de progresser en français oral "
                    "et écrit, deux matinées par semaine.\n"
                    "R-2;xxxxx;12345 ?! zzz qqq\n", encoding="utf-8")
    page.goto(server + "#file")
    page.wait_for_selector("#queue-form")
    page.set_input_files("#queue-file", str(path))
    page.locator("#queue-submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
    sync_api.expect(page.locator("#item-position")).to_have_text("Demande 1 sur 2")
    sync_api.expect(page.locator("#warnings")).to_contain_text(NO_EVIDENCE)
    assert ticked_ids(page) == []
    shot(page, "35-queue-nonsense-first")
    page.keyboard.press("ArrowRight")  # the next application
    sync_api.expect(page.locator("#item-position")).to_have_text("Demande 2 sur 2")
    sync_api.expect(page.locator("#warnings")).to_be_hidden()
    page.wait_for_function("document.querySelectorAll('#codes input[type=checkbox]:checked').length > 0")
    numbers = page.locator("#codes .score-number").all_inner_texts()
    assert numbers and all(PERCENT.fullmatch(n.strip()) for n in numbers), numbers

"""The review desk in Chromium, issue 18: the code search that knows the officers' words (item 4) and the
accept button that answers the mouse as well as the keys (item 6).

Same server, browser and page as ``test_desk_browser.py`` (its fixtures are imported): the real service with a
throw-away feedback database, driven with Playwright. Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests import test_desk_browser as desk
from tests.test_desk_browser import (
    APPLICATION,
    QUEUE_COLUMNS,
    QUEUE_ROWS,
    _get,
    all_ids,
    project_name,
    shot,
    sync_api,
    ticked_ids,
)

# The fixtures of test_desk_browser.py: the server, the browser and a fresh page that fails on page errors.
server = desk.server
browser = desk.browser
page = desk.page

pytestmark = pytest.mark.slow  # a real server and a browser

LAPTOP = {"width": 1366, "height": 768}

# Everyday searches of instruction officers in the Metz 2015-2020 tree, and the code that must come first.
EVERYDAY = [
    ("ASL", "2.11.1", "ASL"),                                       # ateliers sociolinguistiques
    ("ateliers sociolinguistiques", "2.11.1", "atelier sociolinguistique"),
    ("IAE", "2.12.2", "IAE"),                                       # insertion par l'activité économique
    ("chantier d'insertion", "2.12.2", "atelier chantier d'insertion"),
    ("adultes-relais", "2.3.3", "adulte-relais"),                  # plural typed, singular in the lexicon
    ("jardin partagé", "3.7.5", "jardin partagé"),
    ("alphabétisation", "2.11.1", "alphabétisation"),
    ("aide aux devoirs", "2.8.1", "aide aux devoirs"),
    ("Ville Vie Vacances", "1.9.1", "Ville Vie Vacances"),
    ("seniors", "1.4.3", "seniors"),
    ("PRE", "2.8.2", "PRE"),                                        # programme de réussite éducative
]


def open_review(page) -> None:
    page.fill("#text-input", APPLICATION)
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")


def search(page, query: str) -> list[str]:
    """Type a query in the code search; the ids of the options listed."""
    page.fill("#picker-input", query)
    page.wait_for_selector("#picker-list:not([hidden])")
    return page.eval_on_selector_all("#picker-list [role=option][data-id]", "els => els.map(e => e.dataset.id)")


def option_text(page, code_id: str) -> str:
    return page.locator(f"#picker-list [role=option][data-id='{code_id}']").inner_text()


def test_tree_sends_what_the_search_looks_in(server):
    """The tree the desk loads has each code's lexicon and description, and its nodes' descriptions."""
    body = json.loads(_get(server + f"v1/projects/{project_name(server)}/objectives")[1])
    leaf = next(leaf for leaf in body["leaves"] if leaf["id"] == "2.11.1")
    assert {"ASL", "atelier sociolinguistique", "FLE"} <= set(leaf["lexicon"]) and leaf["description"] == ""
    assert body["tree"][0]["description"].startswith("L'axe 1 du Contrat de Ville")


def test_code_search_finds_lexicon_words(page, server):
    """Everyday words find their codes through the lexicon, whole words first, each option saying why; the
    label and the code still rank first; « FLE » is not the inside of « Réfléchir »."""
    page.set_viewport_size(LAPTOP)
    open_review(page)
    page.locator("#codes input[type=checkbox]").first.focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "picker-input"

    for query, expected, term in EVERYDAY:
        ids = search(page, query)
        assert ids and ids[0] == expected, (query, ids)
        why = page.locator(f"#picker-list [role=option][data-id='{expected}'] .picker-why").first
        sync_api.expect(why).to_contain_text(re.compile(r"^Mots?-clés? : "))
        assert term.lower() in why.inner_text().lower(), (query, why.inner_text())
    shot(page, "30-search-lexicon")  # « PRE »: the acronym of the lexicon, not « pré-adolescents »
    assert "1.9.1" not in search(page, "PRE")

    # « FLE »: the acronym (français langue étrangère), never « Réfléchir » (3.3.1) nor « fléchage » (4.13).
    ids = search(page, "FLE")
    assert ids[0] == "2.11.1" and "3.3.1" not in ids and "4.13" not in ids
    assert page.locator("#picker-list mark.picker-hit").first.inner_text() == "FLE"

    # Words the lexicon has in several codes: « numérique » (conseiller numérique, aidants numériques…).
    ids = search(page, "numérique")
    assert {"2.13.1", "2.4.1", "2.3.2"} <= set(ids)
    ids = search(page, "parcours emploi")
    assert ids[0] == "2.12.2"  # « parcours d'insertion », under « … l'accès à l'emploi pour des parcours … »
    assert "Objectif stratégique S2.4" in option_text(page, "2.12.2")
    assert search(page, "soutien scolaire"), "no « Aucun code ne correspond » for an everyday search"

    # The label ranks above the lexicon; a label match needs no explanation.
    ids = search(page, "médiation")
    assert set(ids[:2]) == {"2.3.1", "2.3.3"} and "2.5.1" in ids  # 2.5.1: « médiation en santé »
    assert page.locator("#picker-list [data-id='2.3.3'] .picker-why").count() == 0
    assert "Mot-clé : médiation en santé" in option_text(page, "2.5.1")
    ids = search(page, "developper")  # accent-insensitive, a whole word of the labels
    assert "développer" in option_text(page, ids[0]).lower()
    assert search(page, "2.11") == ["2.11.1"]  # codes as before

    # No code with every word: those with some of them, said so.
    search(page, "primo-arrivants")
    sync_api.expect(page.locator("#picker-list .picker-note")).to_contain_text("une partie")

    # Keyboard: ↓ ↑ then Entrée adds the code; the mouse adds another one.
    search(page, "ASL")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.locator("#picker-list .is-active").get_attribute("data-id") == "2.11.1"
    shot(page, "31-search-asl")
    page.keyboard.press("Enter")
    assert "2.11.1" in ticked_ids(page)
    page.keyboard.press("/")
    search(page, "jardin partagé")
    shot(page, "32-search-jardin")
    page.locator("#picker-list [data-id='3.7.5']").click()
    assert "3.7.5" in ticked_ids(page) and "3.7.5" in all_ids(page)


def test_code_search_browses_the_tree(page, server):
    """With nothing typed, the list is the tree: axe › objectif stratégique › objectif opérationnel, then the
    codes; the arrows walk the codes, Entrée adds one; typing searches again, emptying the box browses again."""
    page.set_viewport_size(LAPTOP)
    project = project_name(server)
    leaves = json.loads(_get(server + f"v1/projects/{project}/objectives")[1])["leaves"]
    open_review(page)
    page.locator("#codes input[type=checkbox]").first.focus()
    page.keyboard.press("/")
    listbox = page.locator("#picker-list")
    sync_api.expect(listbox).to_be_visible()
    options = listbox.locator("[role=option]")
    assert options.count() == len(leaves)
    assert page.eval_on_selector_all("#picker-list [role=option]", "els => els.map(e => e.dataset.id)") == [
        leaf["id"] for leaf in leaves]
    first_group = listbox.locator("[role=group]").first
    heads = first_group.locator(".picker-head").all_inner_texts()
    assert heads[0].startswith("Axe 1 · ")
    assert heads[1].startswith("Objectif stratégique S1.1 · Favoriser le bien vivre ensemble")
    assert heads[2].startswith("Objectif opérationnel 1.1 · En luttant contre la délinquance")
    label = first_group.get_attribute("aria-label")
    assert label.startswith("Axe 1 : ") and " › Objectif opérationnel 1.1 : " in label
    assert page.get_attribute("#picker-input", "aria-activedescendant") is None
    before = (all_ids(page), ticked_ids(page))
    page.keyboard.press("Enter")  # nothing chosen yet with the arrows: nothing added
    assert (all_ids(page), ticked_ids(page)) == before
    sync_api.expect(listbox).to_be_visible()

    # Axis 4: codes directly under their strategic objective.
    group_4 = listbox.locator("[role=group]:has([data-id='4.1'])")
    assert group_4.locator(".picker-head").all_inner_texts()[-1].startswith("Objectif stratégique S4.1 · ")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = listbox.locator(".is-active")
    assert active.get_attribute("data-id") == leaves[1]["id"]
    assert page.get_attribute("#picker-input", "aria-activedescendant") == active.get_attribute("id")
    shot(page, "33-search-tree")
    page.keyboard.press("ArrowUp")
    assert listbox.locator(".is-active").get_attribute("data-id") == leaves[0]["id"]
    page.keyboard.type("asl")
    assert listbox.locator("[role=option]").first.get_attribute("data-id") == "2.11.1"
    page.fill("#picker-input", "")
    assert listbox.locator("[role=option]").count() == len(leaves)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert leaves[0]["id"] in ticked_ids(page)
    assert page.evaluate("document.activeElement.type") == "checkbox"
    sync_api.expect(listbox).to_be_hidden()

    # Échap closes the tree, then leaves the box.
    page.keyboard.press("/")
    sync_api.expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    sync_api.expect(listbox).to_be_hidden()
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.type") == "checkbox"


def _click_accept(page) -> None:
    """Click « Accepter » with the mouse, where it is drawn: nothing lies over it, it is not disabled."""
    button = page.locator("#submit")
    button.scroll_into_view_if_needed()
    sync_api.expect(button).to_be_enabled(timeout=2_000)
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    on_top = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); "
                           "return e && e.closest('#submit') ? 'submit' : (e ? e.outerHTML.slice(0, 120) : null); }",
                           [x, y])
    assert on_top == "submit", f"something lies over the accept button: {on_top}"
    page.mouse.click(x, y)


def test_queue_accept_with_the_mouse(page, server, tmp_path):
    """After an upload, the first row's « Accepter » answers the mouse as well as Entrée, and still does when an
    application was drawn while another request was on its way (a suggestion in the other mode)."""
    page.set_viewport_size(LAPTOP)
    path = tmp_path / "appel-souris.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([QUEUE_COLUMNS, *QUEUE_ROWS])
    page.goto(server + "#file")
    page.wait_for_selector("#queue-form")
    page.set_input_files("#queue-file", str(path))
    page.click("#queue-submit")  # the upload, with the mouse
    page.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
    progress = page.locator("#queue-progress-text")
    sync_api.expect(progress).to_have_text("0 demande relue sur 5 (1 illisible)")
    assert page.locator("#item-position").inner_text() == "Demande 1 sur 5"
    shot(page, "40-queue-mouse-first")

    # The first row: the mouse accepts it.
    _click_accept(page)
    sync_api.expect(progress).to_have_text("1 demande relue sur 5 (1 illisible)")
    sync_api.expect(page.locator("#item-position")).to_have_text("Demande 2 sur 5")
    sync_api.expect(page.locator("#status")).to_contain_text("enregistrée")

    # The second: the keys.
    page.keyboard.press("Enter")
    sync_api.expect(progress).to_have_text("2 demandes relues sur 5 (1 illisible)")
    sync_api.expect(page.locator("#item-position")).to_have_text("Demande 3 sur 5")

    # Back with the mouse, reopen with the mouse, accept again with the mouse.
    page.click("#item-prev")
    sync_api.expect(page.locator("#item-position")).to_have_text("Demande 2 sur 5")
    page.click("#reopen")
    sync_api.expect(progress).to_have_text("1 demande relue sur 5 (1 illisible)")
    _click_accept(page)
    sync_api.expect(progress).to_have_text("2 demandes relues sur 5 (1 illisible)")

    # A suggestion still on its way when the queue is shown again: once it is back, the mouse still accepts.
    page.click("#mode-single")
    page.fill("#text-input", APPLICATION)
    held = []
    page.route("**/suggest", lambda route: held.append(route))
    page.click("#suggest-button")
    page.wait_for_function("document.getElementById('suggest-button').getAttribute('aria-busy') === 'true'")
    page.click("#mode-queue")
    page.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
    assert held, "the suggestion is held"
    held[0].continue_()
    page.wait_for_function("!document.getElementById('suggest-button').hasAttribute('aria-busy')")
    page.unroute("**/suggest")
    position = page.locator("#item-position").inner_text()
    _click_accept(page)
    sync_api.expect(progress).to_have_text("3 demandes relues sur 5 (1 illisible)")
    assert page.locator("#item-position").inner_text() != position
    shot(page, "41-queue-mouse-after-suggestion")
    page.keyboard.press("Enter")
    sync_api.expect(progress).to_have_text("4 demandes relues sur 5 (1 illisible)")

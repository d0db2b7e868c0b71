"""The review desk in Chromium, issue 18: queues found again (item 3), the words of long applications
(item 7), drafts, layout and words (item 10).

Same server, browser and page as ``test_desk_browser.py`` (its fixtures are imported), plus a second server
with an access key for the login and « Se déconnecter ». Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import datetime

import pytest

from tests import test_desk_browser as desk
from tests.test_desk_browser import (
    APPLICATION,
    CHROMIUM,
    QUEUE_COLUMNS,
    QUEUE_ROWS,
    _get,
    all_ids,
    focused_id,
    project_name,
    running_server,
    shot,
    sync_api,
    ticked_ids,
)
from tests.test_feedback_store import store  # noqa: F401  (SQLite, and PostgreSQL when one is configured)
from tests.test_io_readers import text_pdf

server = desk.server
browser = desk.browser
page = desk.page

pytestmark = pytest.mark.slow  # a real server and a browser

LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}
ZOOMED = {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2}  # 1366×768 at 200 %
KEY = "cle-de-test-revue"
NOT_A_TABLE = ("Ce fichier est un document PDF, pas un tableau : déposez un export CSV, XLSX, ODS ou JSON Lines, "
               "ou analysez-le comme demande seule.")

# A long application: three pages the model finds nothing in first (placeholder Latin, as in a template left
# unfilled), the words of its codes only at the end.
FILLER = "\n\n".join(
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex "
    "ea commodo consequat." for _ in range(40))
LONG_APPLICATION = f"{FILLER}\n\n{APPLICATION} Ateliers sociolinguistiques pour des mères primo-arrivantes, " \
                   "deux matinées par semaine, avec une garde d'enfants."

AXES = {  # the Metz axes, printed in capitals without accents in the contract, as officers must read them
    "1": "Développer les potentiels des quartiers",
    "2": "Renforcer l'inclusion et la réussite des habitants",
    "3": "Mieux arrimer les quartiers à la trame urbaine et économique de l'agglomération",
    "4": "Partager des méthodes de travail et des partenariats innovants",
}


# ------------------------------------------------------------------------------------------- helpers
def queue_csv(rows=QUEUE_ROWS) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([QUEUE_COLUMNS, *rows])
    return out.getvalue().encode("utf-8")


def create_queue(page, server: str, name: str, data: bytes | None = None, mime: str = "text/csv"):
    """Upload a call for projects through the API, as another tool would."""
    return page.request.post(server + f"v1/projects/{project_name(server)}/queues",
                             multipart={"file": {"name": name, "mimeType": mime, "buffer": data or queue_csv()}})


def queue_items(page, server: str, queue_id: str) -> list[dict]:
    body = page.request.get(server + f"v1/projects/{project_name(server)}/queues/{queue_id}").json()
    return body["items"]


def decide(page, server: str, queue_id: str, item: dict, reviewer: str | None) -> None:
    """An officer's decision on a queue item, through the API: the suggested codes kept as they are."""
    suggested = [s["id"] for s in item["suggestions"]]
    response = page.request.post(server + f"v1/projects/{project_name(server)}/feedback", data=json.dumps({
        "queue_id": queue_id, "item_id": item["item_id"], "suggested": suggested,
        "kept": [s["id"] for s in item["suggestions"] if s["selected"]], "reviewer": reviewer,
    }), headers={"Content-Type": "application/json"})
    assert response.status == 201, response.text()


def listed(page, server: str) -> list[dict]:
    response = page.request.get(server + f"v1/projects/{project_name(server)}/queues")
    assert response.status == 200
    return response.json()


def ref(page) -> str:
    return page.locator("#item-row").inner_text().replace("· réf.", "").strip()


def wait_queue(page) -> None:
    page.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")


def in_view(page, selector: str) -> bool:
    """Whether the first element matching ``selector`` is shown inside its scrolling box and the window."""
    return page.evaluate("""(selector) => {
      const node = document.querySelector(selector);
      if (!node) return false;
      const r = node.getBoundingClientRect();
      for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
        const s = getComputedStyle(up);
        if (/(auto|scroll)/.test(s.overflowY) && up.scrollHeight > up.clientHeight + 1) {
          const f = up.getBoundingClientRect();
          if (r.top < f.top - 1 || r.bottom > f.bottom + 1) return false;
        }
      }
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }""", selector)


# ------------------------------------------------------------------------------------------- item 3
def test_queues_listed_by_the_api(page, server):
    """`GET …/queues`: the project's queues, newest first, with progress, officers and where to resume;
    documented, and protected like the other queue routes."""
    created = create_queue(page, server, "appel-liste-api.csv")
    assert created.status == 201
    queue_id = created.json()["queue_id"]
    opens = [i for i in queue_items(page, server, queue_id) if i["status"] == "open"]
    decide(page, server, queue_id, opens[0], "Claire Dupont")
    decide(page, server, queue_id, opens[1], "Yanis Benali")
    decide(page, server, queue_id, opens[2], None)
    decide(page, server, queue_id, opens[3], "Claire Dupont")
    page.request.post(server + f"v1/projects/{project_name(server)}/queues/{queue_id}/items/"
                               f"{opens[3]['item_id']}/reopen")  # undone: to review again
    mine = next(q for q in listed(page, server) if q["queue_id"] == queue_id)
    assert mine["name"] == "appel-liste-api.csv"
    assert (mine["total"], mine["reviewed"], mine["errors"]) == (5, 3, 1)
    assert mine["reviewers"] == ["Claire Dupont", "Yanis Benali"]  # first to last, each once, no empty name
    assert (mine["resume_item"], mine["resume_position"]) == (opens[3]["item_id"], opens[3]["position"])
    assert datetime.fromisoformat(mine["created_at"]).year >= 2026

    newer = create_queue(page, server, "appel-plus-recent.csv").json()["queue_id"]
    queues = listed(page, server)
    assert queues[0]["queue_id"] == newer and queues[0]["reviewers"] == [] and queues[0]["reviewed"] == 0
    assert [q["queue_id"] for q in queues].index(queue_id) > 0

    schema = json.loads(_get(server + "openapi.json")[1])
    listing = schema["paths"]["/v1/projects/{project}/queues"]["get"]
    one = schema["paths"]["/v1/projects/{project}/queues/{queue_id}"]["get"]
    assert listing.get("security") and listing.get("security") == one.get("security")
    item_schema = listing["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"]
    assert item_schema.endswith("/QueueSummaryOut")
    assert {"resume_position", "reviewers", "reviewed", "total"} <= set(
        schema["components"]["schemas"]["QueueSummaryOut"]["properties"])


def test_store_lists_queues_on_both_databases(store):  # noqa: F811
    """The store's list of queues in portable SQL: counts by status, the first open row in review order, the
    officers of the decisions (withdrawn ones too: they worked on it), another project's queues left out."""
    store.upgrade()
    items = [{"position": n, "row_id": f"R{n}", "values": {}, "fields": {"text": f"demande {n}"}, "result": {},
              "uncertainty": u, "error": None} for n, u in ((1, 0.1), (2, 0.9), (3, 0.5))]
    items.append({"position": 4, "row_id": "R4", "values": {}, "fields": {}, "result": {}, "uncertainty": 1.0,
                  "error": "ligne vide"})
    first = store.create_queue("metz", "premier.csv", ["texte"], [], "v1", items)
    store.create_queue("autre", "ailleurs.csv", ["texte"], [], "v1", items[:1])
    ordered = store.queue("metz", first).items  # most uncertain first: R2, R3, R1, then the error
    assert [i.row_id for i in ordered] == ["R2", "R3", "R1", "R4"]
    store.add_feedback("metz", suggested=[], kept=[], added=["1.1"], reviewer="Inès", queue_id=first,
                       item_id=ordered[0].item_id)
    store.add_feedback("metz", suggested=[], kept=[], added=["1.2"], reviewer="Marc", queue_id=first,
                       item_id=ordered[1].item_id)
    store.reopen("metz", first, ordered[1].item_id)
    second = store.create_queue("metz", "second.csv", ["texte"], [], "v1", items[:2])
    listed_queues = store.queues("metz")
    assert [q.queue_id for q in listed_queues] == [second, first]  # newest first
    summary = listed_queues[1]
    assert (summary.name, summary.total, summary.reviewed, summary.errors) == ("premier.csv", 4, 1, 1)
    assert summary.reviewers == ["Inès", "Marc"]
    assert (summary.resume_item, summary.resume_position) == (ordered[1].item_id, 3)
    assert store.queues("personne") == []


def test_queue_list_resume_and_bookmark(page, server):
    """« Mes appels à projets » is one click from `/` (which still opens on the paste box); « Reprendre »
    (keys or mouse) lands at the first row to review; a bookmark opened in a new tab too; a reload stays."""
    page.set_viewport_size(LAPTOP)
    project = project_name(server)
    queue_id = create_queue(page, server, "appel-printemps-2025.csv").json()["queue_id"]
    opens = [i for i in queue_items(page, server, queue_id) if i["status"] == "open"]
    decide(page, server, queue_id, opens[0], "Claire Dupont")

    page.goto(server)
    page.wait_for_selector("body[data-ready='true']")
    sync_api.expect(page.locator("#text-input")).to_be_visible()  # `/`: one application, as before
    page.click("#mode-queues")  # one click
    row = page.locator(f"#queues-list tr[data-queue='{queue_id}']")
    sync_api.expect(row).to_contain_text("appel-printemps-2025.csv")
    sync_api.expect(row).to_contain_text("1 demande relue sur 5")
    sync_api.expect(row).to_contain_text("Claire Dupont")
    assert re.search(r"\d{1,2} \w+ 20\d\d", row.inner_text())  # « 6 décembre 2026 à 19:50 »
    assert page.get_attribute("#mode-queues", "aria-current") == "page"
    assert "appels" in page.evaluate("location.hash")
    shot(page, "50-queue-list")

    # The keyboard: Tab reaches « Reprendre », Entrée opens the queue at its first row still to review.
    resume = row.get_by_role("link", name=re.compile("^Reprendre"))
    page.locator("#queues-new").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('tr') && document.activeElement.closest('tr')"
                         f".dataset.queue === '{queue_id}'"):
            break
    assert page.evaluate("document.activeElement.textContent") == "Reprendre"
    page.keyboard.press("Enter")
    wait_queue(page)
    assert ref(page) == opens[1]["row_id"]
    sync_api.expect(page.locator("#queue-progress-text")).to_have_text("1 demande relue sur 5 (1 illisible)")
    assert focused_id(page) == all_ids(page)[0]  # the keys work at once

    # The mouse: back to the list, « Reprendre » again.
    page.keyboard.press("Enter")  # row 2 accepted: row 3 is the first to review now
    sync_api.expect(page.locator("#queue-progress-text")).to_have_text("2 demandes relues sur 5 (1 illisible)")
    page.click("#mode-queues")
    sync_api.expect(row).to_contain_text("2 demandes relues sur 5")
    row.get_by_role("link", name=re.compile("^Reprendre")).click()
    wait_queue(page)
    assert ref(page) == opens[2]["row_id"]

    # A bookmark of a row already reviewed, opened in a new tab: the first row still to review.
    bookmark = server + f"#file={queue_id}&n={opens[0]['position']}&projet={project}"
    tab = page.context.new_page()
    tab.goto(bookmark)
    tab.wait_for_selector("body[data-ready='true']")
    wait_queue(tab)
    assert ref(tab) == opens[2]["row_id"]
    shot(tab, "51-queue-bookmark")
    tab.close()

    # A reload of this tab stays on the row it shows, even a reviewed one.
    page.keyboard.press("ArrowLeft")
    shown = ref(page)
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#queue-work:not([hidden])")
    assert ref(page) == shown
    assert resume.count() == 0 or True  # the list's link belongs to the list view, hidden here


# ------------------------------------------------------------------------------------------- item 7
def test_words_of_a_long_application(page, server):
    """A three-page application: focusing a code brings its first word into the text's view (the page does not
    move); « mot suivant » / « mot précédent » (m, Maj+M, and the buttons) walk its words."""
    page.set_viewport_size(LAPTOP)
    page.fill("#text-input", LONG_APPLICATION)
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    # The first code's first word is at the end of the text: it was scrolled into the text's pane.
    first_mark = "#single-doc mark.ev.is-active"
    sync_api.expect(page.locator(first_mark).first).to_be_attached()
    assert page.evaluate("document.querySelector('#single .pane-text').scrollTop") > 300
    assert in_view(page, first_mark)
    shot(page, "55-long-first-code")

    # The next code with words: ↓ until one, its words come into view too.
    rows = page.locator("#codes li.code-row")
    with_words = [n for n in range(rows.count()) if rows.nth(n).locator(".code-words").count()]
    assert len(with_words) >= 2
    target = with_words[1]
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    assert focused_id(page) == all_ids(page)[target]
    assert in_view(page, "#single-doc mark.ev.is-active")
    position = page.locator("#word-position")
    code = rows.nth(target).locator(".code").inner_text()
    words = int(re.search(r"(\d+) mots?", position.inner_text()).group(1))
    assert position.inner_text().startswith(f"{code} : ")

    # m: its first word, marked as the current one; m again: the second; Maj+M: back.
    page.keyboard.press("m")
    sync_api.expect(position).to_have_text(f"{code} : mot 1 sur {words}")
    current = "#single-doc mark.ev.is-current"
    assert in_view(page, current)
    suggested = rows.nth(target).get_attribute("data-suggestion")
    assert page.locator(current).first.get_attribute("data-k").split()[0].startswith(f"{suggested}|")
    assert focused_id(page) == all_ids(page)[target]  # the keys stay on the code
    if words > 1:
        page.keyboard.press("m")
        sync_api.expect(position).to_have_text(f"{code} : mot 2 sur {words}")
        page.keyboard.press("Shift+M")
        sync_api.expect(position).to_have_text(f"{code} : mot 1 sur {words}")
    page.keyboard.press("Shift+M")  # before the first: the last
    sync_api.expect(position).to_have_text(f"{code} : mot {words} sur {words}")
    shot(page, "56-long-word-keys")

    # The mouse: the buttons walk the same code's words.
    page.get_by_role("button", name="Mot suivant").click()
    sync_api.expect(position).to_have_text(f"{code} : mot 1 sur {words}")
    assert in_view(page, current)
    page.get_by_role("button", name="Mot précédent").click()
    sync_api.expect(position).to_have_text(f"{code} : mot {words} sur {words}")

    # Listed in the help dialog.
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    dialog = page.locator("#help-dialog")
    sync_api.expect(dialog).to_contain_text("Mot suivant du code sélectionné")
    sync_api.expect(dialog).to_contain_text("Mot précédent du code sélectionné")
    page.keyboard.press("Escape")


def test_words_of_a_long_queue_row(page, server):
    """In a queue: a long row opens at its first code's first word; the next row opens at its own top."""
    page.set_viewport_size(LAPTOP)
    rows = [["AAP-LONG", "Association Femmes Relais 57", "Lorem ipsum", f"{FILLER}\n\n{QUEUE_ROWS[0][3]}"],
            QUEUE_ROWS[2]]
    queue_id = create_queue(page, server, "appel-long.csv", queue_csv(rows)).json()["queue_id"]
    page.goto(server + f"#file={queue_id}&projet={project_name(server)}")
    wait_queue(page)
    if ref(page) != "AAP-LONG":
        page.keyboard.press("n")
    assert ref(page) == "AAP-LONG"
    pane = "document.querySelector('#queue .pane-text').scrollTop"
    assert page.evaluate(pane) > 300 and in_view(page, "#queue-doc mark.ev.is-active")
    page.keyboard.press("m")
    assert in_view(page, "#queue-doc mark.ev.is-current")
    shot(page, "63-queue-long-row")
    page.keyboard.press("p" if page.locator("#item-position").inner_text().endswith("2 sur 2") else "n")
    assert ref(page) == QUEUE_ROWS[2][0]
    assert page.evaluate(pane) < 100 and in_view(page, "#queue-doc mark.ev.is-active")


# ------------------------------------------------------------------------------------------- item 10
def test_draft_survives_a_reload(page, server):
    """Ticks and comment not yet saved come back after a reload; saved, the draft is gone."""
    page.set_viewport_size(LAPTOP)
    project = project_name(server)
    queue_id = create_queue(page, server, "appel-brouillon.csv").json()["queue_id"]
    page.goto(server + f"#file={queue_id}&projet={project}")
    wait_queue(page)
    shown = ref(page)
    page.keyboard.press("j")
    page.keyboard.press("Space")  # the second code toggled
    page.keyboard.press("x")
    page.keyboard.press("c")
    page.keyboard.type("À revoir avec la déléguée du préfet.")
    page.keyboard.press("Escape")
    ticked = sorted(ticked_ids(page))
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    wait_queue(page)
    assert ref(page) == shown
    assert sorted(ticked_ids(page)) == ticked
    assert page.input_value("#comment") == "À revoir avec la déléguée du préfet."
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#queue-progress-text")).to_have_text("1 demande relue sur 5 (1 illisible)")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cvclassify.draft')"
                         f" && k.includes('{queue_id}'))") == []


def test_wide_screen_and_zoom(page, server, browser):
    """1920×1080: the codes column takes its share, the comment box is whole; 200 %: the text scrolls in its own
    box, so its words and the codes are both within reach without the page moving away."""
    project = project_name(server)
    queue_id = create_queue(page, server, "appel-ecrans.csv").json()["queue_id"]
    page.set_viewport_size(WIDE)
    page.goto(server + f"#file={queue_id}&projet={project}")
    wait_queue(page)
    codes = page.locator("#queue-slot").bounding_box()
    assert codes["width"] >= 0.4 * WIDE["width"]
    page.keyboard.press("c")
    comment = page.locator("#comment").bounding_box()
    actions = page.locator("#review .actions").bounding_box()
    assert comment["y"] >= codes["y"] and comment["y"] + comment["height"] <= actions["y"] + 1
    page.keyboard.press("Escape")
    shot(page, "57-wide-1920")

    page.set_viewport_size(LAPTOP)
    page.keyboard.press("c")
    comment = page.locator("#comment").bounding_box()
    actions = page.locator("#review .actions").bounding_box()
    assert comment["y"] + comment["height"] <= actions["y"] + 1  # never under the action bar
    page.keyboard.press("Escape")
    shot(page, "58-laptop-1366")

    context = browser.new_context(locale="fr-FR", **ZOOMED)
    zoomed = context.new_page()
    zoomed.goto(server + f"#file={queue_id}&projet={project}")
    zoomed.wait_for_selector("body[data-ready='true']")
    wait_queue(zoomed)
    assert zoomed.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    doc = zoomed.locator("#queue-doc")
    assert doc.evaluate("d => getComputedStyle(d).overflowY") == "auto"
    assert doc.bounding_box()["height"] <= ZOOMED["viewport"]["height"]
    checkbox = focused_id(zoomed)
    assert checkbox and in_view(zoomed, "#codes input:focus")
    shot(zoomed, "59-zoom-200-codes")
    # m: the word is brought into the window; the keys stay on the code (the place in the list is kept) and
    # ↓ brings the list back, at the next code.
    zoomed.keyboard.press("m")
    zoomed.wait_for_selector("#queue-doc mark.ev.is-current")
    assert in_view(zoomed, "#queue-doc mark.ev.is-current")
    assert focused_id(zoomed) == checkbox
    shot(zoomed, "59-zoom-200-text")
    zoomed.keyboard.press("ArrowDown")
    assert focused_id(zoomed) == all_ids(zoomed)[all_ids(zoomed).index(checkbox) + 1]
    assert in_view(zoomed, "#codes input:focus")
    context.close()


def test_words_progress_and_levels(page, server, tmp_path):
    """The progress in words, the strategic and operational objectives named, accents restored in tooltips and
    screen-reader text."""
    page.set_viewport_size(LAPTOP)
    page.fill("#text-input", APPLICATION)
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    meta = page.locator("#codes li.code-row").first.locator(".code-meta")
    sync_api.expect(meta).to_contain_text(re.compile(
        r"^Axe \d( : [^›]+)? › Objectif stratégique S\d+\.\d+( : [^›]+)? › Objectif opérationnel \d+\.\d+ : \w"))
    axes = 0
    for parent in page.locator("#codes .meta-axis").all():  # the levels above the operational objective
        title = parent.get_attribute("title")
        hidden = parent.locator(".visually-hidden").text_content().lstrip(" :")  # what a screen reader reads
        if title.startswith("Axe"):
            number = re.match(r"Axe stratégique (\d) : ", title).group(1)
            assert (title, hidden) == (f"Axe stratégique {number} : {AXES[number]}", AXES[number])
            axes += 1
        else:
            assert re.match(r"Objectif stratégique S\d+\.\d+ : ", title) and title.endswith(hidden), title
    assert axes == page.locator("#codes li.code-row:has(.code-meta)").count()
    # Every axis of the tree, as the desk writes it (the page's own module, with the project's accents).
    tree = json.loads(_get(server + f"v1/projects/{project_name(server)}/objectives")[1])["tree"]
    written = page.evaluate("async (labels) => { const dom = await import(new URL('static/desk/dom.js', "
                            "document.baseURI).href); return labels.map((l) => dom.sentenceCase(l)); }",
                            [axis["label"] for axis in tree])
    assert written == [AXES[axis["code"]] for axis in tree]
    shot(page, "60-levels")


def test_pdf_dropped_as_a_queue(page, server, tmp_path):
    """A PDF dropped as a call for projects says it is not a table, and offers to read it as one application;
    renamed, it is still known (by the desk and by the API)."""
    page.set_viewport_size(LAPTOP)
    pdf = tmp_path / "dossier-subvention.pdf"
    pdf.write_bytes(text_pdf("Ateliers sociolinguistiques pour des meres primo-arrivantes de Borny"))
    before = len(listed(page, server))
    page.goto(server + "#file")
    page.wait_for_selector("#queue-form")
    page.set_input_files("#queue-file", str(pdf))
    page.click("#queue-submit")
    message = page.locator("#queue-not-table")
    sync_api.expect(message).to_be_visible()
    sync_api.expect(page.locator("#queue-not-table-text")).to_have_text(NOT_A_TABLE)
    sync_api.expect(page.locator("#queue-done")).to_be_hidden()
    assert len(listed(page, server)) == before
    shot(page, "61-pdf-not-a-table")

    # Renamed .csv, with the keyboard: the same message.
    renamed = tmp_path / "tableau.csv"
    renamed.write_bytes(pdf.read_bytes())
    page.set_input_files("#queue-file", str(renamed))
    sync_api.expect(message).to_be_hidden()
    page.locator("#queue-submit").focus()
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#queue-not-table-text")).to_have_text(NOT_A_TABLE)
    response = create_queue(page, server, "tableau.csv", renamed.read_bytes())
    assert response.status == 422 and response.json()["detail"] == NOT_A_TABLE
    response = create_queue(page, server, "dossier.pdf", pdf.read_bytes(), "application/pdf")
    assert response.status == 422 and response.json()["detail"] == NOT_A_TABLE

    # « Analyser comme demande seule »: the one-application mode reads it.
    page.keyboard.press("Enter")  # the focus is on the button
    page.wait_for_selector("#single:not([hidden]) #codes li.code-row input[type=checkbox]")
    assert "sociolinguistiques" in page.input_value("#text-input")
    sync_api.expect(page.locator("#text-source")).to_contain_text("« tableau.pdf »")


# ------------------------------------------------------------------------------------------- a key in use
@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory):
    """The service with an access key (and its own database); yields its base URL."""
    folder = tmp_path_factory.mktemp("desk-keyed")
    env = {**os.environ, "CVCLASSIFY_DATABASE_URL": f"sqlite:///{folder / 'fb.sqlite3'}", "CVCLASSIFY_API_KEY": KEY}
    with running_server(folder, env) as (base, _):
        yield base


def test_login_list_and_logout(browser, keyed_server):
    """With a key: the login page is « Revue des demandes »; the list of queues is protected; « Se déconnecter »
    forgets the key and goes back to the login."""
    assert CHROMIUM.exists()
    status, _ = _get(keyed_server + "v1/projects/metz-2015-2020/queues")
    assert status == 401
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    tab = context.new_page()
    tab.goto(keyed_server)
    sync_api.expect(tab.locator("h1")).to_have_text("Revue des demandes")
    assert "bureau" not in tab.title().lower()
    tab.fill("#key", KEY)
    tab.keyboard.press("Enter")
    tab.wait_for_selector("body[data-ready='true']")
    logout = tab.get_by_role("button", name="Se déconnecter")
    sync_api.expect(logout).to_be_visible()
    tab.click("#mode-queues")
    sync_api.expect(tab.locator("#queues-status")).to_have_text(
        "Aucun appel à projets n'a encore été déposé dans ce projet.")
    shot(tab, "62-keyed-list")
    logout.click()
    sync_api.expect(tab.locator("#key")).to_be_visible()
    assert not [c for c in context.cookies() if c["name"] == "cvclassify_key"]
    tab.reload()
    sync_api.expect(tab.locator("#key")).to_be_visible()  # the key is forgotten
    # With the keyboard, after logging in again.
    tab.fill("#key", KEY)
    tab.keyboard.press("Enter")
    tab.wait_for_selector("body[data-ready='true']")
    tab.get_by_role("button", name="Se déconnecter").focus()
    tab.keyboard.press("Enter")
    sync_api.expect(tab.locator("#key")).to_be_visible()
    context.close()


def test_no_logout_without_a_key(page):
    """Without a key, nothing to log out of."""
    sync_api.expect(page.get_by_role("button", name="Se déconnecter")).to_be_hidden()

"""The review desk in Chromium, issue 18: a queue row in its context, in the order and filters the officer
chooses, the sure rows accepted in bulk and undone, the number keys (point 8), and the statistics page of a
queue and of the project (point 11).

Same server, browser and page as ``test_desk_browser.py`` (its fixtures are imported): the real service with a
throw-away feedback database, driven with Playwright. Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests import test_desk_browser as desk
from tests.test_desk_browser import _get, all_ids, project_name, shot, sync_api, ticked_ids

server = desk.server
browser = desk.browser
page = desk.page

pytestmark = pytest.mark.slow  # a real server and a browser
SLOW = 20_000  # ms: an answer of the server on a busy two-core machine

COLUMNS = ["N° dossier", "Raison sociale longue", "Quartier", "Montant demandé", "Année", "Libellé de l'action",
           "Objectif"]
ROWS = [  # file order; the model is sure of B-01, B-03 and B-05 (route auto), unsure of B-02 and B-04
    ["B-01", "Association Femmes Relais 57", "Borny", "12 500,50 €", "2024", "Ateliers sociolinguistiques",
     "Cours de français pour les mères primo-arrivantes, deux matinées par semaine"],
    ["B-02", "Régie de quartier Metz-Nord", "La Patrotte", "8000", "2024", "Chantier éducatif d'été",
     "Remobiliser des jeunes de 16 à 25 ans éloignés de l'emploi par un chantier de rénovation rémunéré"],
    ["B-03", "Centre social de Bellecroix", "Bellecroix", "4 200 €", "2023", "Permanences d'accès aux droits",
     "Tenir une permanence hebdomadaire pour aider les habitants dans leurs démarches administratives en ligne"],
    ["B-04", "Collectif des parents de Borny", "Borny", "1500", "2024", "Programme de réussite éducative",
     "Accompagnement individualisé des enfants et de leurs familles"],
    ["B-05", "Association Ensemble", "Bellecroix", "3000", "2024", "Aide aux devoirs",
     "Accompagnement à la scolarité des collégiens"],
]


def upload(page, server, tmp_path, name: str = "appel-contexte.csv") -> dict:
    """Upload the call for projects with the mouse; the queue as the API gives it (review order)."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([COLUMNS, *ROWS])
    page.goto(server + "#file")
    page.wait_for_selector("#queue-form")
    page.set_input_files("#queue-file", str(path))
    page.click("#queue-submit")
    page.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
    queue_id = re.search(r"file=([^&]+)", page.url).group(1)
    return queue_api(server, queue_id)


def queue_api(server, queue_id: str) -> dict:
    status, body = _get(server + f"v1/projects/{project_name(server)}/queues/{queue_id}")
    assert status == 200
    return json.loads(body)


def ref(page) -> str:
    return page.locator("#item-row").inner_text().replace("· réf.", "").strip()


def position(page) -> str:
    return page.locator("#item-position").inner_text()


def go_first(page) -> None:
    """← until the first row shown."""
    for _ in range(10):
        if page.locator("#item-prev").is_disabled():
            return
        page.keyboard.press("ArrowLeft")
    raise AssertionError("the first row was never reached")


def refs_in_order(page) -> list[str]:
    """The rows met from the first shown to the last with →."""
    go_first(page)
    seen = [ref(page)]
    while not page.locator("#item-next").is_disabled():
        page.keyboard.press("ArrowRight")
        seen.append(ref(page))
    return seen


def holds(item: dict, code: str) -> bool:
    codes = [c for s in item["suggestions"] for c in (s["code"], s["id"])] + (item["final_codes"] or [])
    return any(c == code or c.startswith(code + ".") for c in codes)


# ------------------------------------------------------------------------------------------- point 8
def test_row_context_order_and_filters(page, server, tmp_path):
    """Porteur, quartier, montant demandé in French euros and année above the text; « Ordre du fichier » and
    « Confiance croissante » with the mouse and the keys; filters by quartier, code, confidence and status."""
    queue = upload(page, server, tmp_path)
    review_order = [item["row_id"] for item in queue["items"]]
    assert sorted(review_order) == [row[0] for row in ROWS]
    context = page.locator("#item-context")
    sync_api.expect(context).to_be_visible()
    shot(page, "80-queue-context")

    # Confidence order (the default): the most uncertain first, the file's order one click away.
    assert page.locator("#sort-confidence").get_attribute("aria-pressed") == "true"
    assert refs_in_order(page) == review_order
    go_first(page)
    page.keyboard.press("ArrowRight")
    current = ref(page)
    page.click("#sort-file")
    assert page.locator("#sort-file").get_attribute("aria-pressed") == "true"
    assert ref(page) == current, "the row shown stays when the order changes"
    assert position(page) == f"Demande {[r[0] for r in ROWS].index(current) + 1} sur 5"
    assert refs_in_order(page) == [row[0] for row in ROWS]

    # B-01, first in the file: its context, the amount as French euros.
    go_first(page)
    assert ref(page) == "B-01"
    text = context.inner_text()
    for pattern in (r"Porteur\s:\sAssociation Femmes Relais 57", r"Quartier\s:\sBorny",
                    r"Montant demandé\s:\s12\s500,50\s€", r"Année\s:\s2024"):
        assert re.search(pattern, text), (pattern, text)
    assert "Association Femmes Relais 57" not in page.locator("#queue-doc").inner_text()
    page.keyboard.press("ArrowRight")
    assert re.search(r"Montant demandé\s:\s8\s000\s€", context.inner_text()), context.inner_text()
    shot(page, "81-queue-file-order")

    # Back to the confidence order with the keyboard: Tab to the button, Entrée.
    page.locator("#sort-file").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "sort-confidence"
    page.keyboard.press("Enter")
    assert page.locator("#sort-confidence").get_attribute("aria-pressed") == "true"
    page.locator("#main").focus()
    assert refs_in_order(page) == review_order

    # Quartier (mouse): the moves stop at the Borny rows only.
    page.locator("#filter-district").select_option("Borny")
    count = page.locator("#filter-count")
    sync_api.expect(count).to_have_text("2 demandes correspondent aux filtres")
    page.locator("#main").focus()
    borny = [r for r in review_order if r in ("B-01", "B-04")]
    assert refs_in_order(page) == borny
    assert position(page) == "Demande 2 sur 2 filtrées (5 en tout)"
    shot(page, "82-queue-filter-district")

    # Code (keyboard): typed in the field; rows whose suggestions hold it (2.11 finds 2.11.1).
    page.locator("#filter-district").select_option("")
    page.locator("#filter-code").focus()
    page.keyboard.type("2.11")
    expected = [item["row_id"] for item in queue["items"] if holds(item, "2.11")]
    assert expected and "B-01" in expected
    sync_api.expect(count).to_contain_text(f"{len(expected)} demande")
    page.keyboard.press("Escape")  # leaves the field: the keys move again
    assert refs_in_order(page) == expected
    shot(page, "83-queue-filter-code")
    page.click("#filter-clear")
    sync_api.expect(count).to_have_text("")

    # Confidence band: « élevée (90 % et plus) ».
    page.locator("#filter-band").select_option("high")
    high = [item["row_id"] for item in queue["items"] if (item["decision"] or {}).get("confidence", 0) >= 0.9]
    page.locator("#main").focus()
    assert high and refs_in_order(page) == high

    # Status: accept one row, then only the reviewed ones.
    page.locator("#filter-band").select_option("")
    page.locator("#main").focus()
    go_first(page)
    decided = ref(page)
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#status")).to_contain_text("enregistrée", timeout=SLOW)
    page.locator("#filter-status").select_option("done")
    sync_api.expect(count).to_have_text("1 demande correspond aux filtres")
    assert ref(page) == decided
    number = "getComputedStyle(document.querySelector('#codes .code-label'), '::before').display"
    assert page.evaluate(number) == "none", "a reviewed row has nothing to tick: no number keys shown"
    shot(page, "84-queue-filter-status")
    page.locator("#filter-status").select_option("open")
    page.locator("#main").focus()
    assert decided not in refs_in_order(page)

    # Another file starts with no filter.
    page.click("#queue-change")
    page.set_input_files("#queue-file", str(tmp_path / "appel-contexte.csv"))
    page.click("#queue-submit")
    sync_api.expect(page.locator("#queue-progress-text")).to_contain_text("0 demande relue", timeout=SLOW)
    assert page.locator("#filter-status").input_value() == "" and count.inner_text() == ""
    assert position(page).endswith("sur 5")


def test_bulk_accept_and_undo_with_mouse_and_keyboard(page, server, tmp_path):
    """« Accepter les demandes sûres » asks first, says how many, accepts exactly the open sure rows shown;
    « Annuler » reopens exactly those; the same with Maj+A, Échap, Entrée."""
    page.fill("#reviewer", "Alice Martin")
    page.locator("#reviewer").dispatch_event("change")
    queue = upload(page, server, tmp_path, "appel-bloc.csv")
    sure = {item["row_id"] for item in queue["items"] if (item["decision"] or {}).get("route") == "auto"}
    assert len(sure) >= 2, "the model is sure of several rows of this file"
    queue_id = queue["queue_id"]
    button = page.locator("#bulk-accept")
    sync_api.expect(button).to_contain_text(f"({len(sure)})")

    # Mouse: open, read, confirm.
    button.click()
    dialog = page.locator("#bulk-dialog")
    sync_api.expect(dialog).to_be_visible()
    sync_api.expect(page.locator("#bulk-text")).to_contain_text(f"{len(sure)} demandes")
    shot(page, "85-bulk-dialog")
    page.click("#bulk-confirm")
    result = page.locator("#bulk-result")
    sync_api.expect(result).to_contain_text(f"{len(sure)} demandes acceptées", timeout=SLOW)
    after = queue_api(server, queue_id)
    assert {i["row_id"] for i in after["items"] if i["status"] == "done"} == sure
    sync_api.expect(page.locator("#queue-progress-text")).to_contain_text(f"{len(sure)} demandes relues", timeout=SLOW)
    sync_api.expect(button).to_contain_text("(0)")
    shot(page, "86-bulk-accepted")
    # One of them reopened alone with « u » (no conflict: the desk knows the version the acceptance made) …
    page.locator("#filter-status").select_option("done")
    page.locator("#main").focus()
    alone = ref(page)
    page.keyboard.press("u")
    sync_api.expect(page.locator("#status")).to_contain_text("Décision annulée", timeout=SLOW)
    assert page.locator("#alert").is_hidden()
    page.locator("#filter-status").select_option("")
    # … then « Annuler » reopens the others and leaves that one as it is.
    page.click("#bulk-undo")
    sync_api.expect(result).to_contain_text(f"Acceptation annulée : {len(sure) - 1} demande", timeout=SLOW)
    sync_api.expect(result).to_contain_text("changée depuis")
    assert queue_api(server, queue_id)["reviewed"] == 0
    assert alone in sure
    # the row reopened with « u » holds a draft (its withdrawn decision): bulk acceptance leaves it to the officer
    sync_api.expect(button).to_contain_text(f"({len(sure) - 1})")
    sure.discard(alone)

    # Keyboard, within a filter: Maj+A, Échap does nothing; Maj+A, Entrée accepts; Entrée on « Annuler » undoes.
    page.locator("#filter-district").select_option("Borny")
    page.locator("#main").focus()
    sure_borny = sure & {"B-01", "B-04"}
    assert sure_borny, "a sure row in Borny (B-01, the surest, is not the one reopened with « u »)"
    page.keyboard.press("Shift+A")
    sync_api.expect(dialog).to_be_visible()
    sync_api.expect(page.locator("#bulk-text")).to_contain_text(f"{len(sure_borny)} demande")
    page.keyboard.press("u")  # no shortcut behind the dialog
    page.keyboard.press("Escape")
    sync_api.expect(dialog).to_be_hidden()
    assert queue_api(server, queue_id)["reviewed"] == 0
    page.keyboard.press("Shift+A")
    assert page.evaluate("document.activeElement.id") == "bulk-confirm"
    page.keyboard.press("Enter")
    accepted = "1 demande acceptée" if len(sure_borny) == 1 else f"{len(sure_borny)} demandes acceptées"
    sync_api.expect(result).to_contain_text(accepted, timeout=SLOW)
    assert page.evaluate("document.activeElement.id") == "bulk-undo"
    after = queue_api(server, queue_id)
    assert {i["row_id"] for i in after["items"] if i["status"] == "done"} == sure_borny
    exported = [json.loads(line) for line in
                _get(server + f"v1/projects/{project_name(server)}/feedback/export")[1].decode().splitlines()]
    assert {e["reviewer"] for e in exported if e["queue_id"] == queue_id} == {"Alice Martin"}
    shot(page, "87-bulk-keyboard")
    page.keyboard.press("Enter")
    sync_api.expect(result).to_contain_text("Acceptation annulée", timeout=SLOW)
    assert queue_api(server, queue_id)["reviewed"] == 0


def test_number_keys_tick_the_nth_code(page, server, tmp_path):
    """1 to 9 tick or untick the n-th suggested code, also as an AZERTY keyboard sends them (« é » on the 2
    key); listed in the help; a key past the last code says so; Entrée saves what was ticked."""
    upload(page, server, tmp_path, "appel-chiffres.csv")
    ids = all_ids(page)
    first, second, third = ids[0], ids[1], ids[2]
    numbers = page.eval_on_selector_all(
        "#codes .code-label", "els => els.map(e => getComputedStyle(e, '::before').content)")
    assert numbers[:3] == ['counter(suggestion) / ""'] * 3 or numbers[:3] == ['"1"', '"2"', '"3"'], numbers
    was = set(ticked_ids(page))
    page.keyboard.press("1")
    assert set(ticked_ids(page)) == was ^ {first}
    page.keyboard.press("1")
    assert set(ticked_ids(page)) == was
    page.keyboard.press("3")
    assert set(ticked_ids(page)) == was ^ {third}
    assert page.evaluate("document.activeElement.dataset.id") == third
    # AZERTY: the 2 key without Maj types « é »; its place is still Digit2
    page.evaluate("""() => document.activeElement.dispatchEvent(new KeyboardEvent('keydown',
        {key: 'é', code: 'Digit2', bubbles: true, cancelable: true}))""")
    assert set(ticked_ids(page)) == was ^ {third, second}
    assert len(ids) <= 8  # a queue shows 8 codes at most: 9 is past the last one, and says so
    page.keyboard.press("9")
    sync_api.expect(page.locator("#status")).to_contain_text("Pas de code proposé n° 9", timeout=SLOW)
    assert set(ticked_ids(page)) == was ^ {third, second}
    shot(page, "88-number-keys")
    page.keyboard.press("?")
    help_text = page.locator("#help-dialog").inner_text()
    assert "1 à 9" in help_text and "Maj + A" in help_text
    shot(page, "89-help-number-keys")
    page.keyboard.press("Escape")
    # typing digits in a field types them, ticks nothing
    page.locator("#filter-code").focus()
    page.keyboard.type("12")
    assert set(ticked_ids(page)) == was ^ {third, second}
    page.keyboard.press("Escape")
    page.locator("#filter-code").fill("")
    page.locator("#filter-code").dispatch_event("input")
    page.locator(f"#codes input[data-id='{third}']").focus()
    kept = set(ticked_ids(page))
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#status")).to_contain_text("enregistrée", timeout=SLOW)
    exported = [json.loads(line) for line in
                _get(server + f"v1/projects/{project_name(server)}/feedback/export")[1].decode().splitlines()]
    assert set(exported[-1]["final_codes"]) == kept


# ------------------------------------------------------------------------------------------- point 11
def test_statistics_page_of_a_queue_and_of_the_project(page, server, tmp_path):
    """Decisions by two officers (one bulk acceptance), then the statistics page reached from the queue: plain
    tables, French percentages, the same numbers as the API; the project's page one link away."""
    queue = upload(page, server, tmp_path, "appel-stats.csv")
    queue_id = queue["queue_id"]
    project = project_name(server)
    page.fill("#reviewer", "Alice Martin")
    page.locator("#reviewer").dispatch_event("change")
    page.locator("#main").focus()
    go_first(page)
    page.keyboard.press("1")  # a change: not accepted unchanged
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#queue-progress-text")).to_contain_text("1 demande relue", timeout=SLOW)
    page.keyboard.press("Enter")  # the next open row as proposed
    sync_api.expect(page.locator("#queue-progress-text")).to_contain_text("2 demandes relues", timeout=SLOW)
    page.fill("#reviewer", "Bruno")
    page.locator("#reviewer").dispatch_event("change")
    page.locator("#main").focus()
    page.keyboard.press("Shift+A")
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#bulk-result")).to_be_visible(timeout=SLOW)

    status, body = _get(server + f"v1/projects/{project}/queues/{queue_id}/stats")
    assert status == 200
    stats = json.loads(body)
    assert {o["officer"] for o in stats["officers"]} <= {"Alice Martin", "Bruno"}
    assert next(o for o in stats["officers"] if o["officer"] == "Alice Martin")["reviewed"] == 2

    # Reached from the queue view, with the keyboard.
    link = page.locator("#queue-stats-link")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready='true'] #stats-body:not([hidden])")
    sync_api.expect(page.locator("#stats-scope")).to_contain_text("appel-stats.csv")
    officers = page.locator("#stats-officers")
    sync_api.expect(officers).to_contain_text("Alice Martin")
    alice = officers.locator("tbody tr", has_text="Alice Martin")
    assert alice.locator("td").nth(0).inner_text() == "2"
    agreement = page.locator("#stats-agreement").inner_text()
    a = stats["agreement"]
    assert f"{a['accepted_unchanged']} sur {a['reviewed']}" in agreement
    share = a["accepted_unchanged_share"]
    french = f"{share * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    assert re.search(rf"{re.escape(french)}\s%", agreement), (french, agreement)  # « 66,7 % »
    codes = page.locator("#stats-codes tbody tr")
    assert codes.count() == len(stats["codes"]) and codes.count() >= 1
    sync_api.expect(page.locator("#stats-added")).to_contain_text("Ajoutés par les instructeurs")
    page.screenshot(path=str(desk.ARTIFACTS / "desk-90-stats-queue.png"), full_page=True)

    assert page.locator("#stats-back").get_attribute("href") == f"./#file={queue_id}&projet={project}"

    # The project's statistics, with the mouse.
    page.click("#stats-project-link")
    page.wait_for_selector("body[data-ready='true'] #stats-body:not([hidden])")
    title = next(p for p in json.loads(_get(server + "v1/projects")[1]) if p["name"] == project)["title"]
    sync_api.expect(page.locator("#stats-scope")).to_contain_text(f"Projet « {title} »")
    project_stats = json.loads(_get(server + f"v1/projects/{project}/stats")[1])
    assert project_stats["reviewed"] >= stats["reviewed"]
    sync_api.expect(page.locator("#stats-summary")).to_contain_text(f"{project_stats['reviewed']} demandes revues")
    page.screenshot(path=str(desk.ARTIFACTS / "desk-91-stats-project.png"), full_page=True)
    # Back from the project's statistics: « Mes appels à projets », which leads to them too.
    page.click("#stats-back")
    page.wait_for_selector("body[data-ready='true'] #queues-table:not([hidden])")
    assert "#appels" in page.url
    page.locator("#queues-stats").focus()
    shot(page, "92-queues-stats-link")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready='true'] #stats-body:not([hidden])")
    sync_api.expect(page.locator("#stats-scope")).to_contain_text(f"Projet « {title} »")

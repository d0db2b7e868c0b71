"""End-to-end tests of the review desk in a real headless Chromium, against the real server.

The server runs in a subprocess (``python -m cvclassify serve``) with a throw-away feedback database;
the page is driven with Playwright as an instruction officer would use it: mouse for the single
application, keyboard only for the queue. Screenshots of the key steps go to ``tests/artifacts/``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium: browser tests skipped "
                "(install Debian's chromium package to run them).", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed in this environment.")
pytestmark = pytest.mark.slow  # a real server and a browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
STARTUP_TIMEOUT = 120  # seconds: loading spaCy and the model on a busy two-core machine

APPLICATION = ("Fête de quartier et jardins partagés à la Patrotte. L'association propose d'animer les jardins "
               "partagés avec les habitants toute l'année et d'organiser une fête de quartier au mois de juin "
               "pour renforcer le lien social entre les générations et entre voisins.")

ONE_LEVEL_PROJECT = "metz-2024-2030"  # five thématiques, one level, three transversal concerns
VIOLENCE_APPLICATION = "Atelier d'autodéfense pour les femmes victimes de violences conjugales"

QUEUE_COLUMNS = ["N° dossier", "Porteur", "Libellé de l'action", "Objectif"]
QUEUE_ROWS = [  # a small call for projects, as exported (the last row has no text: an unreadable row)
    ["AAP-2024-011", "Association Femmes Relais 57", "Ateliers sociolinguistiques à Borny",
     "Permettre à des mères primo-arrivantes de progresser en français oral et écrit, deux matinées par "
     "semaine, avec une garde d'enfants sur place."],
    ["AAP-2024-017", "Régie de quartier Metz-Nord", "Chantier éducatif d'été",
     "Remobiliser des jeunes de 16 à 25 ans éloignés de l'emploi par un chantier de rénovation rémunéré, "
     "avec un accompagnement renforcé vers la Mission locale."],
    ["AAP-2024-023", "Centre social de Bellecroix", "Permanences d'accès aux droits",
     "Tenir une permanence hebdomadaire pour aider les habitants dans leurs démarches administratives en "
     "ligne (CAF, impôts, retraite) et lutter contre le non-recours."],
    ["AAP-2024-031", "Collectif des jardins de la Patrotte", "Fête de quartier et jardins partagés",
     "Animer les jardins partagés avec les habitants et organiser une fête de quartier pour renforcer le "
     "lien social entre les générations."],
    ["AAP-2024-040", "Club de prévention de Borny", "", ""],
]


# ------------------------------------------------------------------------------------------- fixtures
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real service on a free port, with a fresh SQLite feedback database; yields its base URL."""
    folder = tmp_path_factory.mktemp("desk-server")
    env = {**os.environ, "CVCLASSIFY_DATABASE_URL": f"sqlite:///{folder / 'fb.sqlite3'}"}
    env.pop("CVCLASSIFY_API_KEY", None)
    with running_server(folder, env) as (base, _):
        yield base


@contextlib.contextmanager
def running_server(folder: Path, env: dict[str, str], args: tuple[str, ...] = ()) -> Iterator[tuple[str, Path]]:
    """``cvclassify serve`` on a free port with ``env`` (and ``args``), once /health answers 200; yields its base
    URL and its log file, and stops it afterwards."""
    port = _free_port()
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cvclassify", "serve", "--port", str(port), "--log-level", "warning", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped (code {process.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                status, _ = _get(base + "health", timeout=2)
            except OSError:
                status = None
            if status == 200:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"/health not 200 after {STARTUP_TIMEOUT} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    expected_refusal = "the server responded with a status of 422"  # the 422 a test provokes on purpose
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and expected_refusal not in msg.text else None)
    page.goto(server)
    page.wait_for_selector("body[data-ready='true']")
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}.png"))


def project_name(server: str) -> str:
    _, body = _get(server + "v1/projects")
    projects = json.loads(body)
    return next((p for p in projects if p["default"]), projects[0])["name"]


def label_table(server: str) -> dict[str, dict[str, str]]:
    """The French words of the states, as the desk reads them (``GET v1/labels``)."""
    status, body = _get(server + "v1/labels")
    assert status == 200
    return json.loads(body)


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def pick_project(page, name: str) -> None:
    """Choose a project in the top bar's picker with the mouse: click opens the list, the option is chosen
    (Playwright cannot click inside a native drop-down), Échap closes what is left of it."""
    picker = page.locator("#project-picker")
    picker.click()
    picker.select_option(name)
    page.keyboard.press("Escape")


def ticked_ids(page) -> list[str]:
    return page.eval_on_selector_all("#codes input[type=checkbox]:checked", "els => els.map(e => e.dataset.id)")


def all_ids(page) -> list[str]:
    return page.eval_on_selector_all("#codes input[type=checkbox]", "els => els.map(e => e.dataset.id)")


def focused_id(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.dataset ? "
                         "document.activeElement.dataset.id || null : null")


# ------------------------------------------------------------------------------------------- tests
def test_single_application_review(page, server):
    """Paste, read the suggestions and their evidence, correct them with the picker, save, check the store."""
    project = project_name(server)
    page.fill("#text-input", APPLICATION)
    shot(page, "01-paste")
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")

    # Ranked codes with label, objective, axis and a probability in French per cent (« 87 % », « > 99 % »).
    rows = page.locator("#codes li.code-row")
    assert rows.count() >= 3
    first = rows.first
    assert re.fullmatch(r"([<>]\u00a0)?\d\d?\u00a0%", first.locator(".score-number").inner_text().strip())
    assert "Objectif" in first.inner_text() and "Axe" in first.inner_text()
    assert first.locator(".bar-fill").count() == 1

    suggested = all_ids(page)
    ticked = ticked_ids(page)
    selected_by_model = list(ticked)
    assert ticked, "the selected codes come ticked"
    if len(ticked) < 2:  # make sure one code is kept and one removed, whatever the model's threshold
        page.locator(f"#codes input[data-id='{next(i for i in suggested if i not in ticked)}']").check()
        ticked = ticked_ids(page)

    # Evidence words are highlighted in the text, coloured like their code's swatch.
    marks = page.locator("#single-doc mark.ev")
    assert marks.count() >= 1
    mark_text = marks.first.inner_text()
    assert mark_text and mark_text in APPLICATION
    owner = int(marks.first.get_attribute("data-s").split()[0])
    colour = re.search(r"\bc\d\b", marks.first.get_attribute("class")).group(0)
    assert page.locator(f"#codes li[data-suggestion='{owner}'] .swatch.{colour}").count() == 1
    second_row = page.locator("#codes li.code-row").nth(1)
    second_row.hover()  # hovering a code shows its own words
    if second_row.locator(".code-words").count():
        assert page.locator("#single-doc mark.ev.is-active").count() >= 1
    shot(page, "02-suggestions")

    # Untick one code with the mouse.
    removed_id = ticked[0]
    page.locator(f"#codes input[data-id='{removed_id}']").uncheck()
    assert removed_id not in ticked_ids(page)

    # Add a missing code from the picker, with the keyboard: "/" focuses the search (accent-insensitive).
    leaves = json.loads(_get(server + f"v1/projects/{project}/objectives")[1])["leaves"]
    added = next(leaf for leaf in leaves if leaf["id"] not in suggested and leaf["code"] == leaf["id"])
    page.locator("#codes input[type=checkbox]").first.focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "picker-input"
    page.keyboard.type("developper")  # no accent: must still find « Développer… » labels
    options = page.locator("#picker-list [role=option]")
    assert options.count() >= 1 and "développer" in options.first.inner_text().lower()
    page.fill("#picker-input", "")
    page.keyboard.type(added["code"])
    page.wait_for_selector(f"#picker-list [data-id='{added['id']}']")
    shot(page, "03-picker")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.locator("#picker-list .is-active").get_attribute("data-id") == added["id"]
    page.keyboard.press("Enter")
    added_row = page.locator(f"#codes li.is-added:has(input[data-id='{added['id']}'])")
    assert added_row.count() == 1 and "ajouté" in added_row.inner_text()
    assert added["id"] in ticked_ids(page)

    # Comment ("c" focuses it; letters typed there are not shortcuts), reviewer, then save.
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.id") == "comment"
    comment = "Fête et jardins : lien social d'abord ; x et u tapés ici ne sont pas des raccourcis."
    page.keyboard.type(comment)
    assert page.input_value("#comment") == comment
    page.fill("#reviewer", "Agent instructeur")
    page.click("#submit")
    status = page.locator("#status")
    sync_api.expect(status).to_contain_text("enregistrée")
    assert status.get_attribute("role") == "status"
    feedback_id = int(re.search(r"n° (\d+)", status.inner_text()).group(1))
    shot(page, "04-saved")

    # What the server stored is what the officer did.
    _, body = _get(server + f"v1/projects/{project}/feedback/export?format=jsonl")
    records = {r["id"]: r for r in map(json.loads, body.decode("utf-8").splitlines())}
    record = records[feedback_id]
    expected_kept = [i for i in suggested if i in ticked and i != removed_id]
    assert record["suggested"] == suggested
    assert record["kept"] == expected_kept
    assert record["removed"] == [i for i in suggested if i in selected_by_model and i not in expected_kept]
    assert removed_id in record["removed"]
    assert record["added"] == [added["id"]]
    assert record["comment"] == comment
    assert record["reviewer"] == "Agent instructeur"
    assert set(record["final_codes"]) == {*expected_kept, added["id"]}
    assert record["text"] == APPLICATION

    # Narrower screen: one column, nothing wider than the window.
    page.set_viewport_size({"width": 760, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "05-narrow")


def test_decision_and_hint_are_shown(page, server):
    """The decision (confidence and route) and the objective hint, when the model gives them."""
    def with_decision(route):
        response = route.fetch()
        body = response.json()
        body["decision"] = {"confidence": 0.934, "route": "auto"}
        first = body["suggestions"][0]
        body["objective_hint"] = {**first, "code": first["objective"]["code"], "label": first["objective"]["label"],
                                  "level": "objective", "score": 0.88, "evidence": []}
        route.fulfill(response=response, json=body)

    words = label_table(server)
    page.route("**/suggest", with_decision)
    page.fill("#text-input", APPLICATION)
    page.keyboard.press("Control+Enter")  # from the text area: suggest
    sync_api.expect(page.locator("#decision")).to_have_text(
        f"Confiance dans les codes cochés 93\u00a0% — {words['route']['auto']}")
    sync_api.expect(page.locator("#hint")).to_contain_text("Objectif opérationnel probable : ")
    sync_api.expect(page.locator("#hint-score")).to_have_text("(88\u00a0%)")
    shot(page, "06-decision-hint")
    page.click("#hint-pick")  # lists the codes of the hinted objective
    options = page.locator("#picker-list [role=option]")
    assert options.count() >= 1
    objective = page.locator("#hint-code").inner_text()
    assert all(meta.startswith(f"Objectif {objective} ") for meta in options.locator(".picker-meta").all_inner_texts())

    # A refusal of the server (422) is shown as an error, in French, and nothing is confirmed.
    refusal = {"detail": [{"loc": ["body"], "type": "value_error",
                           "msg": "Value error, Un même code ne peut être à la fois gardé et retiré."}]}
    page.route("**/feedback", lambda route: route.fulfill(status=422, json=refusal))
    page.keyboard.press("Escape")
    page.click("#submit")
    sync_api.expect(page.locator("#alert-text")).to_have_text("Un même code ne peut être à la fois gardé et retiré.")
    sync_api.expect(page.locator("#status")).to_be_empty()
    sync_api.expect(page.locator("#submit")).to_be_enabled()


def test_uploaded_document_is_suggested(page, server, tmp_path):
    """A document uploaded on the desk is read by /v1/extract, shown in the text area, then suggested."""
    path = tmp_path / "fiche-action.txt"
    path.write_text("Fiche action 2024\n\n" + APPLICATION + "\n", encoding="utf-8")
    page.set_input_files("#file-input", str(path))
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    assert APPLICATION in page.input_value("#text-input")
    sync_api.expect(page.locator("#text-source")).to_contain_text("fiche-action.txt")
    assert page.locator("#single-doc mark.ev").count() >= 1


def test_queue_keyboard_only(page, server, tmp_path):
    """Upload a call for projects and review it with the keyboard only; the export has the final codes."""
    project = project_name(server)
    status_words = label_table(server)["item_status"]
    path = tmp_path / "appel-2024.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([QUEUE_COLUMNS, *QUEUE_ROWS])
    page.goto(server + "#file")
    page.wait_for_selector("#queue-form")
    page.set_input_files("#queue-file", str(path))
    page.locator("#queue-submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
    progress = page.locator("#queue-progress-text")
    sync_api.expect(progress).to_have_text("0 demande relue sur 5 (1 illisible)")
    sync_api.expect(page.locator("#item-status")).to_have_text(status_words["open"])
    shot(page, "10-queue-first")
    expected: dict[str, dict] = {}

    def ref() -> str:
        return page.locator("#item-row").inner_text().replace("· réf.", "").strip()

    def position() -> str:
        return page.locator("#item-position").inner_text()

    # Item 1: reject the focused (first) code with "x", accept with Entrée.
    first_ref = ref()
    focused = focused_id(page)
    assert focused == all_ids(page)[0], "the first code has the keyboard focus"
    page.keyboard.press("x")
    assert focused not in ticked_ids(page)
    expected[first_ref] = {"codes": ticked_ids(page), "comment": ""}
    page.keyboard.press("Enter")
    sync_api.expect(progress).to_have_text("1 demande relue sur 5 (1 illisible)")
    assert ref() != first_ref and position() == "Demande 2 sur 5"
    sync_api.expect(page.locator("#status")).to_contain_text("enregistrée")

    # Item 2: j/↓ move, Espace toggles, "/" adds a code, "c" comments (keys typed there do nothing else).
    second_ref = ref()
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("k")
    second_code = all_ids(page)[1]
    assert focused_id(page) == second_code
    was_ticked = second_code in ticked_ids(page)
    page.keyboard.press("Space")
    assert (second_code in ticked_ids(page)) != was_ticked
    suggested = all_ids(page)
    leaves = json.loads(_get(server + f"v1/projects/{project}/objectives")[1])["leaves"]
    added = next(leaf for leaf in leaves if leaf["id"] not in suggested and leaf["code"] == leaf["id"])
    page.keyboard.press("/")
    page.keyboard.type(added["code"])
    page.wait_for_selector(f"#picker-list [data-id='{added['id']}']")
    page.keyboard.press("Enter")
    assert added["id"] in ticked_ids(page)
    page.keyboard.press("c")
    comment = "Vu en commission : ajout du code, pas de suite à donner ni de rejet."
    page.keyboard.type(comment)  # contains n, p, u, x, j, k: none may act as a shortcut here
    assert position() == "Demande 2 sur 5" and page.input_value("#comment") == comment
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    shot(page, "11-queue-edited")
    expected[second_ref] = {"codes": ticked_ids(page), "comment": comment}
    page.keyboard.press("Enter")
    sync_api.expect(progress).to_have_text("2 demandes relues sur 5 (1 illisible)")
    assert position() == "Demande 3 sur 5"

    # Previous (← and p), next (n): reviewed items show their decision.
    page.keyboard.press("ArrowLeft")
    assert position() == "Demande 2 sur 5"
    sync_api.expect(page.locator("#item-status")).to_have_text(status_words["done"])
    sync_api.expect(page.locator("#final-summary")).to_contain_text("Décision enregistrée")
    page.keyboard.press("p")
    assert position() == "Demande 1 sur 5" and ref() == first_ref
    shot(page, "12-queue-reviewed-item")
    page.keyboard.press("n")
    assert position() == "Demande 2 sur 5"

    # Undo: "u" reopens the item shown (it keeps its ticks as a draft); Entrée decides again.
    page.keyboard.press("u")
    sync_api.expect(page.locator("#item-status")).to_have_text(status_words["open"])
    sync_api.expect(progress).to_have_text("1 demande relue sur 5 (1 illisible)")
    assert sorted(ticked_ids(page)) == sorted(expected[second_ref]["codes"])
    assert page.input_value("#comment") == comment
    shot(page, "13-queue-undone")
    page.keyboard.press("Enter")
    sync_api.expect(progress).to_have_text("2 demandes relues sur 5 (1 illisible)")
    assert position() == "Demande 3 sur 5"
    # Ctrl+Z on an open item undoes the last decision taken (item 2), and brings it back.
    page.keyboard.press("Control+z")
    sync_api.expect(progress).to_have_text("1 demande relue sur 5 (1 illisible)")
    assert ref() == second_ref
    page.keyboard.press("Enter")
    sync_api.expect(progress).to_have_text("2 demandes relues sur 5 (1 illisible)")

    # The remaining readable items: accept as suggested.
    for done in (3, 4):
        current = ref()
        expected[current] = {"codes": ticked_ids(page), "comment": ""}
        page.keyboard.press("Enter")
        sync_api.expect(progress).to_have_text(f"{done} demandes relues sur 5 (1 illisible)")
    sync_api.expect(page.locator("#queue-done")).to_contain_text("Toutes les demandes sont revues")
    page.keyboard.press("ArrowRight")  # the unreadable row, last
    sync_api.expect(page.locator("#item-status")).to_have_text(status_words["error"])
    sync_api.expect(page.locator("#item-error")).to_be_visible()
    page.keyboard.press("?")
    sync_api.expect(page.locator("#help-dialog")).to_be_visible()
    shot(page, "14-queue-help")
    page.keyboard.press("Escape")
    sync_api.expect(page.locator("#help-dialog")).to_be_hidden()
    shot(page, "15-queue-done")

    # Export links, and the exported file carries the officer's decisions.
    csv_href = page.get_attribute("#export-csv", "href")
    assert page.get_attribute("#export-xlsx", "href").endswith("format=xlsx")
    status, body = _get(server + csv_href)
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    by_ref = {row["N° dossier"]: row for row in rows}
    assert len(rows) == 5
    for row_ref, decision in expected.items():
        row = by_ref[row_ref]
        assert row["Statut de la revue"] == status_words["done"]
        assert sorted(filter(None, row["Codes retenus"].split(", "))) == sorted(decision["codes"]), row_ref
        assert row["Commentaire"] == decision["comment"]
    assert by_ref["AAP-2024-040"]["Statut de la revue"].startswith(status_words["error"])
    assert by_ref["AAP-2024-040"]["Codes retenus"] == ""


def test_project_picker_one_level_project(page, server):
    """Pick the 2024-2030 project with the mouse: its thématiques, its transversal concerns and the national
    sous-thèmes are shown; the project stays in the address over a reload; back to 2015-2020, dotted codes."""
    projects = json.loads(_get(server + "v1/projects")[1])
    default = project_name(server)
    one_level = next(p for p in projects if p["name"] == ONE_LEVEL_PROJECT)
    picker = page.get_by_role("combobox", name="Projet", exact=True)  # the label names it
    options = page.eval_on_selector_all("#project-picker option", "os => os.map(o => [o.value, o.textContent])")
    assert options == [[p["name"], p["title"]] for p in projects]  # the API's order: the default first
    assert picker.input_value() == default
    # on a 1280-pixel screen the number of codes is shown whole (« 118 codes » was cut to « 118 c… » beside the title)
    page.set_viewport_size({"width": 1280, "height": 800})
    sync_api.expect(page.locator("#project-info")).to_have_text(re.compile(r"^\d+ codes"))
    shown = page.evaluate("""() => { const info = document.getElementById('project-info');
        const probe = document.createElement('span'); probe.style.font = getComputedStyle(info).font;
        probe.style.position = 'absolute'; probe.style.whiteSpace = 'nowrap';
        probe.textContent = info.textContent.split(' · ')[0]; document.body.append(probe);
        const needed = probe.getBoundingClientRect().width; probe.remove();
        return [info.getBoundingClientRect().width, needed]; }""")
    assert shown[0] >= shown[1] > 0, shown

    pick_project(page, ONE_LEVEL_PROJECT)
    # the line beside the selector: the number of codes first (what fits), the model; the name in its tooltip
    sync_api.expect(page.locator("#project-info")).to_have_attribute("title", re.compile(ONE_LEVEL_PROJECT))
    sync_api.expect(page.locator("#project-info")).to_have_text(re.compile(r"^\d+ codes · modèle "))
    sync_api.expect(page.locator("#project-info")).to_contain_text(one_level["model_version"])
    assert f"projet={ONE_LEVEL_PROJECT}" in page.evaluate("location.hash")

    leaves = json.loads(_get(server + f"v1/projects/{ONE_LEVEL_PROJECT}/objectives")[1])["leaves"]
    themes = {leaf["id"] for leaf in leaves}
    assert len(themes) == 5 and not any("." in code for code in themes)
    expected = _post_json(server + f"v1/projects/{ONE_LEVEL_PROJECT}/suggest", {"text": VIOLENCE_APPLICATION, "k": 8})
    page.fill("#text-input", VIOLENCE_APPLICATION)
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    assert all_ids(page)[0] in themes and set(all_ids(page)) <= themes
    # A one-level tree: each code is its own objective and axis, so no parent line repeats it.
    assert page.locator("#codes .code-meta").count() == 0

    # The national sous-thème of the first code, the 2024-2030 nomenclature first.
    first = expected["suggestions"][0]
    national = first["national"].get("2024-2030") or first["national"]["2015-2023"]
    period = "2024-2030" if "2024-2030" in first["national"] else "2015-2023"
    sync_api.expect(page.locator("#codes li.code-row").first.locator(".code-national")).to_have_text(
        f"Sous-thème ANCT : {national['code']} {national['label']} ({period})")

    # The transversal concerns, under the codes: label, score in per cent, the ones the model retains marked.
    concerns = page.locator("#transversal")
    sync_api.expect(concerns).to_be_visible()
    sync_api.expect(concerns.get_by_role("heading")).to_have_text("Préoccupations transversales")
    equality = concerns.locator("li", has_text="L'égalité entre les femmes et les hommes")
    sync_api.expect(equality).to_have_count(1)
    assert re.search(r"\d\u00a0%$", equality.inner_text().strip())
    marked = concerns.locator("li.is-selected .concern-label").all_text_contents()
    assert [m.split(" — ")[0] for m in marked] == [c["label"] for c in expected["transversal"] if c["selected"]]
    assert concerns.locator("input").count() == 0  # read-only
    shot(page, "20-project-2024")
    concerns.evaluate("node => node.scrollIntoView({block: 'center'})")
    shot(page, "21-transversal")

    # The code search lists the project's own codes, without a parent that repeats them.
    page.locator("#codes input[type=checkbox]").first.focus()
    page.keyboard.press("/")
    page.keyboard.type("emploi")
    option = page.locator("#picker-list [role=option][data-id='emploi']")
    sync_api.expect(option).to_have_count(1)
    assert option.locator(".picker-meta").count() == 0
    page.keyboard.press("Escape")

    # Saved in its project; the transversal concerns are not codes of the decision.
    page.click("#submit")
    sync_api.expect(page.locator("#status")).to_contain_text("enregistrée")
    feedback_id = int(re.search(r"n° (\d+)", page.locator("#status").inner_text()).group(1))
    _, body = _get(server + f"v1/projects/{ONE_LEVEL_PROJECT}/feedback/export?format=jsonl")
    record = {r["id"]: r for r in map(json.loads, body.decode("utf-8").splitlines())}[feedback_id]
    assert record["final_codes"] and set(record["final_codes"]) <= themes

    # A reload (or a bookmark) keeps the project.
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert picker.input_value() == ONE_LEVEL_PROJECT
    sync_api.expect(page.locator("#project-info")).to_have_attribute("title", re.compile(ONE_LEVEL_PROJECT))
    page.fill("#text-input", VIOLENCE_APPLICATION)
    page.click("#suggest-button")
    page.wait_for_selector("#codes li.code-row input[type=checkbox]")
    assert all_ids(page)[0] in themes

    # Back to 2015-2020 with the mouse: the text shown is suggested again, with dotted codes and their parents.
    pick_project(page, default)
    first_code = page.locator("#codes li.code-row .code").first
    sync_api.expect(first_code).to_have_text(re.compile(r"^\d+(\.\d+)+$"))
    assert f"projet={default}" in page.evaluate("location.hash")
    sync_api.expect(page.locator("#transversal")).to_be_hidden()
    sync_api.expect(page.locator("#codes li.code-row").first.locator(".code-meta")).to_contain_text("Axe")
    sync_api.expect(page.locator("#status")).to_contain_text("de nouveau")
    shot(page, "22-back-to-2015")

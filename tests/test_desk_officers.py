"""Two officers on one queue in a real Chromium (issue 18, point 5): each signs in with a named account and
sees their name; when both work on the same application, the second save shows who changed it and when, and
offers to reload it (keyboard) or to overwrite it (mouse, then keyboard); the history lists both decisions;
the export says who reviewed each row. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import csv
import io
import os

import openpyxl
import pytest

from tests.test_desk_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    QUEUE_COLUMNS,
    QUEUE_ROWS,
    VIEWPORT,
    running_server,
    sync_api,
)

pytestmark = pytest.mark.slow  # a real server and a browser

CLAIRE, PAUL = "claire-desk-key-1", "paul-desk-key-22"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real service with two named officer accounts and a fresh SQLite database; yields its base URL."""
    folder = tmp_path_factory.mktemp("officers-server")
    accounts = folder / "comptes.toml"
    accounts.write_text(f'[[account]]\nname = "Claire Martin"\nrole = "officer"\nkey = "{CLAIRE}"\n\n'
                        f'[[account]]\nname = "Paul Durand"\nrole = "admin"\nkey = "{PAUL}"\n', encoding="utf-8")
    env = {**os.environ, "CVCLASSIFY_DATABASE_URL": f"sqlite:///{folder / 'fb.sqlite3'}"}
    env.pop("CVCLASSIFY_API_KEY", None)
    env.pop("CVCLASSIFY_ADMIN_KEY", None)
    with running_server(folder, env, ("--accounts", str(accounts))) as (base, log_path):
        yield base
        assert CLAIRE not in log_path.read_text() and PAUL not in log_path.read_text()  # keys never logged


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser, server, key: str, errors: list[str]):
    """A browser context (its own cookies: another officer) signed in with ``key`` through the login form."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # 401: the login page itself; 409: the conflict this test provokes on purpose
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and not any(
        f"status of {code}" in msg.text for code in (401, 409)) else None)
    page.goto(server)
    page.fill("#key", key)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready='true']")
    return context, page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"desk-officers-{name}.png"))


def test_two_officers_on_one_row_see_the_conflict_and_choose(browser, server, tmp_path):
    errors: list[str] = []
    path = tmp_path / "appel-2024.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([QUEUE_COLUMNS, *QUEUE_ROWS])
    claire_context, claire = signed_in(browser, server, CLAIRE, errors)
    paul_context, paul = signed_in(browser, server, PAUL, errors)
    try:
        # who is signed in replaces the free « Relu par » field
        sync_api.expect(claire.locator("#signed-in")).to_have_text("Relu par Claire Martin · profil instruction")
        sync_api.expect(paul.locator("#signed-in")).to_have_text("Relu par Paul Durand · profil administration")
        assert claire.locator("#reviewer").is_hidden()

        # Claire loads the call for projects; Paul opens the same queue (same address): the same first row
        claire.click("#mode-queue")
        claire.set_input_files("#queue-file", str(path))
        claire.click("#queue-submit")
        claire.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
        paul.goto(claire.url)
        paul.wait_for_selector("#queue-work:not([hidden]) #codes input[type=checkbox]")
        first = claire.locator("#item-row").inner_text()
        assert paul.locator("#item-row").inner_text() == first

        # Claire accepts with the keyboard; Paul, who still sees the row open, clicks « Accepter »: conflict
        claire.keyboard.press("Enter")
        sync_api.expect(claire.locator("#status")).to_contain_text("enregistrée")
        paul.click("#submit")
        conflict = paul.locator("#conflict")
        sync_api.expect(conflict).to_be_visible()
        sync_api.expect(paul.locator("#conflict-text")).to_contain_text(
            "Cette demande a été modifiée par Claire Martin à ")
        sync_api.expect(paul.locator("#conflict-text")).to_contain_text("depuis que vous l'avez ouverte")
        assert paul.evaluate("document.activeElement.id") == "conflict-reload"
        shot(paul, "1-conflict")

        # Paul overwrites, with the keyboard (Tab to « Écraser », Entrée): saved, then on to the next row
        paul.keyboard.press("Tab")
        assert paul.evaluate("document.activeElement.id") == "conflict-overwrite"
        paul.keyboard.press("Enter")
        sync_api.expect(paul.locator("#status")).to_contain_text("enregistrée")
        sync_api.expect(conflict).to_be_hidden()
        second = paul.locator("#item-row").inner_text()
        assert second != first

        # the next row: Claire saves first again; Paul presses Entrée, then reloads with Entrée
        sync_api.expect(claire.locator("#item-row")).to_have_text(second)
        claire.keyboard.press("Enter")
        sync_api.expect(claire.locator("#status")).to_contain_text(second.replace("· réf.", "").strip())
        paul.locator("#codes input[type=checkbox]").first.focus()
        paul.keyboard.press("Enter")
        sync_api.expect(conflict).to_be_visible()
        assert paul.evaluate("document.activeElement.id") == "conflict-reload"
        paul.keyboard.press("Enter")
        sync_api.expect(conflict).to_be_hidden()
        sync_api.expect(paul.locator("#item-row")).to_have_text(second)
        sync_api.expect(paul.locator("#item-status")).to_have_text("revu")
        sync_api.expect(paul.locator("#item-by")).to_contain_text("revue par Claire Martin le ")
        sync_api.expect(paul.locator("#reopen")).to_be_visible()
        shot(paul, "2-reloaded")

        # the history of the first row, on demand (mouse): Claire's decision, then Paul's over it
        paul.click("#item-prev")
        sync_api.expect(paul.locator("#item-row")).to_have_text(first)
        paul.click("#history-button")
        events = paul.locator("#history-list li")
        sync_api.expect(events).to_have_count(2)
        sync_api.expect(events.nth(0)).to_contain_text("Claire Martin : revu, codes retenus ")
        sync_api.expect(events.nth(1)).to_contain_text("Paul Durand : revu")
        sync_api.expect(events.nth(1)).to_contain_text("(a remplacé une décision prise entre-temps)")
        assert paul.get_attribute("#history-button", "aria-expanded") == "true"
        shot(paul, "3-history")
        paul.locator("#history-button").focus()
        paul.keyboard.press("Enter")  # the keyboard closes it again
        sync_api.expect(paul.locator("#history")).to_be_hidden()

        # the export says who reviewed each row
        body = paul.request.get(server + paul.get_attribute("#export-csv", "href").lstrip("/")).body()
        rows = {row["N° dossier"]: row for row in
                csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")}
        assert rows[first.replace("· réf.", "").strip()]["Relu par"] == "Paul Durand"
        assert rows[second.replace("· réf.", "").strip()]["Relu par"] == "Claire Martin"

        # the desk's export buttons (issue 18, point 9): Excel with the mouse, CSV with the keyboard
        with paul.expect_download() as download:
            paul.click("#export-xlsx")
        assert download.value.suggested_filename == "appel-2024-revu.xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        assert sheet.title == "Revue appel-2024" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        header = [cell.value for cell in sheet[1]]
        assert header[:len(QUEUE_COLUMNS)] == QUEUE_COLUMNS
        assert header[len(QUEUE_COLUMNS):len(QUEUE_COLUMNS) + 6] == [
            "Codes retenus", "Libellés", "Statut de la revue", "Relu par", "Date", "Confiance"]
        confidences = [row[header.index("Confiance")].value for row in sheet.iter_rows(min_row=2)]
        assert sum(isinstance(c, float) for c in confidences) == 4  # a true number for each readable row
        paul.locator("#export-csv").focus()
        with paul.expect_download() as download:
            paul.keyboard.press("Enter")
        text = download.value.path().read_bytes().decode("utf-8-sig")
        assert text.splitlines()[0].endswith("Codes retenus;Libellés;Statut de la revue;Relu par;Date;Confiance;"
                                             "Commentaire;Codes proposés")
    finally:
        claire_context.close()
        paul_context.close()
    assert not errors, f"errors in the pages: {errors}"

"""The feedback store on SQLite and on a real PostgreSQL (started by .ci/run; skipped with a message
when no server is configured): migrations, decisions, queues, undo, exports, concurrency."""

from __future__ import annotations

import csv
import io
import json
import os
import threading

import pytest
from sqlalchemy import inspect, text

from cvclassify.errors import BatchInputError
from cvclassify.feedback import FeedbackStore, default_database_url
from cvclassify.feedback.store import FeedbackError
from cvclassify.service.review import export_feedback

POSTGRES_ENV = "CVCLASSIFY_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    else:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/run installs and starts one)")
    s = FeedbackStore(url)
    if request.param == "postgresql":
        with s.engine.begin() as connection:
            for table in ("review_event", "feedback", "review_item", "review_queue", "alembic_version"):
                connection.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    yield s
    s.close()


def test_migrations_create_the_schema_once(store):
    assert store.revision() is None
    assert store.upgrade() == "0003"
    assert store.upgrade() == "0003"  # idempotent
    tables = set(inspect(store.engine).get_table_names())
    assert {"feedback", "review_queue", "review_item", "review_event", "alembic_version"} <= tables


def test_decisions_are_kept_and_exported(store, tmp_path):
    store.upgrade()
    first = store.add_feedback("metz", suggested=["2.11.1", "2.6.4"], kept=["2.11.1"], removed=["2.6.4"],
                               added=["1.3.2"], text="Cours de français à la médiathèque", comment="ok",
                               reviewer="instructeur-1", model_version="v1")
    store.add_feedback("autre", suggested=[], kept=[], added=["4.7"], document_id="X-9")
    assert first.final_codes == ["2.11.1", "1.3.2"]
    assert first.text_sha256 and len(first.text_sha256) == 64
    [only] = store.feedback("metz")
    assert (only.kept, only.removed, only.added, only.comment) == (["2.11.1"], ["2.6.4"], ["1.3.2"], "ok")
    assert export_feedback(store, "metz", tmp_path / "retours.jsonl") == 1
    lines = [json.loads(line) for line in (tmp_path / "retours.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [first.id] and lines[0]["text"] == "Cours de français à la médiathèque"
    export_feedback(store, "metz", tmp_path / "retours.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "retours.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0]["final_codes"] == "2.11.1 | 1.3.2" and rows[0]["reviewer"] == "instructeur-1"
    with pytest.raises(BatchInputError, match="Format"):
        export_feedback(store, "metz", tmp_path / "retours.xml")


def _items():
    return [dict(position=i, row_id=f"R{i}", values={"Libellé": f"action {i}"}, fields={"title": f"action {i}"},
                 result={"suggestions": []}, uncertainty=u, error=e)
            for i, (u, e) in enumerate([(0.1, None), (0.8, None), (1.0, "ligne vide"), (0.5, None)], start=1)]


def test_queue_order_decision_replacement_and_undo(store):
    store.upgrade()
    queue_id = store.create_queue("metz", "appel.csv", ["Libellé"], ["note"], "v1", _items())
    queue = store.queue("metz", queue_id)
    assert [i.row_id for i in queue.items] == ["R2", "R4", "R1", "R3"]  # most uncertain first, errors last
    assert [i.row_id for i in store.queue("metz", queue_id, order="input").items] == ["R1", "R2", "R3", "R4"]
    item = queue.items[0]
    one = store.add_feedback("metz", suggested=["1.1.1"], kept=["1.1.1"], queue_id=queue_id, item_id=item.item_id)
    assert one.document_id == "R2" and one.text == "action 2"
    two = store.add_feedback("metz", suggested=["1.1.1"], kept=[], removed=["1.1.1"], added=["3.9.8"],
                             queue_id=queue_id, item_id=item.item_id)
    records = {r.id: r for r in store.feedback("metz")}
    assert records[one.id].withdrawn_at is not None and records[two.id].withdrawn_at is None
    assert store.queue("metz", queue_id).reviewed == 1
    reopened = store.reopen("metz", queue_id, item.item_id)
    assert reopened.status == "open" and reopened.final_codes is None
    assert store.feedback("metz", include_withdrawn=False) == []
    assert len(store.feedback("metz")) == 2  # nothing is deleted
    with pytest.raises(FeedbackError):
        store.queue("autre", queue_id)
    with pytest.raises(FeedbackError):
        store.add_feedback("metz", suggested=[], kept=[], queue_id=queue_id, item_id=99999)


def test_concurrent_writers_lose_nothing(store):
    store.upgrade()
    errors = []

    def write(n):
        try:
            for i in range(10):
                store.add_feedback("metz", suggested=[], kept=[], added=["4.7"], document_id=f"{n}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.document_id for r in store.feedback("metz")) == sorted(f"{n}-{i}" for n in range(4)
                                                                            for i in range(10))


def test_default_database_is_a_file_in_the_data_home(tmp_path, monkeypatch):
    monkeypatch.delenv("CVCLASSIFY_DATABASE_URL", raising=False)
    assert default_database_url(tmp_path) == f"sqlite:///{tmp_path / 'feedback' / 'feedback.sqlite3'}"
    monkeypatch.setenv("CVCLASSIFY_DATABASE_URL", "postgresql://u:p@h/db")
    assert default_database_url(tmp_path) == "postgresql://u:p@h/db"
    assert FeedbackStore("postgresql://u:secret@h/db").safe_url == "postgresql+psycopg://u:***@h/db"


def test_a_stale_save_is_refused_and_every_change_is_kept_in_the_history(store):
    from cvclassify.feedback.store import StaleItemError

    store.upgrade()
    queue_id = store.create_queue("metz", "appel.csv", ["Libellé"], [], "v1", _items())
    item = store.queue("metz", queue_id).items[0]
    assert item.version == 1
    store.add_feedback("metz", suggested=[], kept=[], added=["1.1.1"], queue_id=queue_id, item_id=item.item_id,
                       reviewer="Claire Martin", version=1)
    with pytest.raises(StaleItemError, match="modifiée par Claire Martin à ") as stale:
        store.add_feedback("metz", suggested=[], kept=[], added=["3.9.8"], queue_id=queue_id,
                           item_id=item.item_id, reviewer="Paul Durand", version=1)
    assert stale.value.item.version == 2 and stale.value.item.final_codes == ["1.1.1"]
    assert len(store.feedback("metz")) == 1  # nothing written
    store.add_feedback("metz", suggested=[], kept=[], added=["3.9.8"], queue_id=queue_id, item_id=item.item_id,
                       reviewer="Paul Durand", version=1, overwrite=True)
    with pytest.raises(StaleItemError):
        store.reopen("metz", queue_id, item.item_id, officer="Claire Martin", version=2)
    store.reopen("metz", queue_id, item.item_id, officer="Claire Martin", version=3)
    events = store.history("metz", queue_id, item.item_id)
    assert [(e.officer, e.action, e.status, e.final_codes, e.version, e.overwrote) for e in events] == [
        ("Claire Martin", "decision", "done", ["1.1.1"], 2, None),
        ("Paul Durand", "decision", "done", ["3.9.8"], 3, 1),
        ("Claire Martin", "reopen", "open", None, 4, None)]
    with pytest.raises(FeedbackError):
        store.history("autre", queue_id, item.item_id)

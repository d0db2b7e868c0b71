"""Beyond one machine: a Dask bag in local mode (two worker processes) gives the single-machine results."""

from __future__ import annotations

import pytest

from cvclassify.batch import classify_partition, classify_records
from cvclassify.io.columns import RowInput
from cvclassify.service.classify import Options

TEXTS = [
    ("Ateliers sociolinguistiques pour des mères", "ASL"),
    ("Correspondants de nuit dans les halls d'immeubles", "Tranquillité"),
    ("", ""),
    ("Former les membres du conseil citoyen", "Conseil citoyen"),
    ("Permanence CitésLab pour créer son entreprise", "CitésLab"),
]


@pytest.mark.slow
def test_a_dask_bag_in_local_mode_gives_the_single_machine_results(small_model_dir):
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from cvclassify.model import Classifier

    records = [{"id": f"r{i}", "Libellé de l'action": title, "Objectif": text, "_index": i}
               for i, (text, title) in enumerate(TEXTS * 12, start=1)]
    bag = db.from_sequence(records, npartitions=6)
    with dask.config.set(scheduler="processes", num_workers=2):
        distributed = bag.map_partitions(classify_partition, str(small_model_dir), Options(k=3)).compute()

    local = Classifier.load(small_model_dir)
    items = [RowInput(r["_index"], r["id"], {"title": r["Libellé de l'action"], "objectives": r["Objectif"]}
                      if r["Objectif"] else {}, None, {}) for r in records]
    expected = classify_records(local, items, Options(k=3))
    assert len(distributed) == len(records)
    for got, want in zip(distributed, expected, strict=True):
        got.pop("input"), want.pop("input")
        assert got == want
    assert [r["status"] == "error" for r in distributed[:5]] == [False, False, True, False, False]
    assert distributed[0]["suggestions"][0]["code"] == "2.11.1"

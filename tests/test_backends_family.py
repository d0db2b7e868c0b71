"""The omikuji backend and the ensemble of linear and omikuji: registry, margins, persistence, out-of-fold weight,
and the message when omikuji is missing."""

from __future__ import annotations

import pickle
import sys
from typing import ClassVar

import numpy as np
import pytest

from cvclassify.backends import BACKENDS, Example, backend_class
from cvclassify.errors import ModelError
from cvclassify.model.params import ModelParams
from cvclassify.taxonomy import Objective, Taxonomy

pytest.importorskip("omikuji")

from cvclassify.backends.ensemble import EnsembleBackend, blend_folds
from cvclassify.backends.omikuji import FLOOR, OmikujiBackend

PARAMS = ModelParams(cv_folds=0, dual=True, tol=1e-2, n_jobs=1, description_copies=1)
"""A cheap recipe (one process, one copy of each description): these tests check mechanics, not quality."""
TEXTS = ["Atelier d'aide aux devoirs pour les enfants du quartier, avec leurs parents.",
         "Chantier d'insertion professionnelle pour les jeunes sans emploi.",
         "Fête de quartier et animation du lien social entre habitants."]


def test_registry_lists_the_new_backends():
    assert {"omikuji", "ensemble"} <= set(BACKENDS)
    assert backend_class("omikuji") is OmikujiBackend
    assert backend_class("ensemble") is EnsembleBackend


def test_missing_omikuji_says_how_to_install_it(monkeypatch, taxonomy):
    monkeypatch.setitem(sys.modules, "omikuji", None)  # import omikuji raises ImportError
    examples = [Example("Atelier d'aide aux devoirs.", (taxonomy.leaf_ids[0],))]
    for backend in (OmikujiBackend(PARAMS), EnsembleBackend(PARAMS)):
        with pytest.raises(ModelError, match=r'pip install "cvclassify\[omikuji\]"'):
            backend.fit(examples, taxonomy)


def test_blend_folds_keep_each_writer_whole_or_fall_back_to_k_fold():
    groups = [f"batch-{i % 5}.jsonl" for i in range(50)]
    folds, how = blend_folds(groups, 3)
    assert "whole writers" in how and len(folds) == 3
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    assert sorted(np.concatenate([t for _, t in folds]).tolist()) == list(range(50))
    folds, how = blend_folds(["a.jsonl"] * 30 + ["b.jsonl"] * 30, 3)  # two writers for three folds
    assert "shuffled" in how and len(folds) == 3
    folds, how = blend_folds(["big.jsonl"] * 40 + [f"w{i}" for i in range(10)], 3)  # one writer is most
    assert "shuffled" in how


TREE = Taxonomy("t", [Objective(id=c, code=c, level="operational", label=f"Objectif {c}") for c in "abc"])


class Recorder:
    """A member stand-in: remembers the writers it trained on and the writers it scored; linear scores the
    right code high, omikuji scores everything alike."""

    log: ClassVar[list[tuple[str, set[str], set[str]]]] = []

    def __init__(self, kind: str) -> None:
        self.kind, self.trained = kind, set()

    def fit(self, examples, tree):
        self.trained = {e.group for e in examples}
        return self

    def scores(self, documents):
        Recorder.log.append((self.kind, self.trained, {d.split()[0] for d in documents}))
        rows = np.zeros((len(documents), 3))
        if self.kind == "linear":
            for i, d in enumerate(documents):
                rows[i, "abc".index(d.split()[1])] = 3.0
        return rows


def test_the_ensemble_weight_is_fitted_on_writers_each_fold_never_trained_on(monkeypatch):
    examples = [Example(f"w{w} {'abc'[i % 3]} texte", ("abc"[i % 3],), 1.0, f"w{w}") for w in range(6)
                for i in range(10)]
    monkeypatch.setattr(EnsembleBackend, "member", lambda self, name: Recorder(name))
    Recorder.log = []
    ensemble = EnsembleBackend(PARAMS, folds=3).fit(examples, TREE)
    assert len(Recorder.log) == 6  # 3 folds x 2 members score out of fold; the final members score nothing
    scored = set()
    for _, trained, writers in Recorder.log:
        assert trained and not trained & writers
        scored |= writers
    assert scored == {f"w{w}" for w in range(6)}
    assert "whole writers" in ensemble.fitted_on["folds"]
    assert ensemble.weight == 0.0  # omikuji's stand-in ranks nothing: the out-of-fold quality says so
    assert ensemble.linear.trained == ensemble.omikuji.trained == {f"w{w}" for w in range(6)}


@pytest.fixture(scope="module")
def slice_examples(fixture_corpus):
    """The 21 fixture proposals as examples of four writers."""
    return [Example(p.full_text, p.codes, 1.0, f"w{i % 4}") for i, p in enumerate(fixture_corpus.proposals)]


@pytest.fixture(scope="module")
def omikuji_backend(slice_examples, taxonomy):
    return OmikujiBackend(PARAMS).fit(slice_examples, taxonomy)


def test_omikuji_margins_are_finite_per_leaf_and_survive_pickling(omikuji_backend, taxonomy):
    margins = omikuji_backend.scores(TEXTS)
    assert margins.shape == (len(TEXTS), len(taxonomy.leaf_ids)) and np.isfinite(margins).all()
    floor = np.log(FLOOR / (1 - FLOOR))
    assert np.isclose(margins.min(), floor) and (margins.max(axis=1) > floor).all()
    restored = pickle.loads(pickle.dumps(omikuji_backend))
    assert np.array_equal(restored.scores(TEXTS), margins)
    assert omikuji_backend.describe()["name"] == "omikuji"
    assert omikuji_backend.known_words(omikuji_backend.represent(TEXTS)).all()  # no evidence: the base class


@pytest.mark.slow
def test_the_ensemble_blends_scores_explains_with_linear_words_and_survives_pickling(slice_examples, taxonomy):
    ensemble = EnsembleBackend(PARAMS, folds=2).fit(slice_examples, taxonomy)
    represented = ensemble.represent(TEXTS)
    margins = ensemble.margins(represented)
    assert margins.shape == (len(TEXTS), len(taxonomy.leaf_ids)) and np.isfinite(margins).all()
    card = ensemble.describe()
    assert card["weight"] in ensemble.grid and "whole writers" in card["fitted_on"]["folds"]
    assert [m["name"] for m in card["members"]] == ["linear", "omikuji"]
    assert ensemble.known_words(represented, margins).shape == (len(TEXTS),)
    restored = pickle.loads(pickle.dumps(ensemble))
    assert np.array_equal(restored.scores(TEXTS), ensemble.scores(TEXTS))


def test_train_refuses_a_backend_it_cannot_fit():
    from typer.testing import CliRunner

    from cvclassify.cli import app

    result = CliRunner().invoke(app, ["train", "--backend", "transfer", "-o", "/nonexistent"])
    assert result.exit_code == 1
    assert "choisissez linear, omikuji ou ensemble" in " ".join(result.output.split())

"""The linear backend's compiled tables: scikit-learn's feature rows and margins to the last bit, and a saved model
that loads and predicts without importing scikit-learn."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from cvclassify.backends import Example
from cvclassify.backends.linear import LinearBackend, StackedLinear, features
from cvclassify.backends.linear_compiled import CompiledLinear, char_wb_ngrams, word_ngrams
from tests.conftest import FIXTURE_PARAMS

TRICKY = ["", "xxxxx 12345 ?!", "  a  b\n\n c\t\td ", "Œuvre   d'art\u00a0à l'école", "aide aux devoirs " * 200,
          "QPV Borny-Bellecroix : 3e édition, 12 000 €", "É" * 40, "l'l'l'l' -- — ‐ ‑ 'n'"]


@pytest.fixture(scope="module")
def fitted(taxonomy, fixture_corpus) -> LinearBackend:
    examples = [Example(p.text, tuple(p.codes)) for p in fixture_corpus.proposals]
    return LinearBackend(FIXTURE_PARAMS).fit(examples, taxonomy)


def test_ngrams_are_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    for ngram_range in [(1, 1), (1, 2), (2, 3), (1, 3)]:
        words = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=ngram_range)
        for text in ["", "a", "a b", "aide aux devoirs du soir", "x y z w v"]:
            assert word_ngrams(text.split(), ngram_range) == words.build_analyzer()(text)
    chars = TfidfVectorizer(analyzer="char_wb", lowercase=False, ngram_range=(2, 5))
    for text in ["", "a", "ab", "aide   aux\n\ndevoirs", "anticonstitutionnellement é-à"]:
        assert char_wb_ngrams(text, (2, 5)) == chars._char_wb_ngrams(text)


def test_compiled_rows_and_margins_are_the_pipelines_to_the_last_bit(fitted, fixture_corpus):
    texts = [p.text for p in fixture_corpus.proposals] + TRICKY
    compiled = CompiledLinear.of(fitted.pipeline)
    expected, got = features(fitted.pipeline, texts), compiled.rows(texts)
    expected.sort_indices()
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    assert np.array_equal(compiled.margins(got), StackedLinear.of(fitted.pipeline).margins(expected))


def test_a_pickled_backend_holds_tables_only_and_predicts_the_same(fitted, fixture_corpus):
    texts = [p.text for p in fixture_corpus.proposals][:6]
    before = fitted.scores(texts)
    state = pickle.dumps(fitted)
    assert b"sklearn" not in state
    loaded = pickle.loads(state)
    assert loaded.pipeline is None and loaded.compiled is not None
    assert np.array_equal(loaded.scores(texts), before)
    assert np.array_equal(loaded.known_words(loaded.represent(texts), before), fitted.known_words(
        fitted.represent(texts), before))
    assert loaded.top_terms(loaded.represent(texts), 0, fitted.leaf_ids[0], 5) == fitted.top_terms(
        fitted.represent(texts), 0, fitted.leaf_ids[0], 5)


def test_evidence_is_the_same_from_tables_and_from_the_feature_union(fitted, fixture_corpus):
    from cvclassify.result import Suggestion

    tables = pickle.loads(pickle.dumps(fitted))
    union = LinearBackend(fitted.params, pipeline=fitted.pipeline, leaf_ids=fitted.leaf_ids)
    union._compile_tried = True  # no tables: the explainer reads the scikit-learn feature union
    for text in [p.text for p in fixture_corpus.proposals][:5]:
        found = []
        for backend in (tables, union):
            rows = backend.represent([text])
            items = [Suggestion(code=c, id=c, label="", score=0.5, selected=False) for c in fitted.leaf_ids[:8]]
            backend.explain({"texte": text}, items, rows, 0)
            found.append([[(e.word, e.lemma, e.weight, e.start) for e in s.evidence] for s in items])
        assert found[0] == found[1]
        assert any(found[0])


def test_a_model_saved_before_the_tables_still_loads(fitted, fixture_corpus):
    """A file holding the scikit-learn pipeline (models saved before the tables) compiles it when loaded."""
    texts = [p.text for p in fixture_corpus.proposals][:4]
    old = LinearBackend.__new__(LinearBackend)
    old.__setstate__({"params": fitted.params, "pipeline": fitted.pipeline, "leaf_ids": fitted.leaf_ids})
    assert np.array_equal(old.scores(texts), fitted.scores(texts))


def test_loading_a_model_and_suggesting_does_not_import_scikit_learn(small_model_dir):
    code = ("import sys; from cvclassify.model.classifier import Classifier; "
            f"m = Classifier.load({str(small_model_dir)!r}); m.suggest('Atelier d aide aux devoirs au collège'); "
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('sklearn', 'joblib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "CVCLASSIFY_TRUSTED_DIRS": str(small_model_dir)})
    assert out.stdout.strip() == "[]"


def test_tfidf_rows_are_scikit_learns_transform_to_the_last_bit(fitted, fixture_corpus):
    """``features.tfidf_rows`` skips scikit-learn's per-call checks; the matrix must be the same, bit for bit."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from cvclassify.features import tfidf_rows

    pipeline = fitted.pipeline
    analyses = pipeline.named_steps["analyse"].transform([p.text for p in fixture_corpus.proposals])
    checked = 0
    for _, block in pipeline.named_steps["features"].transformer_list:
        steps = [step for _, step in getattr(block, "steps", [])]
        if not steps or not isinstance(steps[-1], TfidfVectorizer):
            continue
        documents = steps[0].transform(analyses)
        expected, got = steps[-1].transform(documents), tfidf_rows(steps[-1], documents)
        assert got.shape == expected.shape
        assert np.array_equal(got.toarray(), expected.toarray())
        checked += 1
    assert checked == 2  # lemma n-grams and character n-grams


def test_sparse_weights_before_the_dense_copy_give_the_same_margins_and_evidence(fitted, fixture_corpus):
    """A fresh process scores its first documents with the stored sparse weights (no 90 MB dense copy for one
    suggestion), then makes them dense: margins and evidence do not move, to the last bit."""
    from cvclassify.backends.linear_compiled import SPARSE_DOCUMENTS
    from cvclassify.result import Suggestion

    texts = [p.text for p in fixture_corpus.proposals][:3]

    def run(backend):
        found = []
        for text in texts:
            rows = backend.represent([text])
            items = [Suggestion(code=c, id=c, label="", score=0.5, selected=False) for c in fitted.leaf_ids[:6]]
            backend.explain({"texte": text}, items, rows, 0)
            found.append((backend.margins(rows).tobytes(), [[(e.word, e.weight) for e in s.evidence] for s in items]))
        return found

    fresh = pickle.loads(pickle.dumps(fitted))
    sparse_run = run(fresh)
    assert fresh.compiled._weights is None  # still sparse after 3 single documents
    fresh.warm_up()
    assert isinstance(fresh.compiled._weights, np.ndarray)
    assert run(fresh) == sparse_run
    many = pickle.loads(pickle.dumps(fitted))
    many.scores([f"{p.text} ({i})" for i in range(2) for p in fixture_corpus.proposals][: SPARSE_DOCUMENTS + 1])
    assert isinstance(many.compiled._weights, np.ndarray)  # a batch makes them dense

"""spaCy's French tokenizer and tables replayed without spaCy (``cvclassify.lexicon``) give spaCy's results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cvclassify import lexicon
from cvclassify.analysis import Analyzer, load_spacy
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # loads spaCy's full French pipeline to compare with it


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


@pytest.fixture(scope="module")
def replayed(nlp):
    return lexicon.FrenchLexicon(lexicon.build_snapshot(nlp))


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus" / "proposals").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    texts.append((ROOT.parent / "shared" / "seed" / "contrat-de-ville-metz-2015-2020.txt").read_text(encoding="utf-8")
                 if (ROOT.parent / "shared" / "seed").exists() else "")
    return [t for t in texts if t]


def spacy_tokens(nlp, text: str) -> list[tuple[str, int]]:
    return [(t.text, t.idx) for t in nlp.tokenizer(text)]


def test_hash_is_spacys():
    from spacy.strings import hash_string

    for text in ["", "a", "bonjour", "sécurité", "œuvre", "abcdefgh", "abcdefghi", "x" * 23, "l’été-là", "🙂"]:
        assert lexicon.hash_string(text) == hash_string(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_hash_is_spacys_on_any_text(text):
    from spacy.strings import hash_string

    assert lexicon.hash_string(text) == hash_string(text)


def test_tokens_are_spacys_on_the_whole_corpus(nlp, replayed):
    texts = corpus_texts()
    assert len(texts) > 1400
    differing = [t for t in texts if replayed.tokenize(t) != spacy_tokens(nlp, t)]
    assert differing == []


TRICKY = [
    "Aujourd'hui, l'association (loi 1901) a-t-elle reçu 12 500 € ? Qu'est-ce que c'est… :-) (^_^)",
    "Mme. Dupont, Dr. Martin et M. Durand : rdv le 3/12 à 14h30 — www.metz.fr/qpv ou contact@asso.fr",
    "«  Ateliers  » \t\n  sociolinguistiques\u00a0à Borny ;  C'EST-À-DIRE  -  N’est-ce pas ? (St. Eloy)",
    "co-construction, peut-être, Saint-Éloy-Boileau-Pré-Génie, 2015-2020, 1er, 2ème, +33 3 87 00 00 00",
    " ", "  ", "\n", "", ":", "(:", "((:", "A-t-il", " l' ", "l'", "qu’", "'", "''", "1/2", "-3,5", "M.", "etc.",
]


def test_tokens_are_spacys_on_tricky_strings(nlp, replayed):
    for text in TRICKY:
        assert replayed.tokenize(text) == spacy_tokens(nlp, text), text


PIECES = ["l'", "d’", "Qu'", "aujourd'hui", "peut-être", "A-t-il", "St.", "Mme.", "(", ")", ":", "-", ":-)", "(^_^)",
          "«", "»", "…", "?", "!", ",", ";", ".", "'", "’", "/", "12", "3,5", "1er", "€", "%", "https://metz.fr/a",
          "jeunes", "Borny", "co-construction", "QPV", "é", "x", "ÉCOLE", "n°", "=", "+", "@", "#", "🙂", "\u00a0"]
SPACES = [" ", "", "  ", "\n", "\t", " \n "]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SPACES)), max_size=12))
@example(parts=[("l'", ""), ("'", " "), ("'", " ")])  # « l'' ' »: a special case matches touching tokens only
def test_tokens_are_spacys_on_random_sequences(nlp, replayed, parts):
    text = "".join(p + s for p, s in parts)
    assert replayed.tokenize(text) == spacy_tokens(nlp, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "P", "N", "Z", "S"]), max_size=30))
def test_tokens_are_spacys_on_random_text(nlp, replayed, text):
    assert replayed.tokenize(text) == spacy_tokens(nlp, text)


def test_analyses_are_the_same_with_and_without_spacy():
    texts = corpus_texts()[::7] + TRICKY
    with_spacy = Analyzer(mode="lookup", use_lexicon=False, cache_bytes=0).analyse(texts)
    replayed = Analyzer(mode="lookup", cache_bytes=0)
    without = replayed.analyse(texts)
    assert replayed._lexicon is not None  # the replay was used
    for a, b in zip(with_spacy, without, strict=True):
        assert a.tokens == b.tokens
        assert np.allclose(a.vector, b.vector, atol=1e-6)


def test_a_process_with_the_snapshot_cached_never_imports_spacy(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    script = ("import sys; from cvclassify.analysis import Analyzer; "
              "a = Analyzer(mode='lookup').analyse(['Ateliers sociolinguistiques à Borny'])[0]; "
              "print(a.lemmas, 'spacy' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["atelier", "sociolinguistique", "borny", "True"]  # built from spaCy once
    assert list(Path(tmp_path, "cvclassify").glob("lexicon-*.npz"))
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert second.stdout.split() == ["atelier", "sociolinguistique", "borny", "False"]


def test_a_damaged_snapshot_is_built_again(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    script = ("from cvclassify.analysis import Analyzer; "
              "print(Analyzer(mode='lookup').analyse(['Jardins partagés'])[0].lemmas)")
    subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    (snapshot,) = Path(tmp_path, "cvclassify").glob("lexicon-*.npz")
    snapshot.write_bytes(b"not an archive")
    again = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert again.stdout.split() == ["jardin", "partager"]
    assert snapshot.stat().st_size > 1_000_000


def test_the_replay_forgets_word_forms_past_its_bound(monkeypatch):
    """A long-running server meets new words without end: the replay's tables of word forms and tokenized strings
    start afresh past their bound, and analyses stay the same."""
    import random

    from cvclassify import analysis

    analyzer = Analyzer(mode="lookup", cache_bytes=0)
    known = "Ateliers sociolinguistiques pour des mères primo-arrivantes, deux matinées par semaine."
    before = analyzer.analyse([known])[0].tokens
    monkeypatch.setattr(analysis, "MAX_LEXEMES", 30)
    rng = random.Random(1)
    invented = [" ".join("".join(rng.choice("bcdfglmnprstvz") for _ in range(8)) for _ in range(40))]
    analyzer.analyse(invented)
    assert len(analyzer._forms) == 0 and len(analyzer._lexicon._spans) == 0
    assert analyzer.analyse([known])[0].tokens == before


def test_a_long_pattern_compiles_once_then_loads_from_its_cached_program(tmp_path):
    """``compile_pattern`` keeps the compiled program of a long pattern: the second process reads it back (no
    parsing) and matches exactly as ``re.compile``; a damaged cache file is compiled again."""
    import re

    from cvclassify.lexicon import compile_pattern

    words = [f"mot{i}[-–]ab?c" for i in range(1500)]
    pattern = "(?iu)(?:" + "|".join(f"^{w}" for w in words) + r")[a-zé\u00c0-\u00ff]+$|(?P<nombre>\d+)"
    assert len(pattern) > 10_000
    first = compile_pattern(pattern, tmp_path)
    [saved] = list(tmp_path.glob("pattern-*.npz"))
    again = compile_pattern(pattern, tmp_path)
    plain = re.compile(pattern)
    assert (again.flags, again.groups, again.groupindex) == (plain.flags, plain.groups, plain.groupindex)
    samples = ["mot12-abcé", "MOT12–ACÉTÉ", "mot1499-abcx", "mot1500-abcx", "mot7-ab", "42", "x", "mot3-abcÀ"]
    for text in samples:
        expected = plain.match(text)
        for compiled in (first, again):
            found = compiled.match(text)
            assert (found and (found.group(), found.lastgroup)) == (expected and (expected.group(), expected.lastgroup))
    saved.write_bytes(b"not a program")
    assert compile_pattern(pattern, tmp_path).match("mot12-abcd").group() == "mot12-abcd"

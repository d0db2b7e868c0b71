"""French analysis and input checks: folding, lemmas, stop words, offsets, vectors, validation."""

from __future__ import annotations

import pytest

from cvclassify import InvalidTextError
from cvclassify.analysis import Analyzer, fold
from cvclassify.document import MAX_CHARS, check_text, truncate
from tests.conftest import ROOT

ANALYZER = Analyzer()


def lemma_string(text: str) -> str:
    return ANALYZER.analyse([text])[0].lemmas


def analyse(texts: list[str]):
    return ANALYZER.tokens(texts)


def test_fold_strips_accents_case_and_ligatures():
    assert fold("SÉCURITÉ  Cœur\tÉlève") == "securite coeur eleve"


def test_accent_and_case_variants_meet_in_one_feature():
    forms = [lemma_string(t) for t in ("SECURITE", "sécurité", "securite", "Sécurité")]
    assert forms == ["securite"] * 4


def test_lemmas_group_inflections_and_drop_stop_words():
    lemmas = lemma_string("Les mères participent aux ateliers et une mère a participé à l'atelier").split()
    assert lemmas.count("mere") == 2
    assert lemmas.count("atelier") == 2
    assert lemmas.count("participer") == 2
    assert not {"le", "les", "et", "une", "a", "aux"} & set(lemmas)


def test_tokens_carry_offsets_into_the_original_text():
    text = "Ateliers sociolinguistiques à Borny"
    tokens = analyse([text])[0]
    assert [text[t.start:t.end] for t in tokens] == ["Ateliers", "sociolinguistiques", "Borny"]
    assert tokens[0].lemma == "atelier"


def test_long_texts_are_analysed_in_chunks_without_losing_offsets():
    text = "médiation " * 5000 + "alphabétisation"
    tokens = analyse([text])[0]
    assert len(tokens) == 5001
    last = tokens[-1]
    assert text[last.start:last.end] == "alphabétisation"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "vide"),
        ("   \n\t ", "vide"),
        (None, "absent"),
        ("12 34 -- 56", "aucun mot"),
        ("%PDF-1.7\x00\x01\x02\x03 stream", "binaires"),
        (b"\xff\xfe\x00binary", "UTF-8"),
        (42, "type int"),
    ],
)
def test_unusable_texts_get_a_precise_french_message(value, message):
    with pytest.raises(InvalidTextError, match=message):
        check_text(value)


def test_truncate_cuts_at_a_word_boundary():
    text = "mot " * (MAX_CHARS // 2)
    cut, was_cut = truncate(text)
    assert was_cut and len(cut) <= MAX_CHARS and cut.endswith("mot")
    assert truncate("court") == ("court", False)


def test_memoised_character_ngrams_equal_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from cvclassify.features import CharNgramTfidf

    texts = ["Ateliers  sociolinguistiques\tà Borny", "ASL ASL asl — l'école", "a", "Cœur de quartier, cœur!"]
    stock = TfidfVectorizer(analyzer="char_wb", preprocessor=fold, ngram_range=(2, 5)).build_analyzer()
    fast = CharNgramTfidf(analyzer="char_wb", preprocessor=fold, ngram_range=(2, 5)).build_analyzer()
    assert [fast(t) for t in texts] == [stock(t) for t in texts]
    assert [fast(t) for t in texts] == [stock(t) for t in texts]  # from the memo this time


def test_lookup_and_rule_analyses_agree_on_plain_words():
    text = "Les mères participent aux ateliers sociolinguistiques de Borny"
    lookup = Analyzer(mode="lookup").analyse([text])[0]
    rule = Analyzer(mode="rule").analyse([text])[0]
    assert [text[t.start:t.end] for t in lookup.tokens] == [text[t.start:t.end] for t in rule.tokens]
    assert {"mere", "atelier", "sociolinguistique"} <= set(lookup.lemmas.split())
    assert abs(float(lookup.vector @ rule.vector) - 1.0) < 1e-5  # same words, same vector


def test_fold_matches_its_definition_on_any_text():
    import random
    import unicodedata

    def reference(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").lower())
        return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())

    rng = random.Random(0)
    alphabet = "aàâäeéèêëiîïoôöuùûüçœæÀÉÈÇŒ ñãõåøß\u0301\u0327\u1e9e\u212b\ufb01\t\n-'’" + "ǅǈ𝔄ﬀ"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert fold(text) == reference(text)


@pytest.mark.slow
def test_the_fast_french_token_matcher_accepts_what_spacys_accepts():
    """The factored form of spaCy's French matcher (``analysis.factored_token_match``) is the same language:
    checked on every word form of the corpus and on the cases its rules were written for."""
    import json
    import re

    from spacy.lang.fr import tokenizer_exceptions as fr

    from cvclassify.analysis import factored_token_match

    original = "(?iu)" + "|".join(f"(?:{m})" for m in fr._regular_exp)
    slow = re.compile(original, re.UNICODE)  # another cache key than the seeded one: really spaCy's pattern
    fast = re.compile(factored_token_match(fr._regular_exp))
    words = {"faux-vampire", "entr'abat", "saut-de-ski", "pet-en-l'air", "Hip-Hop", "HIP-HOP", "Saint-Éloy",
             "droits-de-l'homme", "burn-out", "New-York", "porte-à-porte", "Pré-Génie", "grand'mère"}
    for path in (ROOT / "corpus" / "proposals").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            words.update(re.findall(r"[\w'’\-–]+", f"{record['title']} {record['text']}"))
    assert [w for w in words if bool(slow.match(w)) != bool(fast.match(w))] == []
    assert sum(bool(fast.match(w)) for w in words) > 100


def test_a_pipeline_that_learnt_too_many_new_words_is_loaded_afresh():
    """spaCy keeps every word form it meets: past the limit, the next analysis drops the grown pipeline (a
    long-running server stays bounded, bench/results/server_memory.md) and analyses stay the same."""
    import random

    from cvclassify import analysis

    analyzer = Analyzer(mode="lookup", use_lexicon=False)  # on spaCy itself (the replay: tests/test_lexicon.py)
    known = "Ateliers sociolinguistiques pour des mères primo-arrivantes, deux matinées par semaine."
    before = analyzer.analyse([known])[0].tokens
    grown, size, generation = analysis._pipeline(analyzer.spacy_model)
    rng = random.Random(1)
    invented = [" ".join("".join(rng.choice("bcdfglmnprstvz") for _ in range(8)) for _ in range(40))
                for _ in range(5)]
    limit = analysis.RECYCLE_LEXEMES
    analysis.RECYCLE_LEXEMES = len(grown.vocab) - size + 50
    try:
        analyzer.analyse(invented)
    finally:
        analysis.RECYCLE_LEXEMES = limit
    fresh, _, now = analysis._pipeline(analyzer.spacy_model)
    assert now == generation + 1 and fresh is not grown
    assert len(fresh.vocab) < len(grown.vocab)
    analyzer.cache = type(analyzer.cache)(analyzer.cache.max_bytes)  # analyse again, on the fresh pipeline
    assert analyzer.analyse([known])[0].tokens == before
    assert not analysis.recycle_if_grown(analyzer.spacy_model)  # nothing new learnt since

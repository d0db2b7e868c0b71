"""French analysis and input checks: folding, lemmas, stop words, offsets, vectors, validation."""

from __future__ import annotations

import pytest

from cvclassify import InvalidTextError
from cvclassify.analysis import Analyzer, fold
from cvclassify.document import MAX_CHARS, check_text, truncate

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

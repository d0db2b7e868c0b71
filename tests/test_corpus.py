"""The labelled corpus in corpus/proposals: valid, varied, covering, and honestly split."""

from __future__ import annotations

from collections import Counter

import pytest

from cvclassify.corpus import (
    HELDOUT_SHARE,
    check_corpus,
    corpus_stats,
    load_corpus,
    load_heldout,
    near_duplicates,
    split_corpus,
    stratified_heldout,
)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_corpus_check_finds_no_problem(corpus, taxonomy):
    issues = check_corpus(corpus, taxonomy)
    assert issues == [], "\n".join(f"{i.kind} {i.proposal_id}: {i.message}" for i in issues[:20])


def test_no_two_texts_are_near_duplicates(corpus):
    assert near_duplicates(corpus.proposals, 0.8) == []


def test_every_leaf_code_has_at_least_eight_primary_examples(corpus, taxonomy):
    primary = Counter(p.primary for p in corpus.proposals)
    thin = {c: primary[c] for c in taxonomy.leaf_ids if primary[c] < 8}
    assert thin == {}
    assert len(corpus) >= 950


def test_corpus_looks_like_real_files(corpus, taxonomy):
    stats = corpus_stats(corpus, taxonomy)
    assert 0.25 <= stats["multi_code_share"] <= 0.45
    assert set(stats["per_style"]) == {"fiche_action", "formulaire", "titre", "dossier_long", "bruite", "export"}
    assert min(stats["per_style"].values()) >= 0.08 * len(corpus)
    assert stats["per_style"]["export"] >= 400
    assert set(stats["per_year"]) == set(range(2015, 2024))
    assert stats["length_words"]["min"] <= 15 and stats["length_words"]["max"] >= 300
    # Cohesion codes (axes 1-2) carry more examples than urban and steering ones, as in real programmes.
    per_code = {c: v["primary"] for c, v in stats["per_code"].items()}
    cohesion = [per_code[c] for c in taxonomy.leaf_ids if c.startswith(("1.1", "1.2", "1.3", "2."))]
    urban = [per_code[c] for c in taxonomy.leaf_ids if c.startswith(("1.6", "1.7", "1.8", "3.4", "3.9", "4."))]
    assert sum(cohesion) / len(cohesion) > sum(urban) / len(urban)


def test_no_text_copies_the_label_of_its_primary_code(corpus, taxonomy):
    from cvclassify.analysis import fold

    copied = [p.id for p in corpus.proposals if fold(taxonomy[p.primary].label) in fold(p.full_text)]
    assert copied == []


def test_heldout_split_is_fixed_stratified_and_disjoint(corpus):
    heldout = load_heldout()
    ids = {p.id for p in corpus.proposals}
    assert heldout <= ids
    assert heldout == stratified_heldout(corpus.proposals)  # reproducible from the seed
    train, test = split_corpus(corpus, heldout)
    assert {p.id for p in test} == heldout and len(train) + len(test) == len(corpus)
    assert abs(len(test) / len(corpus) - HELDOUT_SHARE) < 0.03
    per_code = Counter(p.primary for p in test)
    assert all(per_code[c] >= 1 for c in {p.primary for p in corpus.proposals})


def test_corpus_commands_pass_on_the_real_corpus():
    import json

    from typer.testing import CliRunner

    from cvclassify.cli import app

    runner = CliRunner()
    check = runner.invoke(app, ["corpus", "check"])
    assert check.exit_code == 0, check.output
    assert "no problem found" in check.output
    stats = json.loads(runner.invoke(app, ["corpus", "stats", "--json"]).output)
    assert stats["near_duplicates"] == [] and stats["codes_without_primary_example"] == []

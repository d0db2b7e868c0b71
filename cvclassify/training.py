"""The training workflow: corpus → split → model → held-out metrics → saved model folder."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cvclassify.corpus import Proposal, load_corpus, load_heldout, split_corpus
from cvclassify.evaluate import evaluate_scores
from cvclassify.model import Classifier, ModelCard, ModelParams
from cvclassify.taxonomy import Taxonomy, load_taxonomy


@dataclass
class TrainingResult:
    classifier: Classifier
    card: ModelCard
    directory: Path


def heldout_metrics(classifier: Classifier, heldout: Sequence[Proposal], details: bool = False) -> dict:
    """Metrics of a classifier on proposals it did not train on, at leaf, objective and axis level."""
    scores = classifier.scores([p.full_text for p in heldout])
    gold = [set(p.codes) for p in heldout]
    selected = scores >= classifier.thresholds
    return evaluate_scores(scores, gold, classifier.leaf_ids, classifier.taxonomy, selected, details=details)


def train_and_evaluate(
    corpus_dir: Path | None = None,
    output: Path | None = None,
    taxonomy: str | Taxonomy | None = None,
    include_heldout: bool = False,
    descriptions_only: bool = False,
    cv_folds: int = 5,
    params: ModelParams | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> TrainingResult:
    """Train on the training split, measure on the held-out split, save the model and its card."""
    from cvclassify.io import atomic_write_text
    from cvclassify.paths import default_model_dir

    tree = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    corpus = load_corpus(corpus_dir)
    if corpus.unreadable:
        log(f"{len(corpus.unreadable)} unreadable corpus line(s) skipped; run `cvclassify corpus check`.")
    heldout_ids = set() if include_heldout else load_heldout()
    train, heldout = split_corpus(corpus, heldout_ids)
    params = params or ModelParams()
    params.cv_folds = cv_folds
    if descriptions_only:
        params.use_proposals = False
    log(f"Training on {len(train)} proposals and {len(tree.leaves)} objective descriptions; "
        f"{len(heldout)} held out.")
    classifier = Classifier.train(train, tree, params, corpus_fingerprint=corpus.fingerprint())
    card = classifier.card
    if heldout:
        card.metrics = {"heldout": heldout_metrics(classifier, heldout), "heldout_proposals": len(heldout)}
    else:
        card.notes = "Trained on every proposal: no held-out metrics."
    directory = Path(output) if output else default_model_dir()
    classifier.save(directory)
    if card.metrics:
        atomic_write_text(directory / "metrics.json", json.dumps(card.metrics, indent=2) + "\n")
    return TrainingResult(classifier, card, directory)

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
    card.trained_on_heldout = include_heldout
    if heldout:
        card.metrics = {"heldout": heldout_metrics(classifier, heldout), "heldout_proposals": len(heldout)}
    else:
        card.notes = "Trained on every proposal: no held-out metrics."
    directory = Path(output) if output else default_model_dir()
    classifier.save(directory)
    if card.metrics:
        atomic_write_text(directory / "metrics.json", json.dumps(card.metrics, indent=2) + "\n")
    return TrainingResult(classifier, card, directory)


def cross_validated_scores(
    proposals: Sequence[Proposal], taxonomy: Taxonomy, params: ModelParams, folds: int = 5,
    log: Callable[[str], None] = lambda message: None,
):
    """Out-of-fold calibrated scores and selections for every proposal (iterative stratification).

    Each fold trains a full model (with its own inner calibration) on the other folds and the
    objective descriptions, then scores the fold it did not see.
    """
    import numpy as np
    from sklearn.preprocessing import MultiLabelBinarizer

    from cvclassify.evaluate import multilabel_folds

    leaf_ids = taxonomy.leaf_ids
    y = MultiLabelBinarizer(classes=leaf_ids).fit_transform([p.codes for p in proposals])
    scores = np.zeros(y.shape, dtype=float)
    selected = np.zeros(y.shape, dtype=bool)
    for n, (train_idx, test_idx) in enumerate(multilabel_folds(y, folds, params.random_state), start=1):
        log(f"fold {n}/{folds}: training on {len(train_idx)}, scoring {len(test_idx)}")
        model = Classifier.train([proposals[i] for i in train_idx], taxonomy, params)
        fold_scores = model.scores([proposals[i].full_text for i in test_idx])
        scores[test_idx] = fold_scores
        selected[test_idx] = fold_scores >= model.thresholds
    return scores, selected


TARGETS = (("leaf", "P@1", 0.80), ("leaf", "R@3", 0.92), ("objective", "R@3", 0.96), ("axis", "P@1", 0.95))


def evaluation_report(
    classifier: Classifier, corpus_dir: Path | None = None, cv_folds: int = 5,
    log: Callable[[str], None] = lambda message: None,
) -> dict:
    """Held-out metrics of a saved model and cross-validated metrics of its recipe on the training split."""
    from dataclasses import asdict

    from cvclassify.errors import ModelError

    if classifier.card.trained_on_heldout:
        raise ModelError("This model was trained on the held-out split: its held-out metrics would be "
                         "meaningless. Evaluate a model built by `cvclassify train` without --include-heldout.")
    corpus = load_corpus(corpus_dir)
    train, heldout = split_corpus(corpus, load_heldout())
    evaluations = {}
    if heldout:
        log(f"Held-out split: scoring {len(heldout)} proposals.")
        evaluations["heldout"] = heldout_metrics(classifier, heldout, details=True)
    if cv_folds >= 2:
        params = ModelParams.from_dict(classifier.card.params)
        params.cv_folds = min(params.cv_folds, 3) if params.cv_folds >= 2 else 0
        scores, selected = cross_validated_scores(train, classifier.taxonomy, params, cv_folds, log)
        gold = [set(p.codes) for p in train]
        block = evaluate_scores(scores, gold, classifier.leaf_ids, classifier.taxonomy, selected, details=True)
        block["folds"] = cv_folds
        evaluations["cross_validation"] = block
    if not evaluations:
        raise ModelError("Nothing to evaluate: the held-out split is empty and cross-validation is off (--cv 0).")
    reference = evaluations.get("heldout") or evaluations["cross_validation"]
    targets = [
        {"name": f"{level} {metric}", "target": target, "value": reference[level][metric],
         "met": reference[level][metric] >= target}
        for level, metric, target in TARGETS
    ]
    return {
        "model_version": classifier.card.version,
        "corpus_fingerprint": corpus.fingerprint(),
        "proposals": len(corpus),
        "heldout_proposals": len(heldout),
        "params": asdict(ModelParams.from_dict(classifier.card.params)),
        "evaluations": evaluations,
        "targets": targets,
    }

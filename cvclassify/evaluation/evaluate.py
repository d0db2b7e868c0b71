"""Evaluation of a model version: its held-out metrics and cross-validated metrics of its recipe.

Every figure comes from proposals the scored model did not train on. When the corpus or the held-out
split differ from those recorded in the model card, the report says so: the figures then measure
something else than the card's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from cvclassify.analysis import Analyzer
from cvclassify.corpus import Proposal, ids_fingerprint, load_corpus, load_heldout, split_corpus
from cvclassify.errors import ModelError
from cvclassify.evaluation.metrics import evaluate_scores, heldout_metrics
from cvclassify.evaluation.quality import quality_report
from cvclassify.model.classifier import Classifier
from cvclassify.model.decision import Assessment
from cvclassify.model.params import ModelParams
from cvclassify.projects import Project, open_project
from cvclassify.taxonomy import Taxonomy
from cvclassify.training import Log, in_project_codes, multilabel_folds, quiet, train_classifier

TARGETS = (("leaf", "P@1", 0.80), ("leaf", "R@3", 0.92), ("objective", "R@3", 0.96), ("axis", "P@1", 0.95))


def officer_targets(evaluation: str, officer: dict | None) -> list[dict]:
    """The targets on what users see (issue 10), for one evaluation (held-out or cross-validation)."""
    if not officer:
        return []
    flat, where = officer["flat"], "held-out" if evaluation == "heldout" else "CV"
    found = [
        {"name": f"{where} ECE over the top five (at most)", "target": 0.03, "value": flat["ECE_top5"],
         "met": flat["ECE_top5"] <= 0.03},
        {"name": f"{where} ticked codes precision", "target": 0.85, "value": flat["selected"]["precision"],
         "met": flat["selected"]["precision"] >= 0.85},
        {"name": f"{where} ticked codes recall", "target": 0.80, "value": flat["selected"]["recall"],
         "met": flat["selected"]["recall"] >= 0.80},
    ]
    auto = (flat.get("routes") or {}).get("auto")
    if auto:
        found += [
            {"name": f"{where} share of auto applications", "target": 0.60, "value": auto["share"],
             "met": auto["share"] >= 0.60},
            {"name": f"{where} P@1 of auto applications", "target": 0.97, "value": auto.get("P@1", 0.0),
             "met": auto.get("P@1", 0.0) >= 0.97},
            {"name": f"{where} auto applications with exactly the right ticked codes", "target": 0.90,
             "value": auto.get("exact_set", 0.0), "met": auto.get("exact_set", 0.0) >= 0.90},
        ]
    return found


def cross_validated_scores(
    proposals: Sequence[Proposal], taxonomy: Taxonomy, params: ModelParams, folds: int = 5, log: Log = quiet,
) -> Assessment:
    """Out-of-fold calibrated scores, ticked codes and decisions for every proposal (iterative
    stratification).

    Each fold trains a full model (with its own inner calibration and decision rules) on the other
    folds and the objective descriptions, then judges the fold it did not see.
    """
    leaf_ids = taxonomy.leaf_ids
    y = MultiLabelBinarizer(classes=leaf_ids).fit_transform([p.codes for p in proposals])
    n = len(proposals)
    scores, selected = np.zeros(y.shape, dtype=float), np.zeros(y.shape, dtype=bool)
    confidence, objective, objective_confidence = np.zeros(n), np.zeros(n, dtype=int), np.zeros(n)
    routes = [""] * n
    analyzer = Analyzer(mode=params.analysis)
    for k, (train_idx, test_idx) in enumerate(multilabel_folds(y, folds, params.random_state), start=1):
        log(f"validation croisée : pli {k}/{folds} ({len(train_idx)} pour apprendre, {len(test_idx)} à noter)")
        model = train_classifier([proposals[i] for i in train_idx], taxonomy, params, analyzer=analyzer)
        analyses = analyzer.analyse([proposals[i].full_text for i in test_idx])
        judged = model.assess(analyses)
        scores[test_idx], selected[test_idx] = judged.scores, judged.selected
        confidence[test_idx], objective[test_idx] = judged.confidence, judged.objective
        objective_confidence[test_idx] = judged.objective_confidence
        for i, route in zip(test_idx, judged.route or [""] * len(test_idx), strict=True):
            routes[i] = route
    return Assessment(scores, selected, confidence, routes if all(routes) else [], objective, objective_confidence)


def heldout_assessment(classifier: Classifier, heldout: Sequence[Proposal]) -> Assessment:
    """The classifier's judgement of proposals it did not train on."""
    return classifier.assess([p.full_text for p in heldout])


def card_mismatches(classifier: Classifier, corpus_fingerprint: str, heldout_fingerprint: str) -> list[str]:
    """Warnings (in French) when the data evaluated differ from the data in the model card."""
    card = classifier.card
    found = []
    if card.corpus_fingerprint and card.corpus_fingerprint != corpus_fingerprint:
        found.append(
            f"Le corpus ({corpus_fingerprint}) n'est plus celui de l'apprentissage du modèle "
            f"({card.corpus_fingerprint}) : les mesures ne sont pas comparables à celles de sa fiche."
        )
    if card.heldout_fingerprint and card.heldout_fingerprint != heldout_fingerprint:
        found.append(
            f"Le jeu mis de côté ({heldout_fingerprint}) diffère de celui de la fiche du modèle "
            f"({card.heldout_fingerprint}) : le modèle a pu apprendre sur certaines propositions évaluées."
        )
    return found


def evaluation_report(
    classifier: Classifier, corpus_dir: Path | None = None, cv_folds: int = 5,
    project: Project | str | None = None, log: Log = quiet,
) -> dict:
    """Held-out metrics of a model and cross-validated metrics of its recipe on the training split."""
    if classifier.card.trained_on_heldout:
        raise ModelError("This model was trained on the held-out split: its held-out metrics would be "
                         "meaningless. Evaluate a model built by `cvclassify train` without --include-heldout.")
    project = project if isinstance(project, Project) else open_project(project)
    corpus = in_project_codes(load_corpus(corpus_dir or project.corpus_dir), project, classifier.taxonomy)
    heldout_ids = load_heldout(project.heldout_path)
    train, heldout = split_corpus(corpus, heldout_ids)
    warnings = card_mismatches(classifier, corpus.fingerprint(), ids_fingerprint(heldout_ids))
    for w in warnings:
        log(f"attention : {w}")
    evaluations = {}
    themes = project.taxonomy_path.with_name(project.taxonomy_path.name.split(".")[0] + ".themes.yaml")
    if heldout:
        log(f"jeu mis de côté : {len(heldout)} propositions à noter")
        evaluations["heldout"] = heldout_metrics(classifier, heldout, details=True)
        evaluations["heldout"]["officer"] = quality_report(heldout_assessment(classifier, heldout), heldout,
                                                           classifier.leaf_ids, classifier.taxonomy, themes)
    if cv_folds >= 2:
        params = ModelParams.from_dict(classifier.card.params)
        params.cv_folds = min(params.cv_folds, 3) if params.cv_folds >= 2 else 0
        judged = cross_validated_scores(train, classifier.taxonomy, params, cv_folds, log)
        gold = [set(p.codes) for p in train]
        block = evaluate_scores(judged.scores, gold, classifier.leaf_ids, classifier.taxonomy, judged.selected,
                                details=True)
        block["officer"] = quality_report(judged, train, classifier.leaf_ids, classifier.taxonomy, themes)
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
    for name, block in evaluations.items():
        targets += officer_targets(name, block.get("officer"))
    return {
        "model_version": classifier.card.version,
        "project": project.name,
        "corpus_fingerprint": corpus.fingerprint(),
        "proposals": len(corpus),
        "heldout_proposals": len(heldout),
        "params": asdict(ModelParams.from_dict(classifier.card.params)),
        "warnings": warnings,
        "evaluations": evaluations,
        "targets": targets,
    }

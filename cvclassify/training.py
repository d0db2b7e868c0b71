"""Training: examples, out-of-fold calibration and thresholds, the final fit, and new project versions.

Each text is analysed once (one spaCy pass); every fit — the cross-validation folds that calibrate
scores and tune thresholds, then the final fit — reuses those analyses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from cvclassify.analysis import Analyzer
from cvclassify.corpus import Proposal, ids_fingerprint, load_corpus, load_heldout, split_corpus
from cvclassify.errors import CorpusError, ModelError
from cvclassify.hierarchy import RollUp
from cvclassify.metrics import evaluate_scores
from cvclassify.model import estimator
from cvclassify.model.calibration import fit_platt, platt, tune_thresholds
from cvclassify.model.card import ModelCard, library_versions
from cvclassify.model.classifier import Classifier, word_counts
from cvclassify.model.decision import Assessment, fit_decider
from cvclassify.model.params import ModelParams
from cvclassify.projects import Project, new_version_name, open_project
from cvclassify.taxonomy import Taxonomy, load_taxonomy

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def multilabel_folds(y: np.ndarray, n_splits: int, random_state: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs of an iterative stratification (Sechidis et al.) over label matrix y."""
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    splitter = MultilabelStratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros((y.shape[0], 1)), y))


def training_examples(
    proposals: Sequence[Proposal], taxonomy: Taxonomy, params: ModelParams
) -> tuple[list[str], list[list[str]]]:
    """Texts and label lists the model learns from: proposals, then objective descriptions."""
    texts: list[str] = []
    labels: list[list[str]] = []
    if params.use_proposals:
        for p in proposals:
            texts.append(p.full_text)
            labels.append(list(p.codes))
    if params.use_descriptions:
        for leaf in taxonomy.leaves:
            for _ in range(params.description_copies):
                texts.append(taxonomy.describe(leaf.id, lexicon=params.use_lexicon))
                labels.append([leaf.id])
    if not texts:
        raise ModelError("Nothing to train on: enable proposals or objective descriptions.")
    return texts, labels


def out_of_fold_decisions(X: Sequence, y: np.ndarray, n_props: int, params: ModelParams,
                          factory: estimator.PipelineFactory = estimator.build_pipeline,
                          log: Log = _quiet) -> np.ndarray:
    """Decision values for each proposal from a model that did not train on it.

    Folds use iterative stratification; objective descriptions (the rows after the first ``n_props``)
    are always in training.
    """
    decisions = np.zeros((n_props, y.shape[1]))
    extra = list(range(n_props, len(X)))
    folds = multilabel_folds(y[:n_props], params.cv_folds, params.random_state)
    for n, (train_idx, test_idx) in enumerate(folds, start=1):
        log(f"calibration: pli {n}/{len(folds)}")
        fit_idx = list(train_idx) + extra
        pipeline = estimator.fit_pipeline(factory(params), [X[i] for i in fit_idx], y[fit_idx], params.prune_share)
        decisions[test_idx] = estimator.decisions(pipeline, [X[i] for i in test_idx])
    return decisions


def train_classifier(
    proposals: Sequence[Proposal], taxonomy: Taxonomy, params: ModelParams | None = None,
    corpus_fingerprint: str = "", factory: estimator.PipelineFactory = estimator.build_pipeline,
    analyzer: Analyzer | None = None, log: Log = _quiet,
) -> Classifier:
    """Fit on proposals and objective descriptions; calibrate and tune thresholds out of fold.

    ``factory`` builds the untrained pipeline (bench/ passes its experimental variants here).
    """
    params = replace(params) if params else ModelParams()
    leaf_ids = taxonomy.leaf_ids
    known = set(leaf_ids)
    unknown = sorted({f"{p.id}: {c}" for p in proposals for c in p.codes if c not in known})
    if unknown:
        raise CorpusError(
            f"{len(unknown)} code(s) of the training proposals are not leaf codes of {taxonomy.name!r} "
            f"({', '.join(unknown[:5])}{', …' if len(unknown) > 5 else ''}). Run `cvclassify corpus check`."
        )
    texts, labels = training_examples(proposals, taxonomy, params)
    y = MultiLabelBinarizer(classes=leaf_ids).fit_transform(labels)
    n_props = len(proposals) if params.use_proposals else 0
    log(f"analyse de {len(texts)} textes (spaCy)")
    analyzer = analyzer if analyzer is not None and analyzer.mode == params.analysis else Analyzer(mode=params.analysis)
    analyses = analyzer.analyse(texts)

    calibration, thresholds, decider = (1.0, 0.0), np.full(len(leaf_ids), 0.5), None
    if params.cv_folds >= 2 and n_props >= params.cv_folds * 2:
        decisions = out_of_fold_decisions(analyses, y, n_props, params, factory, log)
        calibration = fit_platt(decisions, y[:n_props])
        base = platt(decisions, calibration)
        thresholds = tune_thresholds(base, y[:n_props], params.min_threshold)
        if params.decision:
            roll = RollUp(taxonomy, leaf_ids, "objective")
            objective_y = np.zeros((n_props, len(roll.groups)), dtype=int)
            for leaf, group in enumerate(roll.member):
                objective_y[:, group] |= y[:n_props, leaf]
            decider = fit_decider(base, y[:n_props], roll.scores(base), objective_y, word_counts(texts[:n_props]))

    log("apprentissage du modèle final")
    pipeline = estimator.fit_pipeline(factory(params), analyses, y, params.prune_share)
    now = datetime.now(UTC)
    card = ModelCard(
        version=new_version_name(now),
        created=now.isoformat(timespec="seconds"),
        taxonomy=taxonomy.name,
        taxonomy_fingerprint=taxonomy.fingerprint(),
        corpus_fingerprint=corpus_fingerprint,
        training_proposals=n_props,
        training_descriptions=len(texts) - n_props,
        params=asdict(params),
        libraries=library_versions(),
        calibration={"a": calibration[0], "b": calibration[1]},
        decision=decider.to_dict() if decider else {},
    )
    return Classifier(pipeline, taxonomy, leaf_ids, calibration, thresholds, card, decider)


def heldout_metrics(classifier: Classifier, heldout: Sequence[Proposal], details: bool = False) -> dict:
    """Metrics of a classifier on proposals it did not train on, at leaf, objective and axis level."""
    scores = classifier.scores([p.full_text for p in heldout])
    gold = [set(p.codes) for p in heldout]
    selected = classifier.select(scores)
    return evaluate_scores(scores, gold, classifier.leaf_ids, classifier.taxonomy, selected, details=details)


def cross_validated_scores(
    proposals: Sequence[Proposal], taxonomy: Taxonomy, params: ModelParams, folds: int = 5, log: Log = _quiet,
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


@dataclass
class TrainingResult:
    classifier: Classifier
    card: ModelCard
    directory: Path


def train_version(
    project: Project | str | None = None,
    corpus_dir: Path | None = None,
    taxonomy: str | Taxonomy | None = None,
    include_heldout: bool = False,
    descriptions_only: bool = False,
    cv_folds: int = 5,
    params: ModelParams | None = None,
    output: Path | None = None,
    make_current: bool = True,
    log: Log = _quiet,
) -> TrainingResult:
    """Train on a project's training split, measure on its held-out split, write a new version.

    The version is written in full under a temporary name, then renamed and made current atomically;
    with ``output``, the model is written to that folder instead (no project version).
    """
    project = project if isinstance(project, Project) else open_project(project)
    if isinstance(taxonomy, Taxonomy):
        tree = taxonomy
    else:
        tree = load_taxonomy(taxonomy or project.taxonomy_path)
    corpus = load_corpus(corpus_dir or project.corpus_dir)
    if corpus.unreadable:
        log(f"{len(corpus.unreadable)} ligne(s) illisible(s) du corpus ignorée(s) ; lancez `cvclassify corpus check`.")
    heldout_ids = set() if include_heldout else load_heldout(project.heldout_path)
    train, heldout = split_corpus(corpus, heldout_ids)
    params = replace(params) if params else ModelParams()
    params.cv_folds = cv_folds
    if not params.stop_words:
        params.stop_words = project.place_names()
    if descriptions_only:
        params.use_proposals = False
    log(f"{len(train)} propositions et {len(tree.leaves)} descriptions d'objectifs pour apprendre ; "
        f"{len(heldout)} mises de côté.")
    classifier = train_classifier(train, tree, params, corpus_fingerprint=corpus.fingerprint(), log=log)
    card = classifier.card
    card.project = project.name
    card.trained_on_heldout = include_heldout
    card.heldout_fingerprint = "" if include_heldout else ids_fingerprint(heldout_ids)
    if heldout:
        log(f"mesure sur les {len(heldout)} propositions mises de côté")
        card.metrics = {"heldout": heldout_metrics(classifier, heldout), "heldout_proposals": len(heldout)}
    else:
        card.notes = "Trained on every proposal: no held-out metrics."
    if output is not None:
        return TrainingResult(classifier, card, classifier.save(output))
    staging = project.new_version_dir(card.version)
    classifier.save(staging)
    directory = project.publish(staging, card.version, make_current=make_current)
    return TrainingResult(classifier, card, directory)


"""Training: out-of-fold margins fit the decision layer, then the final fit, and new project versions.

    proposals ─ analysed once ─┬─ k folds: backend fit on the others → margins of the fold ─ decision layer
                               └─ backend fit on all ───────────────────────────────────────┘  → Classifier

Each text is analysed once (one spaCy pass); every fit — the cross-validation folds that calibrate
scores and fit the decision, then the final fit — reuses those analyses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from cvclassify.analysis import Analyzer
from cvclassify.backends import Backend, Example, make_backend
from cvclassify.backends.linear import PipelineFactory, build_pipeline
from cvclassify.corpus import Corpus, Proposal, ids_fingerprint, load_corpus, load_heldout, split_corpus
from cvclassify.errors import CorpusError
from cvclassify.evaluation.metrics import heldout_metrics
from cvclassify.hierarchy import RollUp
from cvclassify.model.calibration import fit_platt, platt, tune_thresholds
from cvclassify.model.card import ModelCard, library_versions
from cvclassify.model.classifier import Classifier, word_counts
from cvclassify.model.decision import DecisionLayer, fit_decider
from cvclassify.model.params import ModelParams
from cvclassify.model.transversal import TransversalLayer
from cvclassify.projects import Project, new_version_name, open_project
from cvclassify.taxonomy import Taxonomy, load_taxonomy

Log = Callable[[str], None]


def quiet(message: str) -> None:
    """A log that says nothing."""


def multilabel_folds(y: np.ndarray, n_splits: int, random_state: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs of an iterative stratification (Sechidis et al.) over label matrix y."""
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    splitter = MultilabelStratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros((y.shape[0], 1)), y))


def new_backend(params: ModelParams, analyzer: Analyzer | None = None,
                factory: PipelineFactory = build_pipeline) -> Backend:
    """An unfitted backend of ``params.backend`` (``factory`` builds the linear backend's pipeline)."""
    if params.backend == "linear":
        return make_backend("linear", params, analyzer=analyzer, factory=factory)
    return make_backend(params.backend, params, analyzer=analyzer)


def out_of_fold_margins(examples: Sequence[Example], tree: Taxonomy, y: np.ndarray, params: ModelParams,
                        backend: Callable[[], Backend], log: Log = quiet) -> np.ndarray:
    """Margins of each example from a backend that did not train on it (folds by iterative stratification;
    the leaves' descriptions are in every fold's training)."""
    margins = np.zeros(y.shape)
    folds = multilabel_folds(y, params.cv_folds, params.random_state)
    for n, (train_idx, test_idx) in enumerate(folds, start=1):
        log(f"calibration: pli {n}/{len(folds)}")
        fitted = backend().fit([examples[i] for i in train_idx], tree)
        margins[test_idx] = fitted.scores([examples[i].text for i in test_idx])
    return margins


def fit_decision(margins: np.ndarray, y: np.ndarray, tree: Taxonomy, words: np.ndarray,
                 params: ModelParams) -> DecisionLayer:
    """The decision layer fitted on out-of-fold margins: Platt sigmoid, per-code thresholds and (with
    ``params.decision``) the per-rank calibration, selection and routes."""
    calibration = fit_platt(margins, y)
    base = platt(margins, calibration)
    thresholds = tune_thresholds(base, y, params.min_threshold)
    decider = None
    if params.decision:
        roll = RollUp(tree, tree.leaf_ids, "objective")
        objective_y = np.zeros((len(y), len(roll.groups)), dtype=int)
        for leaf, group in enumerate(roll.member):
            objective_y[:, group] |= y[:, leaf]
        decider = fit_decider(base, y, roll.scores(base), objective_y, words)
    return DecisionLayer(calibration, thresholds, decider)


def train_classifier(
    proposals: Sequence[Proposal | Example], taxonomy: Taxonomy, params: ModelParams | None = None,
    corpus_fingerprint: str = "", factory: PipelineFactory = build_pipeline,
    analyzer: Analyzer | None = None, log: Log = quiet,
) -> Classifier:
    """Fit a backend on proposals (or weighted examples) and the leaves' descriptions; fit the decision layer
    out of fold.

    ``factory`` builds the linear backend's untrained pipeline (bench/ passes its experimental variants here).
    """
    params = replace(params) if params else ModelParams()
    leaf_ids = taxonomy.leaf_ids
    concern_ids = {o.id for o in taxonomy.transversal}
    known = set(leaf_ids) | concern_ids
    unknown = sorted({f"{getattr(p, 'id', '?')}: {c}" for p in proposals for c in p.codes if c not in known})
    if unknown:
        raise CorpusError(
            f"{len(unknown)} code(s) of the training proposals are not leaf codes of {taxonomy.name!r} "
            f"({', '.join(unknown[:5])}{', …' if len(unknown) > 5 else ''}). Run `cvclassify corpus check`."
        )
    analyzer = analyzer if analyzer is not None and analyzer.mode == params.analysis else Analyzer(mode=params.analysis)
    kept = list(proposals) if params.use_proposals else []
    texts = [p.text if isinstance(p, Example) else p.full_text for p in kept]
    log(f"analyse de {len(texts)} textes (spaCy)")
    analyses = analyzer.analyse(texts)
    concerns = [tuple(c for c in p.codes if c in concern_ids) for p in kept]
    examples = [Example(a, tuple(c for c in p.codes if c not in concern_ids), getattr(p, "weight", 1.0))
                for a, p in zip(analyses, kept, strict=True)]
    examples = [e for e in examples if e.codes]
    y = MultiLabelBinarizer(classes=leaf_ids).fit_transform([e.codes for e in examples]) if examples else None

    def backend() -> Backend:
        return new_backend(params, analyzer, factory)

    decision = DecisionLayer((1.0, 0.0), np.full(len(leaf_ids), 0.5))
    if params.cv_folds >= 2 and len(examples) >= params.cv_folds * 2:
        margins = out_of_fold_margins(examples, taxonomy, y, params, backend, log)
        decision = fit_decision(margins, y, taxonomy, word_counts(analyses), params)

    log("apprentissage du modèle final")
    fitted = backend().fit(examples, taxonomy)
    transversal = fit_transversal(analyses, concerns, taxonomy, params, analyzer, log) if concern_ids else None
    now = datetime.now(UTC)
    card = ModelCard(
        version=new_version_name(now),
        created=now.isoformat(timespec="seconds"),
        taxonomy=taxonomy.name,
        taxonomy_fingerprint=taxonomy.fingerprint(),
        corpus_fingerprint=corpus_fingerprint,
        training_proposals=len(examples),
        training_descriptions=len(taxonomy.leaves) * params.description_copies if params.use_descriptions else 0,
        params=asdict(params),
        libraries=library_versions(),
        calibration={"a": decision.platt[0], "b": decision.platt[1]},
        decision=decision.card(),
        backend=fitted.describe(),
        transversal=transversal.card() if transversal else {},
    )
    return Classifier(fitted, decision, taxonomy, card, transversal)


MIN_CONCERN_EXAMPLES = 20
"""Proposals naming transversal concerns needed to calibrate their scores out of fold."""


def fit_transversal(analyses: Sequence, concerns: Sequence[tuple[str, ...]], tree: Taxonomy, params: ModelParams,
                    analyzer: Analyzer, log: Log = quiet) -> TransversalLayer:
    """The transversal concerns' backend, fitted on the proposals (those naming no concern are negatives) and the
    concerns' descriptions; calibrated out of fold when enough proposals name concerns."""
    from sklearn.preprocessing import MultiLabelBinarizer

    from cvclassify.model.calibration import fit_platt, platt, tune_thresholds
    from cvclassify.taxonomy import Objective

    family = Taxonomy(f"{tree.name}-transversal", [Objective(id=o.id, code=o.code, level=o.level, label=o.label,
                                                             description=o.description, lexicon=o.lexicon)
                                                   for o in tree.transversal])
    examples = [Example(a, c) for a, c in zip(analyses, concerns, strict=True)]
    concern_params = replace(params, cv_folds=min(params.cv_folds, 3))
    positives = sum(bool(c) for c in concerns)
    calibration, threshold, fitted_on = (1.0, 0.0), 0.5, {"proposals_naming_a_concern": positives}
    if positives >= MIN_CONCERN_EXAMPLES and concern_params.cv_folds >= 2:
        log("préoccupations transversales : calibration")
        y = MultiLabelBinarizer(classes=family.leaf_ids).fit_transform(concerns)
        margins = out_of_fold_margins(examples, family, y, concern_params,
                                      lambda: new_backend(params, analyzer), log)
        calibration = fit_platt(margins, y)
        threshold = float(np.median(tune_thresholds(platt(margins, calibration), y, params.min_threshold)))
        fitted_on["calibrated"] = "out of fold"
    else:
        fitted_on["calibrated"] = "no (too few proposals name a concern: descriptions only, Platt (1, 0))"
    backend = new_backend(params, analyzer).fit(examples, family)
    return TransversalLayer(backend, calibration, threshold, fitted_on)


def in_project_codes(corpus: Corpus, project: Project, tree: Taxonomy) -> Corpus:
    """The corpus in the project's codes: as it is, or mapped through the crosswalk from the project whose codes
    it carries (``corpus_coding``), transversal concerns included."""
    if not project.corpus_coding:
        return corpus
    from cvclassify.taxonomy.crosswalk import crosswalk_path, load_crosswalk

    folder = project.home / (project.crosswalks or "corpus/objectives/crosswalks")
    walk = load_crosswalk(crosswalk_path(folder, project.corpus_coding, project.name), target_tree=tree)
    mapped = []
    for p in corpus.proposals:
        codes, concerns = walk.map(p.codes)
        mapped.append(replace(p, codes=codes + concerns))
    return replace(corpus, proposals=mapped)


@dataclass
class TrainingResult:
    """A trained model, its card and the folder it was written to."""

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
    log: Log = quiet,
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
    corpus = in_project_codes(corpus, project, tree)
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

"""Training: out-of-fold margins fit the decision layer, then the final fit, and new project versions.

    proposals ─ analysed once ─┬─ k folds: backend fit on the others → margins of the fold ─ decision layer
                               └─ backend fit on all ───────────────────────────────────────┘  → Classifier

Each text is analysed once (one spaCy pass); every fit — the cross-validation folds that calibrate
scores and fit the decision, then the final fit — reuses those analyses.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from cvclassify.analysis import Analyzer
from cvclassify.backends import Backend, Example, make_backend
from cvclassify.backends.linear import PipelineFactory, build_pipeline
from cvclassify.corpus import Corpus, Proposal, ids_fingerprint, load_corpus, load_heldout, split_corpus
from cvclassify.document import text_hash
from cvclassify.errors import CorpusError
from cvclassify.evaluation.metrics import heldout_metrics
from cvclassify.feedback.examples import resolve_feedback
from cvclassify.feedback.store import FeedbackRecord
from cvclassify.hierarchy import RollUp
from cvclassify.model.calibration import fit_platt, platt, tune_thresholds
from cvclassify.model.card import ModelCard, library_versions
from cvclassify.model.classifier import Classifier, word_counts
from cvclassify.model.decision import DecisionLayer, fit_decider
from cvclassify.model.integrity import environment_checksums
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


def writer_folds(groups: Sequence[str], n_splits: int) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Train/test index pairs that keep each writer (corpus batch, import file) whole in one fold, or None
    when the writers are too few or too unequal to fill ``n_splits`` comparable folds. Documents of no known
    writer are each their own group."""
    from sklearn.model_selection import GroupKFold

    labels = [g or f"#{i}" for i, g in enumerate(groups)]
    sizes = Counter(labels)
    named = [g for g in sizes if not g.startswith("#")]
    if len(named) < n_splits or max(sizes.values()) > 1.5 * len(labels) / n_splits:
        return None
    return list(GroupKFold(n_splits=n_splits).split(np.zeros((len(labels), 1)), groups=labels))


def writer_of(item: Proposal | Example) -> str:
    """The writer of a training item: its corpus or import file (proposals), its ``group`` (examples)."""
    if isinstance(item, Proposal):
        return item.source.split(":")[0]
    return getattr(item, "group", "")


KNOWN_IN_FOLD = 3
KNOWN_SHARE = 0.5
"""A document fits the decision layer out of a writer fold only when each of its codes has at least
``KNOWN_IN_FOLD`` examples in the fold's training, and at least ``KNOWN_SHARE`` of those a random fold would
give it: a model in service has all its examples of the codes it routes, and writers who wrote about a few
objectives only (the corpus batches were written axis by axis) would otherwise turn writer folds into
code-novelty folds."""


def out_of_fold_margins(examples: Sequence[Example], tree: Taxonomy, y: np.ndarray, params: ModelParams,
                        backend: Callable[[], Backend], log: Log = quiet) -> tuple[np.ndarray, np.ndarray, str]:
    """Margins of each example from a backend that did not train on it, the examples fit to calibrate on, and
    how the folds were made: whole writers left out (``params.folds == "writer"`` and enough writers; then
    only examples whose codes the fold's training shows ``KNOWN_IN_FOLD`` times are fit), else iterative
    stratification (all are). The leaves' descriptions are in every fold's training."""
    margins = np.zeros(y.shape)
    usable = np.ones(len(y), dtype=bool)
    folds = writer_folds([e.group for e in examples], params.cv_folds) if params.folds == "writer" else None
    how = f"{params.cv_folds} folds, whole writers left out ({len({e.group for e in examples if e.group})})"
    if folds is None:
        folds = multilabel_folds(y, params.cv_folds, params.random_state)
        how = f"{params.cv_folds} folds, iterative stratification"
    for n, (train_idx, test_idx) in enumerate(folds, start=1):
        log(f"calibration: pli {n}/{len(folds)}")
        fitted = backend().fit([examples[i] for i in train_idx], tree)
        margins[test_idx] = fitted.scores([examples[i].text for i in test_idx])
        if params.folds == "writer" and "writers" in how:
            seen = y[train_idx].sum(axis=0)
            expected = y.sum(axis=0) * len(train_idx) / len(y)
            known = (seen >= KNOWN_IN_FOLD) & (seen >= KNOWN_SHARE * expected)
            usable[test_idx] = ((y[test_idx] == 0) | known).all(axis=1)
    if not usable.all():
        how += f"; {int(usable.sum())} of {len(usable)} texts whose codes the fold had learnt"
    return margins, usable, how


def fit_decision(margins: np.ndarray, y: np.ndarray, tree: Taxonomy, words: np.ndarray,
                 params: ModelParams, usable: np.ndarray | None = None) -> DecisionLayer:
    """The decision layer fitted on out-of-fold margins: Platt sigmoid, per-code thresholds and (with
    ``params.decision``) the per-rank calibration, selection and routes.

    With ``usable`` (the documents whose codes their fold knew, ``out_of_fold_margins``), the sigmoid and the
    calibration curves learn from every document and the thresholds, selection and routes from the usable ones:
    a score must read true on a writer never seen (bench/results/route_promise.md: ECE over the top five on a
    new writer 0.044 with curves fitted on known codes only, 0.013 on all), a route must keep its promise on the
    codes the model in service has examples of."""
    keep = np.ones(len(y), dtype=bool) if usable is None else np.asarray(usable, dtype=bool)
    calibration = fit_platt(margins, y)
    every = platt(margins, calibration)
    base, y_kept, words_kept = every[keep], y[keep], np.asarray(words)[keep]
    thresholds = tune_thresholds(base, y_kept, params.min_threshold)
    decider = None
    if params.decision:
        roll = RollUp(tree, tree.leaf_ids, "objective")
        objective_y = np.zeros((len(y_kept), len(roll.groups)), dtype=int)
        for leaf, group in enumerate(roll.member):
            objective_y[:, group] |= y_kept[:, leaf]
        decider = fit_decider(base, y_kept, roll.scores(base), objective_y, words_kept, route_on=params.route_on,
                              calibrate_on=(every, y, np.asarray(words)) if usable is not None else None)
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
    examples = [Example(a, tuple(c for c in p.codes if c not in concern_ids), getattr(p, "weight", 1.0),
                        writer_of(p)) for a, p in zip(analyses, kept, strict=True)]
    examples = [e for e in examples if e.codes]
    y = MultiLabelBinarizer(classes=leaf_ids).fit_transform([e.codes for e in examples]) if examples else None

    def backend() -> Backend:
        return new_backend(params, analyzer, factory)

    decision = DecisionLayer((1.0, 0.0), np.full(len(leaf_ids), 0.5))
    if params.cv_folds >= 2 and len(examples) >= params.cv_folds * 2:
        margins, usable, how = out_of_fold_margins(examples, taxonomy, y, params, backend, log)
        words = word_counts([e.text for e in examples])
        decision = fit_decision(margins, y, taxonomy, words, params, usable)
        if decision.decider is not None:
            decision.decider.fitted_on["out_of_fold"]["folds"] = how

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
        environment=environment_checksums() if analyzer.spacy_model == "fr_core_news_md" else {},
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
        margins, _, _ = out_of_fold_margins(examples, family, y, concern_params,
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


OFFICER_WEIGHT = 2.0
"""Weight of an officer-tagged text against a written example (chosen in bench/learning_loop.py)."""


def load_imports(project: Project) -> list[Proposal]:
    """The team's imported history (``cvclassify corpus import``), in the project's own codes."""
    folder = project.imports_dir
    if not folder.is_dir() or not any(folder.glob("*.jsonl")):
        return []
    return load_corpus(folder).proposals


def text_hashes(proposals: Sequence[Proposal]) -> set[str]:
    """Normalised text hashes of proposals (decisions on these texts must not train)."""
    return {text_hash(p.full_text) for p in proposals}


MIN_OWN_DECISION = 100
"""Own labelled texts a territory that started cold needs before its decision layer is fitted on them (below, the
cold-start decision layer is kept)."""
AUTO_MIN_OWN = 300
"""Own labelled texts needed before any application of such a territory is routed ``auto``."""


def cold_source(project: Project) -> Project | None:
    """The project a territory's cold-start model learnt from (named in its current card), or None."""
    from cvclassify.errors import CvclassifyError
    from cvclassify.model.classifier import read_card
    from cvclassify.projects import Home

    try:
        name = (read_card(project.version_dir()).get("cold_start") or {}).get("source_project")
        return Home.open(project.home).project(name) if name else None
    except CvclassifyError:
        return None


def train_from_cold(tree: Taxonomy, source: Project, own: Sequence[Proposal | Example], params: ModelParams,
                    fingerprint: str, log: Log = quiet) -> Classifier:
    """A territory that started cold, retrained: the transfer from ``source`` plus its own labelled texts
    (imported history, officers' decisions); its decision layer is fitted on them out of fold once it has
    ``MIN_OWN_DECISION`` of them, and routes ``auto`` from ``AUTO_MIN_OWN``."""
    from cvclassify.backends.transfer import TransferBackend
    from cvclassify.coldstart import NEVER, cold_start_decision, train_cold_start

    source_model = Classifier.load(source.version_dir())
    source_proposals = load_corpus(source.corpus_dir).proposals
    params = replace(params, backend="transfer", cv_folds=min(params.cv_folds, 3))
    analyzer = Analyzer(mode=params.analysis)
    log(f"analyse de {len(own)} textes du territoire (spaCy)")
    texts = [p.text if isinstance(p, Example) else p.full_text for p in own]
    analyses = analyzer.analyse(texts)
    leaf_ids = set(tree.leaf_ids)
    examples = [Example(a, tuple(c for c in p.codes if c in leaf_ids), getattr(p, "weight", 1.0), writer_of(p))
                for a, p in zip(analyses, own, strict=True)]
    examples = [e for e in examples if e.codes]

    def backend() -> Backend:
        return TransferBackend(params, source_backend=source_model.backend, source_platt=source_model.decision.platt,
                               source_proposals=source_proposals, analyzer=analyzer)

    decision = cold_start_decision(len(tree.leaves))
    how = f"cold-start decision layer (fewer than {MIN_OWN_DECISION} own texts)"
    if len(examples) >= MIN_OWN_DECISION and params.cv_folds >= 2:
        y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform([e.codes for e in examples])
        margins, usable, folds = out_of_fold_margins(examples, tree, y, params, backend, log)
        words = word_counts([e.text for e in examples])
        decision = fit_decision(margins[usable], y[usable], tree, words[usable], params)
        how = f"fitted out of fold on the territory's own texts ({folds})"
        if len(examples) < AUTO_MIN_OWN and decision.decider is not None:
            decision = replace(decision, decider=replace(decision.decider, auto_threshold=NEVER))
            how += f" (auto off below {AUTO_MIN_OWN} own texts)"
    log("apprentissage du modèle final (transfert + textes du territoire)")
    model = train_cold_start(tree, source_model, source_proposals, source_project=source.name, params=params,
                             decision=decision, examples=examples, analyzer=analyzer)
    model.card.corpus_fingerprint = fingerprint
    model.card.training_proposals = len(examples)
    model.card.cold_start["own_texts"] = len(examples)
    model.card.cold_start["decision"] = how
    model.card.environment = environment_checksums()
    return model


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
    feedback: Iterable[FeedbackRecord] | None = None,
    officer_weight: float = OFFICER_WEIGHT,
    log: Log = quiet,
) -> TrainingResult:
    """Train on a project's training split, its imported history and its officers' decisions (``feedback``);
    measure on its held-out split; write a new version.

    The version is written in full under a temporary name, then renamed (and, with ``make_current``, made
    current) atomically: a crash leaves no half version. With ``output``, the model is written to that folder
    instead (no project version).
    """
    started = time.perf_counter()
    project = project if isinstance(project, Project) else open_project(project)
    if isinstance(taxonomy, Taxonomy):
        tree = taxonomy
    else:
        tree = load_taxonomy(taxonomy or project.taxonomy_path)
    try:
        corpus = load_corpus(corpus_dir or project.corpus_dir)
    except CorpusError:
        if corpus_dir is not None or cold_source(project) is None:
            raise
        corpus = Corpus([])  # a territory that started cold: its history and its officers teach it
    if corpus.unreadable:
        log(f"{len(corpus.unreadable)} ligne(s) illisible(s) du corpus ignorée(s) ; lancez `cvclassify corpus check`.")
    corpus = in_project_codes(corpus, project, tree)
    heldout_ids = set() if include_heldout else load_heldout(project.heldout_path)
    train, heldout = split_corpus(corpus, heldout_ids)
    imported = load_imports(project)
    examples: list[Proposal | Example] = [*train, *imported]
    officers = resolve_feedback(feedback or (), tree.leaf_ids, [o.id for o in tree.transversal],
                                exclude=text_hashes(heldout))
    examples += [Example(t.text, t.codes, officer_weight, "officers") for t in officers.train]
    params = replace(params) if params else ModelParams()
    params.cv_folds = cv_folds
    if not params.stop_words:
        params.stop_words = project.place_names()
    if descriptions_only:
        params.use_proposals = False
    log(f"{len(train)} propositions, {len(imported)} importées, {len(officers.train)} textes d'agents et "
        f"{len(tree.leaves)} descriptions d'objectifs pour apprendre ; {len(heldout)} mises de côté.")
    if officers.unknown_codes:
        log(f"retours : {len(officers.unknown_codes)} code(s) absent(s) de l'arbre "
            f"({', '.join(officers.unknown_codes)}) : laissés de côté, voir la fiche du modèle.")
    fingerprint = corpus.fingerprint()
    if imported or officers.train:
        extra = "".join(sorted(text_hash(p.full_text) + ",".join(p.codes) for p in imported))
        extra += "".join(t.sha256 + ",".join(t.codes) for t in officers.train)
        fingerprint = hashlib.sha256((fingerprint + extra + str(officer_weight)).encode()).hexdigest()[:16]
    source = cold_source(project) if not train else None
    if source is not None:
        classifier = train_from_cold(tree, source, examples, params, fingerprint, log)
    else:
        classifier = train_classifier(examples, tree, params, corpus_fingerprint=fingerprint, log=log)
    card = classifier.card
    card.project = project.name
    card.trained_on_heldout = include_heldout
    card.heldout_fingerprint = "" if include_heldout else ids_fingerprint(heldout_ids)
    if heldout:
        log(f"mesure sur les {len(heldout)} propositions mises de côté")
        card.metrics = {"heldout": heldout_metrics(classifier, heldout), "heldout_proposals": len(heldout)}
    else:
        card.notes = "Trained on every proposal: no held-out metrics."
    card.imports = {"proposals": len(imported), "files": sorted({p.source.split(":")[0] for p in imported})}
    card.feedback = officers.card(officer_weight)
    card.training_seconds = round(time.perf_counter() - started, 1)
    if output is not None:
        return TrainingResult(classifier, card, classifier.save(output))
    staging = project.new_version_dir(card.version)
    try:
        classifier.save(staging)
        directory = project.publish(staging, card.version, make_current=make_current)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return TrainingResult(classifier, card, directory)

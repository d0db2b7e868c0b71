"""Cold start: a model for a territory that has a tree and no labelled proposal (« démarrage à froid »).

The transfer backend (``cvclassify.backends.transfer``) learns from another project's labelled proposals and
model. Its scores are calibrated for what they are — transfer scores on a tree nobody labelled for — with the
decision layer fitted on two territories the method never trained on (``bench/cold_start.py`` writes
``cvclassify/data/cold-start-decision.json``); no application is routed ``auto`` until the project has labelled
proposals of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from cvclassify.backends.base import Example
from cvclassify.backends.transfer import TransferBackend
from cvclassify.corpus import Proposal
from cvclassify.model.card import ModelCard, library_versions
from cvclassify.model.classifier import Classifier
from cvclassify.model.decision import Decider, DecisionLayer
from cvclassify.model.params import ModelParams
from cvclassify.projects import new_version_name
from cvclassify.taxonomy import Taxonomy

DECISION_FILE = Path(__file__).resolve().parent / "data" / "cold-start-decision.json"
NEVER = 1.01
"""A route threshold no confidence reaches."""
COLD_PARAMS = ModelParams(cv_folds=0, dual=True, tol=1e-2, C=100.0, word_min_df=1)
"""The recipe of a cold-start model, which learns from another territory's proposals relabelled. It keeps C=100 and
every lemma n-gram: the 2026-12-07 defaults (C=1000, ``word_min_df=2``), better on new writers of a known tree, gave
no gain here (Val de Sorbe leaf P@1 0.898 → 0.893, Pays de Lorn 0.811 → 0.796; bench/cold_start.py)."""


def decision_to_dict(decision: DecisionLayer) -> dict[str, Any]:
    """A decision layer as JSON-ready data."""
    d = decision.decider
    return {"platt": list(decision.platt), "threshold": float(np.median(decision.thresholds)),
            "decider": None if d is None else {
                "curves": [[x.tolist(), y.tolist()] for x, y in d.curves], "first": d.first, "other": d.other,
                "max_selected": d.max_selected, "confidence": list(d.confidence),
                "objective_confidence": list(d.objective_confidence), "objective_threshold": d.objective_threshold,
                "short_curves": None if d.short_curves is None else [[x.tolist(), y.tolist()] for x, y in
                                                                     d.short_curves],
                "fitted_on": d.fitted_on,
                "set_confidence": None if getattr(d, "set_confidence", None) is None else list(d.set_confidence)}}


def cold_start_decision(leaves: int, path: Path = DECISION_FILE) -> DecisionLayer:
    """The decision layer of cold-start models (never ``auto``), or plain Platt scores when none was fitted."""
    if not path.is_file():
        return DecisionLayer((1.0, 0.0), np.full(leaves, 0.5))
    data = json.loads(path.read_text(encoding="utf-8"))
    raw = data.get("decider")
    decider = None
    if raw:
        curves = [(np.asarray(x), np.asarray(y)) for x, y in raw["curves"]]
        short = [(np.asarray(x), np.asarray(y)) for x, y in raw["short_curves"]] if raw.get("short_curves") else None
        decider = Decider(curves, raw["first"], raw["other"], raw["max_selected"], tuple(raw["confidence"]), NEVER,
                          tuple(raw["objective_confidence"]), raw["objective_threshold"], raw.get("fitted_on", {}),
                          short, tuple(raw["set_confidence"]) if raw.get("set_confidence") else None)
    return DecisionLayer(tuple(data["platt"]), np.full(leaves, data.get("threshold", 0.5)), decider)


def train_cold_start(tree: Taxonomy, source: Classifier, source_proposals: list[Proposal], *,
                     source_project: str = "", params: ModelParams | None = None,
                     decision: DecisionLayer | None = None, examples: Sequence[Example] = (),
                     analyzer: Any = None) -> Classifier:
    """A model for ``tree`` learnt from a source project's model and proposals (see the module), and from the
    territory's own labelled ``examples`` when it has some (a given ``decision`` is then kept as it is)."""
    params = replace(params or COLD_PARAMS, backend="transfer")
    backend = TransferBackend(params, source_backend=source.backend, source_platt=source.decision.platt,
                              source_proposals=source_proposals, analyzer=analyzer)
    backend.fit(list(examples), tree)
    if decision is None:
        decision = cold_start_decision(len(tree.leaves))
        if decision.decider is not None and decision.decider.auto_threshold < NEVER:
            decision = replace(decision, decider=replace(decision.decider, auto_threshold=NEVER))
    now = datetime.now(UTC)
    card = ModelCard(
        version=new_version_name(now), created=now.isoformat(timespec="seconds"), taxonomy=tree.name,
        taxonomy_fingerprint=tree.fingerprint(), corpus_fingerprint="", training_proposals=0,
        training_descriptions=len(tree.leaves) * params.description_copies, params=asdict(params),
        libraries=library_versions(), calibration={"a": decision.platt[0], "b": decision.platt[1]},
        decision=decision.card(), backend=backend.describe(),
        notes="démarrage à froid : aucune proposition étiquetée du territoire ; aucune demande n'est routée « auto ».",
        cold_start={"source_project": source_project, "source_version": source.card.version,
                    "source_proposals": len(source_proposals),
                    "decision": "fitted on two other territories (bench/cold_start.py)" if DECISION_FILE.is_file()
                    else "Platt scores (no cold-start calibration file)"},
    )
    return Classifier(backend, decision, tree, card)


def propose_national(tree: Taxonomy, model: Classifier, source: Classifier) -> Taxonomy:
    """The tree with national ANCT sous-thèmes proposed for each new code: those of the source codes its
    description looks like (weighted by the source model's reading), where the tree gives none."""
    relation = getattr(model.backend, "description_relation", None)
    if relation is None:
        return tree
    codes = {}
    for i, leaf in enumerate(model.leaf_ids):
        node = tree[leaf]
        proposed = []
        for attribute in ("anct_2015", "anct_2024"):
            if getattr(node, attribute):
                proposed.append(getattr(node, attribute))
                continue
            votes: dict[str, float] = {}
            for j, source_leaf in enumerate(source.leaf_ids):
                found = getattr(source.taxonomy[source_leaf], attribute)
                if found:
                    votes[found[0]] = votes.get(found[0], 0.0) + float(relation[i, j])
            proposed.append(tuple(sorted(votes, key=votes.get, reverse=True)[:2]))
        codes[leaf] = (proposed[0], proposed[1])
    return tree.with_national(codes)

"""Cold start, measured on trees and applications the method never saw.

    python bench/cold_start.py            # writes bench/results/cold_start.{md,json}
                                          # and cvclassify/data/cold-start-decision.json

For each fictional territory of ``corpus/territories`` (its tree read from its contract's text, its
applications written and labelled by a writer of its own), a model is made with **no** labelled proposal of
the territory, from Metz 2015-2020's shipped model and its 1,512 proposals, and scored on every application:

- R1 — description-only TF-IDF matching (the leaf's label, description and parents against the text);
- R2 — the « thirty-line transfer »: the Metz model's scores carried to the new codes through the TF-IDF
  similarity of code descriptions and Metz proposals, plus description matching;
- transfer — ``cvclassify.backends.transfer`` (what ``cvclassify projects create`` trains).

Then Metz itself with its proposals removed: a model of the Metz tree made from Val de Sorbe's labelled
applications only, against the full Metz model, on the Metz held-out split.

The decision layer of cold-start models is fitted here on the transfer scores of both territories pooled (each
territory's figures are also given with the decision fitted on the other one alone), with ``auto`` disabled.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.territories import TERRITORIES, territory  # noqa: E402
from cvclassify import Classifier, load_corpus, load_taxonomy  # noqa: E402
from cvclassify.analysis import Analyzer  # noqa: E402
from cvclassify.coldstart import COLD_PARAMS, DECISION_FILE, decision_to_dict, train_cold_start  # noqa: E402
from cvclassify.corpus import load_heldout, split_corpus  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.evaluation.quality import quality_report  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.model.classifier import word_counts  # noqa: E402
from cvclassify.projects import open_project  # noqa: E402
from cvclassify.training import fit_decision, train_classifier  # noqa: E402

RESULTS = ROOT / "bench" / "results"
ANALYZER = Analyzer(mode="lookup")


def lemmas(texts):
    return [a.lemmas for a in ANALYZER.analyse(texts)]


def references(tree, texts, source_tree, source_proposals, source_model):
    """R1 and R2 (see the module docstring)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    profiles = [tree.describe(leaf.id) for leaf in tree.leaves]
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit(
        lemmas(profiles + [p.full_text for p in source_proposals]))
    targets, docs = vec.transform(lemmas(profiles)), vec.transform(lemmas(texts))
    description = (docs @ targets.T).toarray()
    by_code = {leaf.id: [source_tree.describe(leaf.id)] for leaf in source_tree.leaves}
    for p in source_proposals:
        by_code.setdefault(p.codes[0], []).append(p.full_text)
    sources = vec.transform(lemmas([" ".join(by_code[c]) for c in source_model.leaf_ids]))
    similarity = (sources @ targets.T).toarray() ** 3
    similarity /= similarity.sum(axis=1, keepdims=True)
    carried = source_model.scores(texts) @ similarity
    r2 = carried / carried.max(axis=1, keepdims=True) + description / np.maximum(description.max(axis=1,
                                                                                                keepdims=True), 1e-9)
    return description, r2


def levels(scores, tree, proposals):
    report = evaluate_scores(scores, [set(p.codes) for p in proposals], tree.leaf_ids, tree, aggregation="max")
    return {"leaf_P@1": report["leaf"]["P@1"], "leaf_R@3": report["leaf"]["R@3"],
            "objective_R@3": report["objective"]["R@3"], "documents": report["leaf"]["documents"]}


def by_style(scores, tree, proposals):
    out = {}
    for style in sorted({p.style for p in proposals}):
        idx = [i for i, p in enumerate(proposals) if p.style == style]
        out[style] = levels(scores[idx], tree, [proposals[i] for i in idx])
    return out


def main() -> None:
    metz = open_project()
    source_tree, source_model = load_taxonomy(), Classifier.load()
    source_proposals = load_corpus(metz.corpus_dir).proposals
    results, pooled = {"territories": {}}, {}
    for name in TERRITORIES:
        tree, proposals = territory(name)
        texts = [p.full_text for p in proposals]
        start = time.perf_counter()
        model = train_cold_start(tree, source_model, source_proposals, source_project=metz.name)
        seconds = round(time.perf_counter() - start, 1)
        margins = model.decision.base(model.margins(texts))
        pooled[name] = (tree, proposals, margins)
        r1, r2 = references(tree, texts, source_tree, source_proposals, source_model)
        results["territories"][name] = {
            "leaves": len(tree.leaves), "levels": tree.depth, "applications": len(proposals), "fit_seconds": seconds,
            "R1 description TF-IDF": levels(r1, tree, proposals),
            "R2 thirty-line transfer": levels(r2, tree, proposals),
            "transfer": levels(margins, tree, proposals),
            "transfer_by_style": by_style(margins, tree, proposals),
            "weak_examples_per_code": model.backend.weak_counts,
        }
        print(name, results["territories"][name]["transfer"], file=sys.stderr, flush=True)

    # decision layer of cold-start models: fitted on the other territory (reported), then on both (written)
    def decision_of(names):
        from cvclassify.model.calibration import fit_platt

        ys, ms, words = [], [], []
        for n in names:
            tree, proposals, margins = pooled[n]
            y = np.array([[c in p.codes for c in tree.leaf_ids] for p in proposals], dtype=int)
            ys.append(y), ms.append(margins), words.append(word_counts([p.full_text for p in proposals]))
        # one tree per territory: the decision is fitted per territory's arrays stacked by rank (same shapes
        # are not needed: the decider reads ranks, so pad to the widest tree with zeros)
        width = max(m.shape[1] for m in ms)
        pad = lambda a, v: np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=v)  # noqa: E731
        margins, y = np.vstack([pad(m, -20.0) for m in ms]), np.vstack([pad(t, 0) for t in ys])
        return fit_platt(margins, y), margins, y, np.concatenate(words)

    for name in TERRITORIES:
        other = [n for n in TERRITORIES if n != name]
        tree, proposals, margins = pooled[name]
        decision = _decision(decision_of(other), tree)
        judged = decision.assess(decision.base(margins), np.zeros((len(proposals), 1)),
                                 word_counts([p.full_text for p in proposals]))
        officer = quality_report(judged, proposals, tree.leaf_ids, tree)["flat"]
        results["territories"][name]["calibrated_on_the_other_territory"] = {
            "ECE_top5": officer["ECE_top5"], "selected": officer["selected"]}
    final = _decision(decision_of(TERRITORIES), pooled[TERRITORIES[0]][0])
    atomic_write_text(DECISION_FILE, json.dumps(decision_to_dict(final), ensure_ascii=False, indent=1) + "\n")

    # Metz with its proposals removed: learnt from Val de Sorbe's applications only
    vs_tree, vs_proposals = territory("val-de-sorbe")
    vs_model = train_classifier(vs_proposals, vs_tree, replace(COLD_PARAMS, cv_folds=3))
    _, heldout = split_corpus(load_corpus(metz.corpus_dir), load_heldout(metz.heldout_path))
    cold_metz = train_cold_start(source_tree, vs_model, vs_proposals, source_project="val-de-sorbe")
    texts = [p.full_text for p in heldout]
    r1, r2 = references(source_tree, texts, vs_tree, vs_proposals, vs_model)
    results["metz_without_its_proposals"] = {
        "heldout": len(heldout), "R1 description TF-IDF": levels(r1, source_tree, heldout),
        "R2 thirty-line transfer": levels(r2, source_tree, heldout),
        "transfer from Val de Sorbe": levels(cold_metz.decision.base(cold_metz.margins(texts)), source_tree, heldout),
        "full Metz model (1,197 proposals)": levels(source_model.scores(texts), source_tree, heldout),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cold_start.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "cold_start.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


def _decision(fitted, tree):
    """The decision layer of cold-start scores (never ``auto``), with one selection threshold for every code."""
    from cvclassify.training import ModelParams

    platt, margins, y, words = fitted
    layer = fit_decision(margins, y, _flat(y.shape[1]), words, ModelParams())
    decider = replace(layer.decider, auto_threshold=1.01) if layer.decider else None
    return replace(layer, platt=platt, thresholds=np.full(len(tree.leaves), float(np.median(layer.thresholds))),
                   decider=decider)


def _flat(width):
    """A one-level tree of ``width`` leaves (the decision reads ranks, not codes)."""
    from cvclassify.taxonomy.tree import Objective, Taxonomy

    return Taxonomy("ranks", [Objective(id=f"c{i}", code="", level="leaf", label=f"c{i}") for i in range(width)])


def markdown(results) -> str:
    lines = ["# Cold start: territories with no labelled proposal", "",
             "Models made from Metz 2015-2020's shipped model and proposals only, scored on every application of "
             "two fictional territories written by other writers (`corpus/territories/`). Targets: leaf P@1 ≥ 0.85, "
             "R@3 ≥ 0.90, objective R@3 ≥ 0.95.", "",
             "| territory | method | leaf P@1 | leaf R@3 | objective R@3 |", "|---|---|---|---|---|"]
    for name, block in results["territories"].items():
        for method in ("R1 description TF-IDF", "R2 thirty-line transfer", "transfer"):
            m = block[method]
            lines.append(f"| {name} ({block['leaves']} codes, {block['applications']} applications) | {method} | "
                         f"{m['leaf_P@1']:.3f} | {m['leaf_R@3']:.3f} | {m['objective_R@3']:.3f} |")
    lines += ["", "Transfer by style:", "", "| territory | style | n | leaf P@1 | leaf R@3 | objective R@3 |",
              "|---|---|---|---|---|---|"]
    for name, block in results["territories"].items():
        for style, m in block["transfer_by_style"].items():
            lines.append(f"| {name} | {style} | {m['documents']} | {m['leaf_P@1']:.3f} | {m['leaf_R@3']:.3f} | "
                         f"{m['objective_R@3']:.3f} |")
    lines += ["", "Calibration of cold-start scores, fitted on the *other* territory: ", ""]
    for name, block in results["territories"].items():
        c = block["calibrated_on_the_other_territory"]
        lines.append(f"- {name}: ECE over the top five {c['ECE_top5']:.3f}; ticked codes precision "
                     f"{c['selected']['precision']:.3f}, recall {c['selected']['recall']:.3f}.")
    metz = results["metz_without_its_proposals"]
    lines += ["", f"Metz with its proposals removed (held-out split, {metz['heldout']} proposals):", "",
              "| method | leaf P@1 | leaf R@3 | objective R@3 |", "|---|---|---|---|"]
    for method, m in metz.items():
        if isinstance(m, dict):
            lines.append(f"| {method} | {m['leaf_P@1']:.3f} | {m['leaf_R@3']:.3f} | {m['objective_R@3']:.3f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

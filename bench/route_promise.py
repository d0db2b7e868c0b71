"""Does the ``auto`` route keep its promise on a writer it never read?

    python bench/route_promise.py      # writes bench/results/route_promise.{md,json} (about 5 minutes)

``auto`` promises that an application can be accepted as it is. Recipes of the decision layer are compared,
each fitted out of fold and tested, batch by batch, on a corpus batch whose writer the ranking model never read
(each corpus batch has its own writer):

- folds: *random* (iterative stratification, the rule until 2026-12) or *writer* (whole batches left out);
- *writer folds on known codes*: as *writer*, the decision layer fitted only on applications whose codes the
  fold's training shows at least three times and at least half as often as a random fold would (the situation
  of a model in service, which has examples of every code it routes; a code the fold never saw is code novelty,
  not writer novelty);
- *writer folds, curves on all, routes on known codes* (the default since 2026-12-06, ticked set 0.97 since
  2026-12-07): the Platt sigmoid and the calibration curves fitted on every application, the thresholds,
  selection and routes on the known-code ones;
- route: *first* (auto when the first code is right ≥ 97 % out of fold, the earlier rule) or *set* (auto when the
  ticked codes are exactly right at least 90 % to 97 % of the time out of fold and the first code ≥ 97 %).

How: margins are computed once per scheme. *Leave-one-batch-out* margins: each batch scored by a model trained on
the ten others (the test margins of every recipe, and the *writer* recipes' out-of-fold margins); *random*
margins: five stratified folds over the whole corpus. For a held-out batch, the decision layer is fitted on the
other batches' out-of-fold margins and applied to the held-out batch's leave-one-batch-out margins. (An
approximation of refitting everything without the batch: the out-of-fold models did read it, the decision layer
did not.) Ranking is the same in every recipe; what changes is the calibration, the ticked codes and the route.

Reported, pooled over the batches and for the worst batch: share of applications routed ``auto``, their first
code right (P@1), their ticked set exactly right; ticked codes' precision and recall on all applications; by
style.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writers import KNOWN, batch_of, codes_elsewhere, corpus_setup, known_codes  # noqa: E402

from cvclassify.evaluation.quality import reliability  # noqa: E402
from cvclassify.hierarchy import RollUp  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.model import decision  # noqa: E402
from cvclassify.model.classifier import word_counts  # noqa: E402
from cvclassify.model.decision import selection_scores  # noqa: E402
from cvclassify.training import KNOWN_SHARE, fit_decision, multilabel_folds, train_classifier  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CACHE = Path("/tmp/cvclassify-route-promise.npz")
RECIPES = {"random folds, first code (until 2026-12)": ("random", "first", 0.90),
           "random folds, ticked set 0.90": ("random", "set", 0.90),
           "random folds, ticked set 0.93": ("random", "set", 0.93),
           "writer folds, first code": ("writer", "first", 0.90),
           "writer folds, ticked set 0.90": ("writer", "set", 0.90),
           "writer folds on known codes, first code": ("writer-known", "first", 0.90),
           "writer folds on known codes, ticked set 0.90": ("writer-known", "set", 0.90),
           "writer folds on known codes, ticked set 0.93 (default until 2026-12-06)": ("writer-known", "set", 0.93),
           "writer folds, curves on all, routes on known codes, ticked set 0.93":
               ("writer-known-curves-all", "set", 0.93),
           "writer folds, curves on all, routes on known codes, ticked set 0.95 (default 2026-12-06)":
               ("writer-known-curves-all", "set", 0.95),
           "writer folds, curves on all, routes on known codes, ticked set 0.96":
               ("writer-known-curves-all", "set", 0.96),
           "writer folds, curves on all, routes on known codes, ticked set 0.97 (default)":
               ("writer-known-curves-all", "set", 0.97)}
"""Name: (folds of the decision fit, what auto judges, out-of-fold share of exactly right sets asked of auto)."""



def margins_of(proposals, tree, params, batches) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-batch-out margins and random five-fold margins of every proposal (cached in /tmp)."""
    if CACHE.is_file():
        data = np.load(CACHE)
        if data["lobo"].shape[0] == len(proposals):
            return data["lobo"], data["random"]
    y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform([p.codes for p in proposals])
    lobo, rand = np.zeros(y.shape), np.zeros(y.shape)
    labels = np.array([batch_of(p) for p in proposals])
    for batch in batches:
        test = np.flatnonzero(labels == batch)
        model = train_classifier([p for p in proposals if batch_of(p) != batch], tree, params)
        lobo[test] = model.margins([proposals[i].full_text for i in test])
        print("leave out", batch, flush=True)
    for n, (train_idx, test_idx) in enumerate(multilabel_folds(y, 5, 0), start=1):
        model = train_classifier([proposals[i] for i in train_idx], tree, params)
        rand[test_idx] = model.margins([proposals[i].full_text for i in test_idx])
        print("random fold", n, flush=True)
    np.savez(CACHE, lobo=lobo, random=rand)
    return lobo, rand


def margins_setup() -> tuple:
    """What the benches on these margins start from: the tree, proposals, batches and recipe (``corpus_setup``),
    the leave-one-batch-out and random-fold margins, the gold label matrix, each text's length in words, its
    batch and its style."""
    tree, proposals, batches, params = corpus_setup()
    lobo, rand = margins_of(proposals, tree, params, batches)
    y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform([p.codes for p in proposals])
    words = word_counts([p.full_text for p in proposals])
    labels = np.array([batch_of(p) for p in proposals])
    styles = np.array([p.style or "?" for p in proposals])
    return tree, proposals, batches, params, lobo, rand, y, words, labels, styles


def main() -> None:
    started = time.time()
    tree, proposals, batches, params, lobo, rand, y, words, labels, styles = margins_setup()
    roll = RollUp(tree, tree.leaf_ids, "objective")
    counts = codes_elsewhere(proposals)
    known = known_codes(proposals)
    # the decision fit's rule (cvclassify.training.KNOWN_SHARE): also half the examples a random fold would give
    total = Counter(c for p in proposals for c in p.codes)
    share_out = {b: 1 - float((labels == b).mean()) for b in batches}
    fit_known = np.array([all(counts[batch_of(p)][c] >= max(KNOWN, KNOWN_SHARE * total[c] * share_out[batch_of(p)])
                              for c in p.codes) for p in proposals])
    out: dict = {"documents": len(proposals), "batches": {b: int((labels == b).sum()) for b in batches}, "recipes": {}}
    for name, (folds, route_on, set_target) in RECIPES.items():
        decision.SET_PRECISION = set_target
        fit_margins = rand if folds == "random" else lobo
        decision_params = replace(params, route_on=route_on)
        auto = np.zeros(len(y), dtype=bool)
        selected = np.zeros(y.shape, dtype=bool)
        scores = np.zeros(y.shape)
        for batch in batches:
            test, train = labels == batch, labels != batch
            if folds == "writer-known":
                train &= fit_known
            usable = fit_known[train] if folds == "writer-known-curves-all" else None
            layer = fit_decision(fit_margins[train], y[train], tree, words[train], decision_params, usable)
            base = layer.base(lobo[test])
            judged = layer.assess(base, roll.scores(base), words[test])
            auto[test] = np.array(judged.route) == "auto"
            selected[test] = judged.selected
            scores[test] = judged.scores
        first_right = y[np.arange(len(y)), np.argmax(lobo, axis=1)] == 1
        exact = (selected == (y == 1)).all(axis=1)

        judged = (auto, first_right, exact, selected, y)
        per_batch = {b: figures(labels == b, *judged) for b in batches}
        measured = [f for f in per_batch.values()
                    if f["auto_P@1"] is not None and f["auto_share"] * f["documents"] >= 10]
        out["recipes"][name] = {
            "pooled": figures(np.ones(len(y), dtype=bool), *judged),
            "known": figures(known, *judged),
            "worst_batch": {"auto_P@1": min(f["auto_P@1"] for f in measured) if measured else None,
                            "auto_exact_set": min(f["auto_exact_set"] for f in measured) if measured else None},
            "per_batch": per_batch,
            "by_style": {s: figures(styles == s, *judged) for s in sorted(set(styles))},
            "ece_top5": {"pooled": ece_top5(scores, y), "known": ece_top5(scores[known], y[known]),
                         "by_style": {s: ece_top5(scores[styles == s], y[styles == s]) for s in sorted(set(styles))},
                         "per_batch": {b: ece_top5(scores[labels == b], y[labels == b]) for b in batches}},
        }
        print(name, out["recipes"][name]["pooled"], out["recipes"][name]["worst_batch"], flush=True)
    out["known_documents"] = int(known.sum())
    out["seconds"] = round(time.time() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS / "route_promise.json", json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(RESULTS / "route_promise.md", render(out))
    print(render(out))


def figures(mask: np.ndarray, auto: np.ndarray, first_right: np.ndarray, exact: np.ndarray,
            selected: np.ndarray, y: np.ndarray) -> dict:
    """The route's figures on the applications of ``mask``."""
    kept = mask & auto
    return {"documents": int(mask.sum()), "auto_share": round(float(kept.sum() / max(1, mask.sum())), 4),
            "auto_P@1": round(float(first_right[kept].mean()), 4) if kept.any() else None,
            "auto_exact_set": round(float(exact[kept].mean()), 4) if kept.any() else None,
            "ticked": selection_scores(selected[mask], y[mask])}


def ece_top5(scores: np.ndarray, y: np.ndarray) -> float:
    """Expected calibration error of the five best calibrated scores of each application (the officers'
    reading of a score, ``cvclassify.evaluation.quality``)."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    rows = np.arange(len(y))[:, None]
    return reliability(scores[rows, top].ravel(), y[rows, top].ravel().astype(float))["ECE"]


def cell(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def render(out: dict) -> str:
    lines = ["# Does `auto` keep its promise on a new writer? (bench/route_promise.py)", "",
             __doc__.split("\n\n", 2)[2].strip(), "",
             f"{out['documents']} applications in {len(out['batches'])} batches.", "",
             "| recipe | auto share | auto P@1 | auto exact set | worst batch P@1 | worst batch exact set "
             "| ticked P | ticked R | known codes: auto share | auto P@1 | auto exact set | ticked P | ticked R |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in out["recipes"].items():
        p, w, k = r["pooled"], r["worst_batch"], r["known"]
        lines.append(f"| {name} | {p['auto_share']:.3f} | {cell(p['auto_P@1'])} | {cell(p['auto_exact_set'])} | "
                     f"{cell(w['auto_P@1'])} | {cell(w['auto_exact_set'])} | {p['ticked']['precision']:.3f} | "
                     f"{p['ticked']['recall']:.3f} | {k['auto_share']:.3f} | {cell(k['auto_P@1'])} | "
                     f"{cell(k['auto_exact_set'])} | {k['ticked']['precision']:.3f} | {k['ticked']['recall']:.3f} |")
    lines += ["", "Worst batch: among batches with at least 10 applications routed auto. *Known codes*: the "
              f"{out['known_documents']} applications whose codes the other batches all show at least {KNOWN} times "
              "(batches were written axis by axis: the rest measures codes learnt from their descriptions, not a new "
              "writer). *writer folds on known codes*: the decision layer is fitted on those only.", ""]
    by = defaultdict(dict)
    for name, r in out["recipes"].items():
        for style, f in r["by_style"].items():
            by[style][name] = f
    lines += ["## By style (auto share / auto P@1 / auto exact set)", "",
              "| style | docs | " + " | ".join(out["recipes"]) + " |", "|---|---|" + "---|" * len(out["recipes"])]
    for style, row in by.items():
        docs = next(iter(row.values()))["documents"]
        lines.append(f"| {style} | {docs} | " + " | ".join(
            f"{f['auto_share']:.2f} / {cell(f['auto_P@1'])} / {cell(f['auto_exact_set'])}"
            for f in row.values()) + " |")
    lines += ["", "## Calibration on a new writer: ECE over the top five (target ≤ 0.03 per style)", "",
              "Expected calibration error of the five best calibrated scores of each application, 10 bins, each "
              "batch scored by the decision layer fitted without it.", "",
              "| recipe | pooled | known codes | worst batch | " + " | ".join(styles_of(out)) + " |",
              "|---|---|---|---|" + "---|" * len(styles_of(out))]
    for name, r in out["recipes"].items():
        e = r["ece_top5"]
        lines.append(f"| {name} | {e['pooled']:.3f} | {e['known']:.3f} | {max(e['per_batch'].values()):.3f} | "
                     + " | ".join(f"{v:.3f}" for v in e["by_style"].values()) + " |")
    lines += ["", "The target (≤ 0.03 in every style) is missed by every recipe on a new writer. Calibration curves "
              "fitted on known-code applications only are the least calibrated; fitted on every out-of-fold "
              "application, with the route's thresholds still on known codes (the default since 2026-12-06), they "
              "are the best. Since 2026-12-07 each lexicon term is also a training example "
              "(`ModelParams.term_examples`, results/lobo_tuning.md): the default went from 0.013 pooled and 0.023 "
              "to 0.058 by style to the figures above, four styles of six within 0.03 (long files and export rows "
              "are not). With the better ranking, a ticked-set target of 0.95 put 17.1 % of applications in auto "
              "but let the worst batch (B: 11 applications in auto, 2 with a wrong first code) fall to 63.6 % exact "
              "sets; at 0.97 (the default since 2026-12-07) the promise holds on the worst batch too: 90.6 %, for "
              "11.8 % in auto (10.1 % before term examples, first code 97.4 %, exact set 88.2 %).",
              "", "## Per batch (auto share / auto P@1 / auto exact set)", "",
              "| batch | docs | " + " | ".join(out["recipes"]) + " |", "|---|---|" + "---|" * len(out["recipes"])]
    for batch, docs in out["batches"].items():
        lines.append(f"| {batch} | {docs} | " + " | ".join(
            f"{r['per_batch'][batch]['auto_share']:.2f} / {cell(r['per_batch'][batch]['auto_P@1'])} / "
            f"{cell(r['per_batch'][batch]['auto_exact_set'])}" for r in out["recipes"].values()) + " |")
    return "\n".join(lines) + "\n"


def styles_of(out: dict) -> list[str]:
    """The styles of the ECE table's columns."""
    return list(next(iter(out["recipes"].values()))["ece_top5"]["by_style"])


if __name__ == "__main__":
    main()

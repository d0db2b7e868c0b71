"""Compare contenders side by side on the same split and write results tables.

    python bench/run.py features classifiers data      # cvclassify variants
    python bench/run.py annif                          # Annif backends (needs bench/annif/README.md setup)

Every contender trains on the training split only and is scored on the fixed held-out split; the
cvclassify variants are also cross-validated (3 folds, iterative stratification) on the training split,
which is what hyperparameters are chosen on, so that the held-out split stays untouched by selection.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvclassify import load_corpus, load_taxonomy  # noqa: E402
from cvclassify.corpus import load_heldout, split_corpus  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.training import multilabel_folds  # noqa: E402

RESULTS = ROOT / "bench" / "results"
COLUMNS = [("leaf", "P@1"), ("leaf", "R@3"), ("leaf", "nDCG@5"), ("objective", "P@1"), ("objective", "R@3"),
           ("axis", "P@1"), ("axis", "R@3")]


def evaluate_system(system, train, test, taxonomy, cv: int) -> dict:
    """Scores of a contender; group levels use its own ``aggregation`` ("noisy_or" for probabilities)."""
    result = {"name": system.name, "about": system.about}
    how = getattr(system, "aggregation", "noisy_or")
    if cv >= 2:
        from sklearn.preprocessing import MultiLabelBinarizer

        y = MultiLabelBinarizer(classes=taxonomy.leaf_ids).fit_transform([p.codes for p in train])
        oof = np.zeros(y.shape)
        for tr, te in multilabel_folds(y, cv, 0):
            system.fit([train[i] for i in tr], taxonomy)
            oof[te] = system.scores([train[i].full_text for i in te])
        result["cv"] = evaluate_scores(oof, [set(p.codes) for p in train], taxonomy.leaf_ids, taxonomy,
                                       aggregation=how)
    start = time.perf_counter()
    system.fit(train, taxonomy)
    result["fit_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    scores = system.scores([p.full_text for p in test])
    result["predict_ms_per_doc"] = round(1000 * (time.perf_counter() - start) / max(1, len(test)), 2)
    result["heldout"] = evaluate_scores(scores, [set(p.codes) for p in test], taxonomy.leaf_ids, taxonomy,
                                        aggregation=how)
    return result


def markdown(results: list[dict], title: str) -> str:
    head = "| system | " + " | ".join(f"{lvl} {m}" for lvl, m in COLUMNS) + " | fit s | ms/doc | about |"
    lines = [f"## {title}", "", head, "|---" * (len(COLUMNS) + 4) + "|"]
    for block in ("cv", "heldout"):
        rows = [r for r in results if block in r]
        if not rows:
            continue
        lines.append(f"| **{'3-fold CV on training split' if block == 'cv' else 'held-out split'}** |"
                     + " |" * (len(COLUMNS) + 3))
        for r in rows:
            cells = " | ".join(f"{r[block][lvl][m]:.3f}" for lvl, m in COLUMNS)
            lines.append(f"| {r['name']} | {cells} | {r.get('fit_seconds', '')} | "
                         f"{r.get('predict_ms_per_doc', '')} | {r['about']} |")
    return "\n".join(lines) + "\n"


def systems_for(suite: str):
    if suite == "annif":
        from bench.systems.annif_backends import annif_systems

        return annif_systems()
    from bench.systems.cvclassify_variants import suites

    return suites()[suite]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suites", nargs="+", help="features, classifiers, data, annif")
    parser.add_argument("--cv", type=int, default=3, help="CV folds on the training split (0: held-out only)")
    parser.add_argument("--only", nargs="*", help="run only these system names")
    parser.add_argument("--split", choices=["heldout", "crosswriter"], default="heldout",
                        help="heldout: the fixed split; crosswriter: train on every proposal but the export-style "
                             "ones (batches J, K, other writers), test on those")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    corpus = load_corpus()
    train, test = split_for(corpus, args.split)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for suite in args.suites:
        results = []
        for system in systems_for(suite):
            if args.only and system.name not in args.only:
                continue
            print(f"[{suite}] {system.name} …", file=sys.stderr, flush=True)
            cv = 0 if suite == "annif" else args.cv
            results.append(evaluate_system(system, train, test, taxonomy, cv))
            print(markdown(results[-1:], system.name), file=sys.stderr)
        payload = {"suite": suite, "corpus": corpus.fingerprint(), "train": len(train), "heldout": len(test),
                   "results": results}
        stem = suite if args.split == "heldout" else f"{suite}-{args.split}"
        what = "held-out" if args.split == "heldout" else "export-style (cross-writer)"
        (RESULTS / f"{stem}.json").write_text(json.dumps({**payload, "split": args.split}, indent=2) + "\n",
                                              encoding="utf-8")
        (RESULTS / f"{stem}.md").write_text(
            markdown(results, f"{suite} — {len(train)} training, {len(test)} {what} proposals"), encoding="utf-8")


def split_for(corpus, split: str):
    """(train, test) proposals of a named split."""
    if split == "crosswriter":
        return ([p for p in corpus.proposals if p.style != "export"],
                [p for p in corpus.proposals if p.style == "export"])
    return split_corpus(corpus, load_heldout())


if __name__ == "__main__":
    main()

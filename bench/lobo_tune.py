"""Hyperparameters chosen on writers the model never read: leave one batch out, per configuration.

    python bench/lobo_tune.py                    # the grid below; appends to bench/results/lobo_tuning.json
    python bench/lobo_tune.py C=30 vectors=2.0   # one configuration (overrides of ModelParams)
    python bench/lobo_tune.py --strict term_examples=1.0   # lexicon terms only the left-out batch shows dropped

The defaults were chosen by cross-validation over random folds (``bench/tune.py``, results/tuning.md): every fold
then holds texts of every writer, which rewards a model that learns its writers' words. Each corpus batch has its
own writer, so here each configuration is scored as ``leave_one_batch_out.py`` scores the default: train on ten
batches, rank the eleventh. Reported: mean and worst batch, the mean over the batches' known-code applications (a
new writer rather than a new code), by style, and the fixed held-out split (train split → held-out split) as a
check that the same-writer figures do not fall. Ranking only (``cv_folds`` 0).
"""

from __future__ import annotations

import ast
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writers import KNOWN, batch_of, corpus_setup  # noqa: E402

from cvclassify.analysis import fold  # noqa: E402
from cvclassify.corpus import load_corpus, load_heldout, split_corpus  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.training import train_classifier  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STRICT = " — lexicon terms found only in the left-out batch dropped"
GRID: list[dict] = [
    {},
    {"C": 30.0},
    {"C": 10.0},
    {"vectors": 2.0},
    {"vectors": 4.0},
    {"char_ngrams": None},
    {"description_copies": 4},
]


def parse(args: list[str]) -> dict:
    """``key=value`` overrides of ModelParams (values read as Python literals)."""
    out = {}
    for arg in args:
        key, value = arg.split("=", 1)
        out[key] = ast.literal_eval(value)
    return out


def name_of(changes: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in changes.items()) or "default"


def score(model, test, tree) -> dict:
    scores = model.scores([p.full_text for p in test])
    report = evaluate_scores(scores, [set(p.codes) for p in test], model.leaf_ids, tree)
    return scores, {"P@1": report["leaf"]["P@1"], "R@3": report["leaf"]["R@3"]}


def term_forms(term: str) -> list[str]:
    """A lexicon term's folded forms (« X (Y) » read as X and as Y, as corpus/GUIDE.md § 4 says)."""
    match = re.match(r"^(.*?)\s*\((.*)\)\s*$", term)
    parts = [match.group(1), match.group(2)] if match else [term]
    return [fold(part).strip() for part in parts if part.strip()]


def batch_terms(tree, proposals, batches) -> dict[str, set[str]]:
    """Per batch, the lexicon terms its texts contain and no other batch's do: terms its writer may have taken
    from their own texts (the lexicon was written with the corpus)."""
    texts = {b: "\n".join(fold(p.full_text) for p in proposals if batch_of(p) == b) for b in batches}
    out: dict[str, set[str]] = {b: set() for b in batches}
    for leaf in tree.leaves:
        for term in leaf.lexicon:
            patterns = [re.compile(r"(?<!\w)" + re.escape(f) + r"(?!\w)") for f in term_forms(term)]
            found = [b for b in batches if any(p.search(texts[b]) for p in patterns)]
            if len(found) == 1:
                out[found[0]].add(term)
    return out


def run(changes: dict, tree, proposals, batches, base, strict: bool = False) -> dict:
    """One configuration, leave one batch out; ``strict`` drops from the tree's lexicon, for each left-out batch,
    the terms only its texts contain."""
    params = replace(base, **changes)
    started = time.time()
    per_batch, known_part, rows = {}, {}, defaultdict(list)
    unique = batch_terms(tree, proposals, batches) if strict else {}
    for batch in batches:
        train = [p for p in proposals if batch_of(p) != batch]
        test = [p for p in proposals if batch_of(p) == batch]
        fold_tree = tree
        if strict:
            fold_tree = tree.with_lexicon({leaf.id: [t for t in leaf.lexicon if t not in unique[batch]]
                                           for leaf in tree.leaves})
        model = train_classifier(train, fold_tree, params)
        scores, per_batch[batch] = score(model, test, tree)
        seen = Counter(c for p in train for c in p.codes)
        known = [i for i, p in enumerate(test) if seen[p.codes[0]] >= KNOWN]
        if len(known) >= 20:
            part = evaluate_scores(scores[known], [set(test[i].codes) for i in known], model.leaf_ids, tree)
            known_part[batch] = {"P@1": part["leaf"]["P@1"], "R@3": part["leaf"]["R@3"]}
        for i, p in enumerate(test):
            rows[p.style].append((scores[i], set(p.codes)))
    styles = {}
    for style, pairs in sorted(rows.items()):
        report = evaluate_scores(np.array([r[0] for r in pairs]), [r[1] for r in pairs], tree.leaf_ids, tree)
        styles[style] = {"documents": len(pairs), "P@1": report["leaf"]["P@1"], "R@3": report["leaf"]["R@3"]}
    train, test = split_corpus(load_corpus(), load_heldout())
    _, heldout = score(train_classifier(train, tree, params), test, tree)

    def mean(part: dict, key: str) -> float:
        return round(float(np.mean([v[key] for v in part.values()])), 4)

    changed = {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
    return {"name": name_of(changes) + (STRICT if strict else ""), "changes": changed,
            "mean": {"P@1": mean(per_batch, "P@1"), "R@3": mean(per_batch, "R@3")},
            "worst": {"P@1": min(v["P@1"] for v in per_batch.values()),
                      "R@3": min(v["R@3"] for v in per_batch.values())},
            "known": {"P@1": mean(known_part, "P@1"), "R@3": mean(known_part, "R@3")},
            "by_style": styles, "per_batch": per_batch, "heldout": heldout,
            "seconds": round(time.time() - started, 1)}


def render(results: list[dict]) -> str:
    styles = sorted({s for r in results for s in r["by_style"]})
    lines = ["## Hyperparameters on new writers — leave one batch out (`bench/lobo_tune.py`)", "",
             __doc__.split("\n\n", 2)[2].strip(), "",
             "Leaf P@1 / R@3. *known*: mean over batches of their applications whose primary code the other batches "
             "show three times or more (batches with at least 20).", "",
             "| configuration | mean | worst batch | known codes | " + " | ".join(styles) + " | held-out split | s |",
             "|---|---|---|---|" + "---|" * len(styles) + "---|---|"]
    for r in results:
        cells = [f"{r['mean']['P@1']:.3f} / {r['mean']['R@3']:.3f}",
                 f"{r['worst']['P@1']:.3f} / {r['worst']['R@3']:.3f}",
                 f"{r['known']['P@1']:.3f} / {r['known']['R@3']:.3f}",
                 *[f"{r['by_style'][s]['P@1']:.3f} / {r['by_style'][s]['R@3']:.3f}" for s in styles],
                 f"{r['heldout']['P@1']:.3f} / {r['heldout']['R@3']:.3f}", f"{r['seconds']:.0f}"]
        lines.append(f"| {r['name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    tree, proposals, batches, base = corpus_setup()
    args = [a for a in sys.argv[1:] if a != "--strict"]
    grid = [parse(args)] if args else GRID
    path = RESULTS / "lobo_tuning.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    for changes in grid:
        result = run(changes, tree, proposals, batches, base, strict="--strict" in sys.argv)
        results = [r for r in results if r["name"] != result["name"]] + [result]
        print(json.dumps({k: result[k] for k in ("name", "mean", "worst", "known", "heldout", "seconds")}), flush=True)
        atomic_write_text(path, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        atomic_write_text(RESULTS / "lobo_tuning.md", render(results))


if __name__ == "__main__":
    main()

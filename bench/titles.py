"""One-line titles on writers the model never read: what they miss, by writer (issue 17, item 4).

    python bench/titles.py              # writes bench/results/titles.{md,json} (margins cached by route_promise.py)
    python bench/titles.py --augment    # also the title-augmentation trial (11 more trainings per weight)

Each batch's titles (``style == "titre"``) are ranked by the model trained on the other batches (the
leave-one-batch-out margins of ``route_promise.py``). Each miss is classed by where the first code falls from the
right one: a sibling leaf of the same operational objective, another objective of the same axis, another axis; and
whether the right code is one the other batches show fewer than three times (a code learnt from its description
only). ``--augment`` retries the one change a title bench suggests first: every other application's title added
to training as a short example of its codes (weights 0.5 and 1).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from route_promise import margins_of  # noqa: E402
from writers import KNOWN, batch_of, codes_elsewhere, corpus_setup  # noqa: E402

from cvclassify.backends import Example  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.training import train_classifier, writer_of  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STYLE = "titre"


def where_missed(tree, predicted: str, gold: tuple[str, ...]) -> str:
    """How far the first code is from the nearest right one."""
    if predicted in gold:
        return "right"
    if any(tree.group_of(predicted).id == tree.group_of(g).id for g in gold):
        return "same objective"
    if any(tree.axis_of(predicted).id == tree.axis_of(g).id for g in gold):
        return "same axis"
    return "other axis"


def analyse(tree, proposals, lobo: np.ndarray) -> dict:
    counts = codes_elsewhere(proposals)
    rows = [i for i, p in enumerate(proposals) if p.style == STYLE]
    per_batch: dict[str, dict] = defaultdict(lambda: Counter())
    examples = []
    for i in rows:
        p = proposals[i]
        order = np.argsort(-lobo[i], kind="stable")
        first = tree.leaf_ids[order[0]]
        top3 = {tree.leaf_ids[j] for j in order[:3]}
        novel = counts[batch_of(p)][p.codes[0]] < KNOWN
        kind = where_missed(tree, first, p.codes)
        c = per_batch[batch_of(p)]
        c["documents"] += 1
        c["right"] += kind == "right"
        c["in_top3"] += bool(top3 & set(p.codes))
        c["novel"] += novel
        c["novel_right"] += novel and kind == "right"
        c[kind] += kind != "right"
        c["words"] += len(p.full_text.split())
        if kind != "right" and not novel and len(examples) < 400:
            examples.append({"batch": batch_of(p), "title": p.full_text[:140], "gold": list(p.codes), "first": first,
                             "miss": kind})
    out = {}
    for batch, c in sorted(per_batch.items()):
        known = c["documents"] - c["novel"]
        out[batch] = {"documents": c["documents"], "P@1": round(c["right"] / c["documents"], 3),
                      "R@3": round(c["in_top3"] / c["documents"], 3),
                      "known_documents": known,
                      "known_P@1": round((c["right"] - c["novel_right"]) / known, 3) if known else None,
                      "novel_documents": c["novel"], "mean_words": round(c["words"] / c["documents"], 1),
                      "misses": {k: c[k] for k in ("same objective", "same axis", "other axis")}}
    total = Counter()
    for c in per_batch.values():
        total.update(c)
    known = total["documents"] - total["novel"]
    pooled = {"documents": total["documents"], "P@1": round(total["right"] / total["documents"], 3),
              "R@3": round(total["in_top3"] / total["documents"], 3), "known_documents": known,
              "known_P@1": round((total["right"] - total["novel_right"]) / known, 3),
              "misses": {k: total[k] for k in ("same objective", "same axis", "other axis")},
              "novel_misses": total["novel"] - total["novel_right"]}
    return {"per_batch": out, "pooled": pooled, "known_misses": examples}


def augmented(tree, proposals, batches, params, weight: float) -> dict:
    """Leave one batch out with each training application's title added as its own example."""
    rows = defaultdict(list)
    for batch in batches:
        train = [p for p in proposals if batch_of(p) != batch]
        test = [p for p in proposals if batch_of(p) == batch]
        extra = [Example(p.title, p.codes, weight, writer_of(p)) for p in train
                 if p.style != STYLE and p.title.strip() and p.title.strip() != p.text.strip()]
        model = train_classifier(train + extra, tree, params)
        scores = model.scores([p.full_text for p in test])
        for i, p in enumerate(test):
            rows[p.style].append((scores[i], set(p.codes)))
    return styles_of(tree, rows)


def by_style(tree, proposals, lobo: np.ndarray) -> dict:
    """Leaf P@1 and R@3 by style of the leave-one-batch-out margins."""
    rows = defaultdict(list)
    for i, p in enumerate(proposals):
        rows[p.style].append((lobo[i], set(p.codes)))
    return styles_of(tree, rows)


def styles_of(tree, rows: dict) -> dict:
    out = {}
    for style, pairs in sorted(rows.items()):
        report = evaluate_scores(np.array([r[0] for r in pairs]), [r[1] for r in pairs], tree.leaf_ids, tree)
        out[style] = {"P@1": round(report["leaf"]["P@1"], 3), "R@3": round(report["leaf"]["R@3"], 3)}
    return out


def render(result: dict) -> str:
    pooled = result["pooled"]
    lines = ["## One-line titles on new writers (`bench/titles.py`)", "", __doc__.split("\n\n", 2)[2].strip(), "",
             f"{pooled['documents']} titles: leaf P@1 {pooled['P@1']:.3f}, R@3 {pooled['R@3']:.3f}; on the "
             f"{pooled['known_documents']} whose code the other batches show {KNOWN} times or more, P@1 "
             f"{pooled['known_P@1']:.3f}. Of the misses, {pooled['novel_misses']} are codes learnt from their "
             "description only; where the first code of a miss falls: "
             + ", ".join(f"{k} {v}" for k, v in pooled["misses"].items()) + ".", "",
             "| writer (batch) | titles | words (mean) | P@1 | R@3 | known codes: titles | P@1 "
             "| misses: same objective | same axis | other axis |", "|---|---|---|---|---|---|---|---|---|---|"]
    for batch, b in result["per_batch"].items():
        known = "–" if b["known_P@1"] is None else f"{b['known_P@1']:.3f}"
        m = b["misses"]
        lines.append(f"| {batch} | {b['documents']} | {b['mean_words']} | {b['P@1']:.3f} | {b['R@3']:.3f} | "
                     f"{b['known_documents']} | {known} | {m['same objective']} | {m['same axis']} | "
                     f"{m['other axis']} |")
    if result.get("augmented"):
        styles = sorted(next(iter(result["augmented"].values())))
        lines += ["", "### Titles of the other applications as extra training examples", "",
                  "Leaf P@1 / R@3 by style, leave one batch out.", "",
                  "| title weight | " + " | ".join(styles) + " |", "|---|" + "---|" * len(styles)]
        for weight, styles_of in result["augmented"].items():
            lines.append(f"| {weight} | " + " | ".join(f"{styles_of[s]['P@1']:.3f} / {styles_of[s]['R@3']:.3f}"
                                                       for s in styles) + " |")
    lines += ["", "### Misses on known codes (first 25)", "", "| batch | title | right | first |", "|---|---|---|---|"]
    for e in result["known_misses"][:25]:
        lines.append(f"| {e['batch']} | {e['title'].replace('|', '/')} | {', '.join(e['gold'])} | {e['first']} "
                     f"({e['miss']}) |")
    return "\n".join(lines) + "\n"


def main() -> None:
    started = time.time()
    tree, proposals, batches, params = corpus_setup()
    lobo, _ = margins_of(proposals, tree, params, batches)
    result = analyse(tree, proposals, lobo)
    previous = RESULTS / "titles.json"
    if "--augment" in sys.argv:
        result["augmented"] = {"none (default)": by_style(tree, proposals, lobo),
                               **{str(w): augmented(tree, proposals, batches, params, w) for w in (0.5, 1.0)}}
    elif previous.is_file():
        result["augmented"] = json.loads(previous.read_text(encoding="utf-8")).get("augmented")
    result["seconds"] = round(time.time() - started, 1)
    atomic_write_text(previous, json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    atomic_write_text(RESULTS / "titles.md", render(result))
    print(render(result))


if __name__ == "__main__":
    main()

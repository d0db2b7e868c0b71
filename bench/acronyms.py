"""Acronyms spelled out for the lemma block: does it help new writers, titles first? (issue 17, item 4)

    python bench/acronyms.py        # three leave-one-batch-out runs (~11 min), writes bench/results/acronyms.{md,json}

Issue 17 asks what one-line titles lack, naming « the abbreviations officers use for programmes and schemes ».
``bench/acronyms.tsv`` lists 108 acronyms of national schemes, bodies and qualifications (LAEP, CLAS, PRE,
UPE2A, PLIE, SIAE…) with their French expansions; funders and words every application holds (QPV, ANCT, CGET)
are left out. Each acronym found in a text (capitals, as written) adds the content lemmas of its expansion to the
text's tokens, at the acronym's offsets, so the lemma n-grams, the explanations and the model see « lieu accueil
enfant parent » where the text says « LAEP ». Character n-grams and word vectors are unchanged. Two placements:

- **in place**: each occurrence's lemmas right after the acronym (bigrams form with its neighbours);
- **appended**: each distinct acronym's lemmas once, after the text's last token (bigrams form inside the
  expansion only).

Each is compared with the shipped recipe on the leave-one-batch-out test of ``leave_one_batch_out.py`` (ranking
only). The trial patches ``Analyzer._run`` for the run; nothing of it ships unless it wins.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from writers import batch_of, corpus_setup  # noqa: E402

from cvclassify.analysis import Analyzer, Token  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.training import train_classifier  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GLOSSARY = ROOT / "bench" / "acronyms.tsv"
VARIANTS = ("none (shipped)", "in place", "appended")


def load_glossary(path: Path = GLOSSARY) -> dict[str, str]:
    """Acronym → expansion, from the tab-separated file (comment lines start with #)."""
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return {acronym.strip(): expansion.strip() for acronym, expansion in rows}


def expanding(glossary: dict[str, str], placement: str):
    """A replacement for ``Analyzer._run`` that adds each acronym's expansion lemmas to the tokens."""
    original = Analyzer._run
    pattern = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, glossary), key=len, reverse=True)) + r")(?!\w)")
    lemmas: dict[str, list[str]] = {}

    def run(self, texts):
        out = []
        for text, (tokens, vector) in zip(texts, original(self, texts), strict=True):
            extra, seen = [], set()
            for match in pattern.finditer(text):
                acronym = match.group(1)
                if placement == "appended" and acronym in seen:
                    continue
                seen.add(acronym)
                if acronym not in lemmas:
                    lemmas[acronym] = [t.lemma for t in original(self, [glossary[acronym]])[0][0]]
                extra.extend(Token(lemma, match.start(), match.end()) for lemma in lemmas[acronym])
            if extra:
                tokens = (tuple(tokens) + tuple(extra) if placement == "appended"
                          else tuple(sorted([*tokens, *extra], key=lambda t: t.start)))  # stable: acronym first
            out.append((tokens, vector))
        return out

    return run


def lobo(tree, proposals, batches, params) -> dict:
    """Leaf P@1 and R@3 pooled by style, and the mean over batches, each batch ranked by a model of the others."""
    by_style, per_batch = defaultdict(list), {}
    for batch in batches:
        train = [p for p in proposals if batch_of(p) != batch]
        test = [p for p in proposals if batch_of(p) == batch]
        scores = train_classifier(train, tree, params).scores([p.full_text for p in test])
        gold = [set(p.codes) for p in test]
        report = evaluate_scores(scores, gold, tree.leaf_ids, tree)
        per_batch[batch] = {m: report["leaf"][m] for m in ("P@1", "R@3")}
        for i, p in enumerate(test):
            by_style[p.style].append((scores[i], gold[i]))
        print(batch, per_batch[batch], flush=True)
    styles = {}
    for style, rows in sorted(by_style.items()):
        report = evaluate_scores(np.array([r[0] for r in rows]), [r[1] for r in rows], tree.leaf_ids, tree)
        styles[style] = {"documents": len(rows), "P@1": report["leaf"]["P@1"], "R@3": report["leaf"]["R@3"]}
    mean = {m: round(float(np.mean([b[m] for b in per_batch.values()])), 4) for m in ("P@1", "R@3")}
    worst = {m: round(float(np.min([b[m] for b in per_batch.values()])), 4) for m in ("P@1", "R@3")}
    return {"per_batch": per_batch, "by_style": styles, "mean": mean, "worst": worst}


def main() -> None:
    tree, proposals, batches, params = corpus_setup()
    glossary = load_glossary()
    shipped = Analyzer._run
    results = {}
    for variant in VARIANTS:
        Analyzer._run = shipped if variant.startswith("none") else expanding(glossary, variant)
        started = time.time()
        results[variant] = lobo(tree, proposals, batches, params)
        results[variant]["seconds"] = round(time.time() - started, 1)
    Analyzer._run = shipped
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS / "acronyms.json", json.dumps({"acronyms": len(glossary), "results": results},
                                                            indent=2) + "\n")
    styles = list(results[VARIANTS[0]]["by_style"])
    lines = ["# Acronyms spelled out (bench/acronyms.py)", "", __doc__.split("\n\n", 2)[2].strip(), "",
             f"{len(glossary)} acronyms. Leaf P@1 / R@3, each batch ranked by the model trained on the others.", "",
             "| expansion | mean | worst batch | " + " | ".join(styles) + " |",
             "|---|---|---|" + "---|" * len(styles)]
    for variant, r in results.items():
        cells = [f"{r[part]['P@1']:.3f} / {r[part]['R@3']:.3f}" for part in ("mean", "worst")]
        cells += [f"{r['by_style'][s]['P@1']:.3f} / {r['by_style'][s]['R@3']:.3f}" for s in styles]
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    lines.append("")
    atomic_write_text(RESULTS / "acronyms.md", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""What a cold territory's own texts add to the transfer from Metz (bench/results/cold_own_texts.md).

    python bench/cold_own_texts.py pays-de-lorn,val-de-sorbe

Two random orders of each territory's applications; the first 150 are the stream, the rest the test set. For n
own texts (the first n of the stream, weight 2): the transfer backend fitted with them, and a linear backend of
the territory's descriptions and own texts alone. Prints leaf P@1 and R@3 on the test set, then the means.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.territories import territory
from cvclassify import Classifier, load_corpus
from cvclassify.analysis import Analyzer
from cvclassify.backends.base import Example
from cvclassify.backends.linear import LinearBackend
from cvclassify.backends.transfer import TransferBackend
from cvclassify.coldstart import COLD_PARAMS
from cvclassify.evaluation.metrics import ranking_metrics


def main(names: list[str]) -> None:
    source, proposals_of_metz = Classifier.load(), load_corpus().proposals
    analyzer = Analyzer(mode="lookup")
    params = replace(COLD_PARAMS, backend="transfer", tol=5e-2, n_jobs=2)
    results: dict[tuple, list] = {}
    for name in names:
        tree, proposals = territory(name)
        for order in range(2):
            shuffled = proposals[:]
            random.Random(100 + order).shuffle(shuffled)
            stream, test = shuffled[:150], shuffled[150:]
            analysed = analyzer.analyse([p.full_text for p in test])
            gold = [set(p.codes) for p in test]
            for n in (0, 40, 120):
                own = [Example(a, p.codes, 2.0)
                       for a, p in zip(analyzer.analyse([p.full_text for p in stream[:n]]), stream[:n], strict=True)]
                models = {"transfer + own texts": TransferBackend(
                    params, source_backend=source.backend, source_platt=source.decision.platt,
                    source_proposals=proposals_of_metz, analyzer=analyzer)}
                if n:
                    models["own texts only"] = LinearBackend(replace(params, backend="linear"))
                for label, backend in models.items():
                    metrics = ranking_metrics(backend.fit(own, tree).scores(analysed), gold, tree.leaf_ids)
                    results.setdefault((name, n, label), []).append((metrics["P@1"], metrics["R@3"]))
                    print(name, order, n, label, round(metrics["P@1"], 3), round(metrics["R@3"], 3), flush=True)
    print("means (leaf P@1, R@3):")
    for key, values in results.items():
        print(key, np.round(np.mean(values, axis=0), 3))


if __name__ == "__main__":
    main(sys.argv[1].split(",") if len(sys.argv) > 1 else ["pays-de-lorn", "val-de-sorbe"])

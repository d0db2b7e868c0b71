"""The two fictional territories written to measure cold start (``corpus/territories/``): their trees, read
from their contracts' text, and their labelled applications (codes, or labels for unnumbered trees)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from cvclassify.corpus import Proposal, proposal_from_dict
from cvclassify.taxonomy import Taxonomy
from cvclassify.taxonomy.importing import import_tree

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = ("val-de-sorbe", "pays-de-lorn")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")).strip()


def territory(name: str) -> tuple[Taxonomy, list[Proposal]]:
    """A territory's tree and applications (codes resolved from labels where the contract prints none)."""
    folder = ROOT / "corpus" / "territories" / name
    _, tree = import_tree(folder / "contrat.txt", name)
    by_label = {_norm(o.label): o.id for o in tree.leaves}
    proposals = []
    for line in (folder / "proposals.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        data["codes"] = [c if c in tree else by_label[_norm(c)] for c in data["codes"]]
        proposals.append(proposal_from_dict(data, source=f"{name}/proposals.jsonl"))
    return tree, proposals

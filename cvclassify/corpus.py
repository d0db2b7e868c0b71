"""Labelled proposals: load, validate, split into training and held-out sets, describe.

A proposal is one JSON object per line of ``corpus/proposals/*.jsonl``::

    {"id", "title", "text", "codes": [primary, ...], "style", "porteur", "quartier", "year"}
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cvclassify.document import text_of
from cvclassify.errors import CorpusError, UnknownCodeError
from cvclassify.taxonomy import Taxonomy

REQUIRED = ("id", "title", "text", "codes")
METADATA = ("style", "porteur", "quartier", "year")
STYLES = ("fiche_action", "formulaire", "titre", "dossier_long", "bruite", "export")
QUARTIERS = (
    # Metz Métropole's priority neighbourhoods (2015) and "veille active" areas, as in shared/reference.
    "Borny", "Bellecroix", "Hauts-de-Vallières", "Sablon Sud", "La Patrotte - Metz Nord",
    "Saint-Eloy - Boileau - Pré-Génie", "Quartier du Roi", "Giraud / Marc Sangnier / Saint-Exupéry",
    "plusieurs QPV", "Métropole",
)
NEAR_DUPLICATE = 0.8
HELDOUT_SHARE = 0.2
SPLIT_SEED = "cvclassify-heldout-v1"


@dataclass(frozen=True)
class Proposal:
    """A past application and the leaf codes the instruction team gave it (primary first)."""

    id: str
    title: str
    text: str
    codes: tuple[str, ...]
    style: str = ""
    porteur: str = ""
    quartier: str = ""
    year: int | None = None
    source: str = ""

    @property
    def primary(self) -> str:
        """The primary code (the first)."""
        return self.codes[0]

    @property
    def full_text(self) -> str:
        """Title and text, as the classifier reads them."""
        return text_of({"title": self.title, "text": self.text})


@dataclass
class CorpusIssue:
    """A problem found by ``check_corpus``."""

    kind: str
    proposal_id: str
    message: str


@dataclass
class Corpus:
    """Proposals loaded from files, with the lines that could not be read."""

    proposals: list[Proposal]
    unreadable: list[CorpusIssue] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.proposals)

    def fingerprint(self) -> str:
        """Hash of the proposals' content, stored in model cards."""
        h = hashlib.sha256()
        for p in sorted(self.proposals, key=lambda p: p.id):
            h.update(json.dumps(asdict(p), ensure_ascii=False, sort_keys=True).encode())
        return h.hexdigest()[:16]


def load_corpus(directory: str | Path | None = None) -> Corpus:
    """Read every ``*.jsonl`` file of a folder (default ``corpus/proposals``) in name order."""
    from cvclassify.projects import open_project

    directory = Path(directory) if directory else open_project().corpus_dir
    files = sorted(directory.glob("*.jsonl")) if directory.is_dir() else []
    if not files:
        raise CorpusError(f"No proposal file (*.jsonl) in {directory}.")
    proposals: list[Proposal] = []
    unreadable: list[CorpusIssue] = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path.name}:{line_no}"
                try:
                    proposals.append(proposal_from_dict(json.loads(line), source=where))
                except (json.JSONDecodeError, CorpusError) as exc:
                    unreadable.append(CorpusIssue("unreadable", where, str(exc)))
    return Corpus(proposals, unreadable)


def proposal_from_dict(data: dict, source: str = "") -> Proposal:
    """A proposal from one JSON object, or a ``CorpusError`` saying what is wrong."""
    if not isinstance(data, dict):
        raise CorpusError("a JSON object is expected")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise CorpusError(f"missing field(s) {', '.join(missing)}")
    codes = data["codes"]
    if isinstance(codes, str) or not isinstance(codes, list):
        raise CorpusError("'codes' must be a list of codes, primary first")
    year = data.get("year")
    return Proposal(
        id=str(data["id"]),
        title=str(data.get("title") or ""),
        text=str(data.get("text") or ""),
        codes=tuple(str(c).strip() for c in codes),
        style=str(data.get("style") or ""),
        porteur=str(data.get("porteur") or ""),
        quartier=str(data.get("quartier") or ""),
        year=int(year) if isinstance(year, int | str) and str(year).isdigit() else None,
        source=source,
    )


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def check_corpus(corpus: Corpus, taxonomy: Taxonomy, near_threshold: float = NEAR_DUPLICATE) -> list[CorpusIssue]:
    """Every problem of the corpus: unreadable lines, invalid codes, missing fields, empty texts,
    duplicate ids and near-duplicate texts."""
    issues = list(corpus.unreadable)
    leaf_ids = set(taxonomy.leaf_ids)
    seen: Counter[str] = Counter(p.id for p in corpus.proposals)
    for dup, n in seen.items():
        if n > 1:
            issues.append(CorpusIssue("duplicate_id", dup, f"id used {n} times"))
    for p in corpus.proposals:
        if not p.text.strip() and not p.title.strip():
            issues.append(CorpusIssue("empty_text", p.id, "title and text are empty"))
        if not p.codes:
            issues.append(CorpusIssue("no_code", p.id, "no code given"))
        if len(p.codes) > 3:
            issues.append(CorpusIssue("too_many_codes", p.id, f"{len(p.codes)} codes (at most 3)"))
        if len(set(p.codes)) != len(p.codes):
            issues.append(CorpusIssue("repeated_code", p.id, f"a code is repeated in {list(p.codes)}"))
        for code in p.codes:
            if code not in leaf_ids:
                try:
                    node = taxonomy.resolve(code)
                    msg = f"{code} is a {node.level} objective, not a leaf code"
                except UnknownCodeError as exc:
                    msg = str(exc)
                issues.append(CorpusIssue("invalid_code", p.id, msg))
        for key in METADATA:
            if not getattr(p, key):
                issues.append(CorpusIssue("missing_field", p.id, f"field {key!r} is missing or empty"))
        if p.style and p.style not in STYLES:
            issues.append(CorpusIssue("invalid_style", p.id, f"style {p.style!r} not in {STYLES}"))
        if p.quartier and p.quartier not in QUARTIERS:
            issues.append(CorpusIssue("invalid_quartier", p.id, f"quartier {p.quartier!r} not in {QUARTIERS}"))
        if p.year is not None and not 2015 <= p.year <= 2023:
            issues.append(CorpusIssue("invalid_year", p.id, f"year {p.year} outside 2015-2023"))
    for a, b, score in near_duplicates(corpus.proposals, near_threshold):
        issues.append(CorpusIssue("near_duplicate", a, f"cosine {score:.2f} with {b}"))
    return issues


def near_duplicates(
    proposals: Sequence[Proposal], threshold: float = NEAR_DUPLICATE
) -> list[tuple[str, str, float]]:
    """Pairs of proposals whose texts have a TF-IDF cosine above ``threshold``, most similar first."""
    return [pair for pair in most_similar_pairs(proposals, top=None) if pair[2] > threshold]


def most_similar_pairs(proposals: Sequence[Proposal], top: int | None = 10) -> list[tuple[str, str, float]]:
    """The ``top`` most similar pairs of texts (TF-IDF cosine on folded words)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from cvclassify.analysis import fold

    if len(proposals) < 2:
        return []
    matrix = TfidfVectorizer(preprocessor=fold, sublinear_tf=True).fit_transform(
        [p.full_text for p in proposals]
    )
    sims = (matrix @ matrix.T).toarray()
    np.fill_diagonal(sims, 0.0)
    upper = np.triu(sims, k=1)
    if top is None:
        rows, cols = np.nonzero(upper > 0.5)
    else:
        flat = np.argsort(upper, axis=None)[::-1][:top]
        rows, cols = np.unravel_index(flat, upper.shape)
    pairs = [(proposals[i].id, proposals[j].id, float(upper[i, j])) for i, j in zip(rows, cols, strict=True)]
    return sorted(pairs, key=lambda pair: -pair[2])


# ---------------------------------------------------------------------------------------------
# Held-out split
# ---------------------------------------------------------------------------------------------


def _rank_key(proposal_id: str) -> str:
    return hashlib.sha256(f"{SPLIT_SEED}:{proposal_id}".encode()).hexdigest()


def stratified_heldout(proposals: Iterable[Proposal], share: float = HELDOUT_SHARE) -> set[str]:
    """A seeded held-out set of about ``share`` of proposals, stratified by primary code.

    Each code keeps ``round(share * n)`` of its ``n`` proposals (at least one when ``n >= 3``), chosen
    by a hash of the id so that the choice does not depend on file order.
    """
    by_code: dict[str, list[str]] = {}
    for p in proposals:
        by_code.setdefault(p.primary, []).append(p.id)
    heldout: set[str] = set()
    for ids in by_code.values():
        n_out = round(share * len(ids))
        if n_out == 0 and len(ids) >= 3:
            n_out = 1
        heldout.update(sorted(ids, key=_rank_key)[:n_out])
    return heldout


def split_path() -> Path:
    """The default project's held-out split file."""
    from cvclassify.projects import open_project

    return open_project().heldout_path


def load_heldout(path: Path | None = None) -> set[str]:
    """The ids of the held-out split."""
    path = path or split_path()
    if not path.exists():
        raise CorpusError(f"No held-out split at {path}. Create it with `cvclassify corpus split`.")
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def ids_fingerprint(ids: Iterable[str]) -> str:
    """Hash of a set of proposal ids (the held-out split), stored in model cards."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


def save_heldout(ids: Iterable[str], path: Path | None = None) -> Path:
    """Write the ids of the held-out split, sorted, atomically."""
    from cvclassify.io import atomic_write_text

    path = path or split_path()
    atomic_write_text(path, "".join(f"{i}\n" for i in sorted(ids)))
    return path


def split_corpus(corpus: Corpus, heldout: set[str]) -> tuple[list[Proposal], list[Proposal]]:
    """(training proposals, held-out proposals)."""
    train = [p for p in corpus.proposals if p.id not in heldout]
    test = [p for p in corpus.proposals if p.id in heldout]
    return train, test


# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------


def corpus_stats(corpus: Corpus, taxonomy: Taxonomy) -> dict:
    """Counts per code, axis and style, multi-code share, length distribution, near-duplicates."""
    props = corpus.proposals
    primary = Counter(p.primary for p in props if p.codes)
    any_code = Counter(c for p in props for c in p.codes)
    axis = Counter()
    for p in props:
        if p.codes and p.primary in taxonomy:
            axis[taxonomy.axis_of(p.primary).id] += 1
    words = [len(p.full_text.split()) for p in props]
    uncovered = [c for c in taxonomy.leaf_ids if primary[c] == 0]
    pairs = most_similar_pairs(props, top=5)
    quantiles = statistics.quantiles(words, n=10) if len(words) >= 2 else words
    return {
        "proposals": len(props),
        "unreadable_lines": len(corpus.unreadable),
        "leaf_codes": len(taxonomy.leaf_ids),
        "codes_without_primary_example": uncovered,
        "min_primary_per_code": min((primary[c] for c in taxonomy.leaf_ids), default=0),
        "multi_code_share": round(sum(len(p.codes) > 1 for p in props) / max(1, len(props)), 3),
        "codes_per_proposal": dict(sorted(Counter(len(p.codes) for p in props).items())),
        "per_axis": dict(sorted(axis.items())),
        "per_style": dict(Counter(p.style for p in props).most_common()),
        "per_year": dict(sorted(Counter(p.year for p in props if p.year).items())),
        "length_words": {
            "min": min(words, default=0),
            "p10": round(quantiles[0]) if quantiles else 0,
            "median": round(statistics.median(words)) if words else 0,
            "p90": round(quantiles[-1]) if quantiles else 0,
            "max": max(words, default=0),
        },
        "per_code": {c: {"primary": primary[c], "any": any_code[c]} for c in taxonomy.leaf_ids},
        "most_similar_pairs": [{"a": a, "b": b, "cosine": round(s, 3)} for a, b, s in pairs],
        "near_duplicates": [
            {"a": a, "b": b, "cosine": round(s, 3)} for a, b, s in near_duplicates(props)
        ],
    }

"""Every shape a classification takes for its readers, in one place: the library's JSON, the CLI table,
batch rows (journal, CSV/XLSX, JSON Lines), the HTTP answer and the Annif dialect.

Scores are rounded here, at the edge, to 4 decimals; French words come from ``cvclassify.labels``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cvclassify.labels import Route, RowStatus, french

if TYPE_CHECKING:
    from cvclassify.result import Classification, Decision, RowResult, Suggestion
    from cvclassify.taxonomy import Taxonomy

DIGITS = 4
COMPACT_KEYS = ("code", "id", "label", "score", "selected", "objective", "axis")
"""The keys of a suggestion in batch output (no description, no evidence)."""


def _round(value: float) -> float:
    return round(float(value), DIGITS)


# -- library and CLI JSON ------------------------------------------------------------------------
def suggestion_dict(s: Suggestion, compact: bool = False) -> dict[str, Any]:
    """A suggestion with every field (evidence included), or with ``compact`` only ``COMPACT_KEYS``."""
    if compact:
        return {"code": s.code, "id": s.id, "label": s.label, "score": _round(s.score), "selected": s.selected,
                "objective": s.objective, "axis": s.axis}
    # by hand rather than dataclasses.asdict, which deep-copies and costs ~2 ms per answer
    out = {"code": s.code, "id": s.id, "label": s.label, "score": _round(s.score), "selected": s.selected,
           "level": s.level, "objective": dict(s.objective), "axis": dict(s.axis), "description": s.description,
           "evidence": [dict(vars(e)) for e in s.evidence]}
    if s.national:
        out["national"] = s.national
    return out


def decision_dict(decision: Decision | None) -> dict[str, Any] | None:
    """``{"confidence", "route"}`` and, for the ``objective`` route, the objective."""
    if decision is None:
        return None
    out: dict[str, Any] = {"confidence": _round(decision.confidence), "route": str(decision.route)}
    if decision.objective is not None:
        out["objective"] = {**decision.objective, "confidence": _round(decision.objective["confidence"])}
    return out


def as_dict(c: Classification) -> dict[str, Any]:
    """The full JSON form (``cvclassify suggest --json``, ``Classification.to_dict()``); ``transversal`` only for
    projects with transversal concerns."""
    out = {
        "suggestions": [suggestion_dict(s) for s in c.suggestions],
        "objective_hint": suggestion_dict(c.objective_hint) if c.objective_hint else None,
        "decision": decision_dict(c.decision),
        "warnings": list(c.warnings),
        "model_version": c.model_version,
    }
    if c.transversal:
        out["transversal"] = [concern_dict(t) for t in c.transversal]
    return out


def concern_dict(s: Suggestion) -> dict[str, Any]:
    """A transversal concern: code, id, label, score, ticked."""
    return {"code": s.code, "id": s.id, "label": s.label, "score": _round(s.score), "selected": s.selected}


def french_number(value: float, digits: int = 2) -> str:
    """0.934 → "0,93"."""
    return f"{value:.{digits}f}".replace(".", ",")


def _generated(code: str) -> bool:
    """Whether a code was generated from a label (« education-parentalite »: the tree prints no code)."""
    return bool(re.fullmatch(r"[a-z0-9-]+", code) and re.search(r"[a-z]{3}", code))


def cli_rows(c: Classification, words: int = 5) -> list[tuple[str, ...]]:
    """The rows of the CLI table: rank (✔ when ticked), code, score, objective (its label when the tree prints no
    code), label, evidence words."""
    def objective(s: Suggestion) -> str:
        code = s.objective.get("code", "")
        return s.objective.get("label", "") if _generated(code) else code

    return [(f"{rank}{'✔' if s.selected else ' '}", s.code, f"{s.score:.2f}", objective(s), s.label,
             ", ".join(e.word for e in s.evidence[:words])) for rank, s in enumerate(c.suggestions, start=1)]


def cli_decision(c: Classification) -> str | None:
    """The decision line of the CLI, in French."""
    if c.decision is None:
        return None
    return (f"Décision : {french(c.decision.route)} (confiance dans les codes cochés : "
            f"{french_number(c.decision.confidence)})")


def cli_hint(c: Classification) -> str | None:
    """The objective hint line of the CLI, in French."""
    h = c.objective_hint
    if h is None:
        return None
    named = f"« {h.label} »" if _generated(h.code) else f"{h.code} « {h.label} »"
    return f"Code incertain, mais l'objectif {named} est probable ({h.score:.2f})."


def tree_lines(tree: Taxonomy) -> list[tuple[int, str, str]]:
    """The tree as it is printed: ``(depth, style, text)`` per node, in document order, any depth; the
    transversal concerns last. Styles: ``root``, ``inner``, ``leaf``, ``heading``."""
    lines = []
    for node in tree:
        if node.transversal:
            continue
        depth = len(tree.ancestors(node.id))
        shown = f"{node.code} ({node.id})" if node.code and node.id != node.code else node.code
        text = f"{shown} – {node.label}" if shown else node.label
        style = "leaf" if tree.is_leaf(node.id) else "root" if depth == 0 else "inner"
        lines.append((depth, style, text))
    if tree.transversal:
        lines.append((0, "heading", "Préoccupations transversales"))
        lines += [(1, "leaf", f"{o.code} – {o.label}" if o.code else o.label) for o in tree.transversal]
    return lines


def cli_concerns(c: Classification) -> str | None:
    """The transversal concerns line of the CLI, in French (ticked ones marked)."""
    if not c.transversal:
        return None
    return "Préoccupations transversales : " + ", ".join(
        f"{t.label} ({french_number(t.score)}){' ✔' if t.selected else ''}" for t in c.transversal)


# -- batch rows ------------------------------------------------------------------------------------
def record(row: RowResult) -> dict[str, Any]:
    """The JSON record of a batch row kept in the journal (and read back to write the output)."""
    out: dict[str, Any] = {"index": row.index, "id": row.id, "status": str(row.status), "error": row.error,
                           "suggestions": [], "selected": [], "evidence": [], "objective_hint": None}
    c = row.classification
    if c is not None:
        if c.suggestions and c.suggestions[0].national:
            out["national"] = {period: n["code"] for period, n in c.suggestions[0].national.items()}
        if c.transversal:
            out["transversal"] = [t.label for t in c.transversal if t.selected]
        hint = c.objective_hint
        out.update(suggestions=[suggestion_dict(s, compact=True) for s in c.suggestions], evidence=list(c.terms),
                   selected=[s.code for s in c.suggestions if s.selected], decision=decision_dict(c.decision),
                   objective_hint=None if hint is None else {"code": hint.code, "label": hint.label,
                                                             "score": _round(hint.score)},
                   warnings=list(c.warnings))
    return out


def result_columns(k: int, extras: Sequence[str] = ()) -> list[str]:
    """Columns added to the input's in CSV and XLSX outputs (French: analysts read them); ``extras`` are the
    optional ones a run fills (``EXTRA_COLUMNS``)."""
    ranked = [name for i in range(1, k + 1) for name in (f"cv_code_{i}", f"cv_libelle_{i}", f"cv_score_{i}")]
    return ["cv_id", "cv_statut", "cv_erreur", "cv_remarques", "cv_codes_retenus", "cv_decision", "cv_confiance",
            "cv_objectif", "cv_axe", *ranked, "cv_mots_determinants", "cv_objectif_probable", *extras]


EXTRA_COLUMNS = {"national": "cv_sous_theme_anct", "transversal": "cv_transversales", "agreement": "cv_accord_anct"}
"""Columns written when the model or the input gives them: the national sous-thème of the first code, the
transversal concerns ticked, agreement with the input's own ANCT sous-thème."""


def also_columns(name: str) -> list[str]:
    """The columns of a second project's coding written beside the first (``classify --also``)."""
    return [f"cv_{name}_codes_retenus", f"cv_{name}_code_1", f"cv_{name}_libelle_1", f"cv_{name}_score_1"]


INPUT_PREFIX = "entrée_"
"""Prefix of the input columns named like the tool's own (``cv_*``) in CSV/XLSX outputs."""


def input_names(columns: Iterable[str]) -> dict[str, str]:
    """Input column → its header in CSV/XLSX outputs: the same, but ``cv_*`` (the tool's own names, an earlier
    output classified again) becomes ``entrée_cv_*``, made unique, so that no input cell is overwritten."""
    columns = list(columns)
    taken = set(columns)
    names: dict[str, str] = {}
    for column in columns:
        name, copy = column, 2
        if column.startswith("cv_"):
            name = INPUT_PREFIX + column
            while name in taken:
                name, copy = f"{INPUT_PREFIX}{column} ({copy})", copy + 1
            taken.add(name)
        names[column] = name
    return names


def flat_row(rec: Mapping[str, Any], values: Mapping[str, str], k: int,
             names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One CSV/XLSX output row: the input's cells (under ``names``, by default ``input_names`` of their own
    columns), then the classification; ``cv_remarques`` holds the row's warnings (text truncated, cells
    missing)."""
    names = input_names(values) if names is None else names
    out: dict[str, Any] = {names.get(column, column): value for column, value in values.items()}
    top = rec["suggestions"][0] if rec["suggestions"] else None
    hint = rec.get("objective_hint")
    decision = rec.get("decision") or {}
    route = decision.get("route")
    out.update({
        "cv_id": rec["id"], "cv_statut": french(RowStatus(rec["status"])), "cv_erreur": rec["error"] or "",
        "cv_remarques": " | ".join(rec.get("warnings") or []),
        "cv_codes_retenus": " | ".join(rec["selected"]),
        "cv_decision": french(Route(route)) if route else "",
        "cv_confiance": decision.get("confidence", ""),
        "cv_objectif": f"{top['objective']['code']} {top['objective']['label']}" if top else "",
        "cv_axe": f"{top['axis']['code']} {top['axis']['label']}" if top else "",
        "cv_mots_determinants": ", ".join(rec["evidence"]),
        "cv_objectif_probable": f"{hint['code']} {hint['label']} ({hint['score']:.2f})" if hint else "",
        "cv_sous_theme_anct": " | ".join(f"{p} : {c}" for p, c in (rec.get("national") or {}).items()),
        "cv_transversales": " | ".join(rec.get("transversal") or []),
        "cv_accord_anct": {True: "oui", False: "non"}.get(rec.get("agreement"), ""),
    })
    for name, other in (rec.get("also") or {}).items():
        first = other["suggestions"][0] if other.get("suggestions") else None
        out.update({f"cv_{name}_codes_retenus": " | ".join(other.get("selected") or []),
                    f"cv_{name}_code_1": first["code"] if first else "",
                    f"cv_{name}_libelle_1": first["label"] if first else "",
                    f"cv_{name}_score_1": first["score"] if first else ""})
    for i in range(1, k + 1):
        s = rec["suggestions"][i - 1] if i <= len(rec["suggestions"]) else None
        out[f"cv_code_{i}"] = s["code"] if s else ""
        out[f"cv_libelle_{i}"] = s["label"] if s else ""
        out[f"cv_score_{i}"] = s["score"] if s else ""
    return out


JSON_COLUMNS = ["id", "input", "status", "error", "suggestions", "selected", "decision", "evidence", "objective_hint"]


def json_row(rec: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """One JSON Lines output row: ``id``, the input's cells under ``input``, then the classification."""
    row = {"id": rec["id"], "input": values, "status": french(RowStatus(rec["status"]))}
    if rec["error"]:
        row["error"] = rec["error"]
    row.update({k: rec.get(k) for k in ("suggestions", "selected", "decision", "evidence", "objective_hint")})
    for key in ("national", "transversal", "agreement", "also"):
        if rec.get(key) is not None:
            row[key] = rec[key]
    if rec.get("warnings"):
        row["warnings"] = rec["warnings"]
    return row


# -- HTTP ----------------------------------------------------------------------------------------
def api_payload(c: Classification, project: str, fields: Mapping[str, str], threshold: float = 0.0,
                doc_id: str | None = None) -> dict[str, Any]:
    """The JSON answer for one document (``SuggestResponse``)."""
    data = as_dict(c)
    data["suggestions"] = [s for s in data["suggestions"] if s["score"] >= threshold]
    data.update(id=doc_id, project=project, fields=dict(fields))
    return data


def annif_results(project_uri: str, suggestions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Suggestions in the Annif dialect: ``uri``, ``label``, ``notation``, ``score``."""
    return [{"uri": f"{project_uri}{s['id']}", "label": s["label"], "notation": s["code"], "score": s["score"]}
            for s in suggestions]

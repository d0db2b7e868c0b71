"""Model versions of a project: train a candidate, promote it when it is not worse, roll back.

    train ─ candidate version (not current) ─ promote: compare with current ─ passed (or --force) → CURRENT
                                                        └ comparison.json beside the candidate, either way

``train`` writes a candidate; it becomes current only through ``promote`` (the first version of a project becomes
current at once: there is nothing to compare it with). A promotion compares the candidate with the current version
on the project's held-out split and on the held-out share of the officers' feedback
(``cvclassify.evaluation.comparison`` states the metrics and the tolerance), keeps the comparison beside the
candidate, and switches ``CURRENT`` atomically. ``rollback`` returns to the version that was current before the
last switch. Every switch is written to ``models/<project>/HISTORY.jsonl``. Promotions of one project are
serialised by a lock file; a second one at the same time is refused, and the project is left as it was.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from cvclassify.corpus import load_corpus, load_heldout, split_corpus
from cvclassify.errors import CorpusError, ProjectError
from cvclassify.evaluation.comparison import LabelledText, compare
from cvclassify.feedback.examples import resolve_feedback
from cvclassify.feedback.store import FeedbackRecord
from cvclassify.io import atomic_write_text
from cvclassify.model.classifier import Classifier
from cvclassify.projects import Project
from cvclassify.training import TrainingResult, in_project_codes, text_hashes, train_version

COMPARISON_FILE = "comparison.json"
HISTORY_FILE = "HISTORY.jsonl"
LOCK_FILE = ".promotion.lock"

Log = Callable[[str], None]


class PromotionError(ProjectError):
    """A promotion was refused: the candidate is worse, the version is unknown, or another promotion runs."""


@dataclass
class Promotion:
    """The outcome of a promotion: the versions, whether it switched, and the comparison."""

    project: str
    version: str
    previous: str | None
    switched: bool
    forced: bool
    comparison: dict


@contextlib.contextmanager
def promotion_lock(project: Project) -> Iterator[None]:
    """Hold the project's promotion lock, or refuse at once when another promotion holds it."""
    import fcntl

    project.models_dir.mkdir(parents=True, exist_ok=True)
    with open(project.models_dir / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PromotionError(f"Une autre promotion est en cours pour le projet {project.name!r} : réessayez "
                                 "dans un instant (rien n'a changé).") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def history(project: Project) -> list[dict]:
    """The project's switches of current version, oldest first."""
    path = project.models_dir / HISTORY_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _record(project: Project, action: str, previous: str | None, version: str, **extra) -> None:
    """Append one switch to the history (rewritten atomically: the file stays whole)."""
    lines = [json.dumps(entry, ensure_ascii=False) for entry in history(project)]
    lines.append(json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), "action": action,
                             "from": previous, "to": version, **extra}, ensure_ascii=False))
    atomic_write_text(project.models_dir / HISTORY_FILE, "\n".join(lines) + "\n")


def current_or_none(project: Project) -> str | None:
    """The current version, or None when the project has none yet."""
    try:
        return project.current_version()
    except ProjectError:
        return None


def comparison_sets(project: Project, feedback: Iterable[FeedbackRecord] = ()) -> dict[str, list[LabelledText]]:
    """The texts both versions are measured on: the held-out split, and the held-out share of the feedback."""
    from cvclassify.taxonomy import load_taxonomy

    tree = load_taxonomy(project.taxonomy_path)
    sets: dict[str, list[LabelledText]] = {}
    heldout = []
    try:
        corpus = in_project_codes(load_corpus(project.corpus_dir), project, tree)
        _, heldout = split_corpus(corpus, load_heldout(project.heldout_path))
    except CorpusError:
        pass  # a territory that started cold has no corpus: its feedback is its only measure
    if heldout:
        sets["heldout"] = [LabelledText(p.full_text, frozenset(p.codes)) for p in heldout]
    officers = resolve_feedback(feedback, tree.leaf_ids, [o.id for o in tree.transversal],
                                exclude=text_hashes(heldout))
    sets["feedback"] = [LabelledText(t.text, frozenset(t.codes)) for t in officers.heldout]
    return sets


def load_version(project: Project, version: str) -> Classifier:
    """A version of the project, refused in French when it belongs to another project."""
    model = Classifier.load(project.version_dir(version))
    if model.card.project and model.card.project != project.name:
        raise PromotionError(f"La version {version} appartient au projet {model.card.project!r}, pas à "
                             f"{project.name!r} : rien n'a changé.")
    return model


def promote(project: Project, version: str, *, force: bool = False, feedback: Iterable[FeedbackRecord] = (),
            log: Log = lambda _: None) -> Promotion:
    """Compare a version with the current one and make it current when no gated metric drops beyond the
    tolerance (or with ``force``). The comparison is written beside the version either way."""
    project.check_writable()
    project.version_dir(version)  # a French error naming the known versions
    with promotion_lock(project):
        previous = current_or_none(project)
        if previous == version:
            raise PromotionError(f"La version {version} est déjà la version en service du projet {project.name!r}.")
        candidate = load_version(project, version)
        current = load_version(project, previous) if previous else None
        log(f"comparaison de {version} avec {previous or '(aucune version en service)'}")
        comparison = compare(candidate, current, comparison_sets(project, feedback))
        comparison["at"] = datetime.now(UTC).isoformat(timespec="seconds")
        comparison["forced"] = bool(force and not comparison["passed"])
        atomic_write_text(project.version_dir(version) / COMPARISON_FILE,
                          json.dumps(comparison, ensure_ascii=False, indent=2) + "\n")
        if not comparison["passed"] and not force:
            raise PromotionError(
                f"Version {version} non promue : elle fait moins bien que {previous} au-delà de la tolérance "
                f"({'; '.join(comparison['failed'])}). La comparaison est dans "
                f"{project.version_dir(version) / COMPARISON_FILE} ; --force la promeut quand même."
            )
        project.use(version)
        _record(project, "promote", previous, version, forced=comparison["forced"], passed=comparison["passed"])
        return Promotion(project.name, version, previous, True, comparison["forced"], comparison)


def rollback(project: Project) -> tuple[str, str]:
    """Return to the version that was current before the last switch; returns (left, now current)."""
    project.check_writable()
    with promotion_lock(project):
        current = current_or_none(project)
        if current is None:
            raise PromotionError(f"Le projet {project.name!r} n'a pas de version en service : rien à annuler.")
        previous = next((e["from"] for e in reversed(history(project)) if e.get("to") == current and e.get("from")),
                        None)
        if previous is None:
            older = [v.version for v in project.versions() if v.version < current]
            previous = older[-1] if older else None
        if previous is None or not (project.models_dir / previous).is_dir():
            raise PromotionError(f"Aucune version précédente pour le projet {project.name!r} (en service : {current}).")
        load_version(project, previous)  # refuse a damaged version before switching to it
        project.use(previous)
        _record(project, "rollback", current, previous)
        return current, previous


def use(project: Project, version: str) -> str | None:
    """Make a version current without comparing (as ``promote --force``, but without measuring); recorded."""
    project.check_writable()
    with promotion_lock(project):
        previous = current_or_none(project)
        load_version(project, version)
        project.use(version)
        _record(project, "use", previous, version)
        return previous


def train_candidate(project: Project, *, feedback: Iterable[FeedbackRecord] = (), promote_it: bool = False,
                    force: bool = False, log: Log = lambda _: None,
                    **options) -> tuple[TrainingResult, Promotion | None]:
    """Train a candidate version from the corpus, the imported history and the feedback; with ``promote_it``,
    promote it. A project's first version becomes current at once."""
    records = list(feedback)
    first = current_or_none(project) is None
    result = train_version(project, make_current=first, feedback=records, log=log, **options)
    if first:
        _record(project, "first", None, result.card.version)
        return result, None
    if not promote_it:
        return result, None
    return result, promote(project, result.card.version, force=force, feedback=records, log=log)


def comparison_of(project: Project, version: str) -> dict | None:
    """The comparison kept beside a version, if it was ever proposed for promotion."""
    path = project.models_dir / version / COMPARISON_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

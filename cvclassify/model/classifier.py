"""The Classifier: a fitted backend, the decision layer over it, the objective tree and the model card.

It scores documents (backend margins → decision layer), builds their ``Classification`` (one place:
``cvclassify.result.classifications``) and saves or loads itself. Training lives in
``cvclassify.training``; nothing here imports it.
"""

from __future__ import annotations

import io
import json
import pickle
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from cvclassify.backends import Backend
from cvclassify.document import Document, DocumentInput
from cvclassify.errors import ModelError, UnknownCodeError
from cvclassify.model.card import ModelCard
from cvclassify.model.decision import Assessment, DecisionLayer
from cvclassify.model.integrity import (
    check_environment,
    check_files,
    check_location,
    file_records,
    library_mismatches,
)
from cvclassify.model.transversal import TransversalLayer
from cvclassify.result import Classification, TreeView, classifications
from cvclassify.taxonomy import Taxonomy, taxonomy_from_dict

FORMAT_VERSION = 3
READABLE_FORMATS = (2, 3)
MODEL_FILE = "model.joblib"
CARD_FILE = "model-card.json"
METRICS_FILE = "metrics.json"


def word_counts(texts: Sequence) -> np.ndarray:
    """Length in words of texts or analyses (an input of the decision)."""
    return np.array([len(getattr(t, "text", t).split()) for t in texts])


class Classifier:
    """Suggests leaf codes of a taxonomy for French grant applications. Safe to share between threads."""

    def __init__(self, backend: Backend, decision: DecisionLayer, taxonomy: Taxonomy, card: ModelCard,
                 transversal: TransversalLayer | None = None) -> None:
        self.backend = backend
        self.transversal = transversal
        self.decision = decision
        self.taxonomy = taxonomy
        self.leaf_ids = list(backend.leaf_ids)
        self.card = card
        self.tree = TreeView(taxonomy, self.leaf_ids)

    # -- scoring -----------------------------------------------------------------------------
    def margins(self, texts: Sequence) -> np.ndarray:
        """The backend's margins (documents × leaf codes) of texts or analyses."""
        return self.backend.scores(texts)

    def scores(self, texts: Sequence) -> np.ndarray:
        """Calibrated scores in [0, 1] (documents × leaf codes, in ``leaf_ids`` order)."""
        return self.decision.calibrate(self.decision.base(self.margins(texts)), word_counts(texts))

    def select(self, scores: np.ndarray) -> np.ndarray:
        """The codes to tick (documents × leaf codes) of calibrated scores."""
        return self.decision.select(scores)

    def assess(self, texts: Sequence) -> Assessment:
        """Calibrated scores, ticked codes, confidence and route of texts or analyses (a model without a
        fitted decision gives its scores, its per-code ticks and no route)."""
        represented = self.backend.represent(texts)
        base = self.decision.base(self.backend.margins(represented))
        return self.judge(base, word_counts(texts), self.backend.known_words(represented, base))

    def judge(self, base: np.ndarray, words: np.ndarray, grounded: np.ndarray | None = None) -> Assessment:
        """The assessment of Platt scores (documents × codes) of texts ``words`` long; ``grounded`` says which
        texts have a word the model knows (the others get no ticked code: ``decision.without_evidence``)."""
        return self.decision.assess(base, self.tree.objectives.scores(base), words, grounded,
                                    self.tree.objectives.member)

    def warm_up(self) -> None:
        """Load what a first suggestion loads (the analysis tables, the stacked weights, the explainer), so that
        worker processes forked afterwards share them instead of each loading its own copy."""
        self.suggest("Ateliers sociolinguistiques pour les habitants du quartier.")
        self.backend.warm_up()

    def suggest(self, text: DocumentInput, k: int = 5, *, only: Sequence[str] | None = None,
                exclude: Sequence[str] | None = None, explain: bool = True) -> Classification:
        """Ranked suggestions for one application (a text, a mapping of form fields or a Document)."""
        return self.suggest_many([text], k=k, only=only, exclude=exclude, explain=explain)[0]

    def suggest_many(self, texts: Sequence[DocumentInput], k: int = 5, *, only: Sequence[str] | None = None,
                     exclude: Sequence[str] | None = None, explain: bool = False,
                     terms: int = 0) -> list[Classification]:
        """Ranked suggestions for many applications; raises InvalidTextError on the first bad one.

        ``explain`` attaches evidence words to every suggestion; ``terms`` > 0 gives each result the lemmas
        that most raised its first code (a fast explanation for batches). ``cvclassify.service`` classifies
        rows and flags bad ones instead of raising.
        """
        if k < 1:
            raise ValueError("k must be at least 1.")
        documents = [Document.of(t) for t in texts]
        prepared = [d.prepare() for d in documents]
        allowed = self.allowed(only, exclude)
        if not prepared:
            return []
        read = [text for text, _ in prepared]
        represented = self.backend.represent(read)
        base = np.where(allowed, self.decision.base(self.backend.margins(represented)), 0.0)
        judged = self.judge(base, word_counts(read), self.backend.known_words(represented, base))
        results = classifications(judged, self.tree, allowed, k, [notes for _, notes in prepared], self.card.version)
        if self.transversal is not None:
            concerns = self.transversal.scores(read)
            for result, row in zip(results, concerns, strict=True):
                result.transversal = self.tree.concerns(self.transversal.ids, row, self.transversal.threshold)
        for i, (document, text, result) in enumerate(zip(documents, read, results, strict=True)):
            if judged.grounded is not None and not judged.grounded[i]:
                continue  # no word justifies a code: no evidence to show (character n-grams would give some)
            if explain and result.suggestions:
                self.backend.explain(document.fields or {"text": text}, result.suggestions, represented, i)
            if terms and result.suggestions:
                result.terms = self.backend.top_terms(represented, i, result.suggestions[0].id, terms)
        return results

    def allowed(self, only: Sequence[str] | None, exclude: Sequence[str] | None) -> np.ndarray:
        """Mask of the leaf codes kept by ``only`` and ``exclude`` patterns."""
        mask = np.ones(len(self.leaf_ids), dtype=bool)
        if only:
            keep = set(self.taxonomy.leaves_matching(only))
            mask &= np.array([c in keep for c in self.leaf_ids])
        if exclude:
            drop = set(self.taxonomy.leaves_matching(exclude))
            mask &= np.array([c not in drop for c in self.leaf_ids])
        if not mask.any():
            raise UnknownCodeError(
                f"Aucun code ne reste avec --only {' '.join(only or []) or '(tous)'} et --exclude "
                f"{' '.join(exclude or [])} : élargissez --only ou retirez des motifs de --exclude."
            )
        return mask

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.joblib``, ``metrics.json`` and, last, ``model-card.json`` with the other files' SHA-256
        into a folder, each atomically."""
        from cvclassify.io import atomic_write_bytes, atomic_write_text

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if hasattr(self.backend, "compact"):
            self.backend.compact()
        bundle = {
            "format_version": FORMAT_VERSION,
            "backend": self.backend,
            "decision": self.decision,
            "transversal": self.transversal,
            "taxonomy": self.taxonomy.to_dict(),
            "card": asdict(self.card),
        }
        import joblib

        buffer = io.BytesIO()
        joblib.dump(_Pickled(bundle), buffer, compress=3)
        atomic_write_bytes(directory / MODEL_FILE, buffer.getvalue())
        if self.card.metrics:
            atomic_write_text(directory / METRICS_FILE, json.dumps(self.card.metrics, indent=2) + "\n")
        self.card.files = file_records(directory)  # the card, written last, seals the files
        atomic_write_text(directory / CARD_FILE, json.dumps(asdict(self.card), ensure_ascii=False, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path | None = None, *, project: str | None = None,
             version: str | None = None) -> Classifier:
        """Load a model: a folder (or ``model.joblib``) given as ``directory``, or a project's version
        (default: the default project's current version).

        Before anything is unpickled, the folder must be in the data home (or a trusted folder) and its files
        must match the SHA-256 its card records (``cvclassify.model.integrity``).
        """
        if directory is None:
            from cvclassify.projects import open_project

            directory = open_project(project).version_dir(version)
        directory = Path(directory)
        path = directory / MODEL_FILE if directory.is_dir() or not directory.suffix else directory
        if not path.exists():
            raise ModelError(f"Aucun modèle dans {path.parent}. Construisez-le avec `cvclassify train`.")
        check_location(path.parent)
        sealed = read_card(path.parent)
        check_files(path.parent, sealed.get("files") or {})
        check_environment(sealed.get("environment") or {}, path.parent)
        try:
            with warnings.catch_warnings(record=True):  # scikit-learn's version warnings: see library_mismatches
                warnings.simplefilter("always")
                bundle = _read_bundle(path)
        except Exception as exc:
            raise ModelError(
                f"Le fichier modèle {path} est illisible ou corrompu ({type(exc).__name__}). "
                "Reconstruisez-le avec `cvclassify train`."
            ) from exc
        found = bundle.get("format_version") if isinstance(bundle, dict) else None
        if found not in READABLE_FORMATS:
            raise ModelError(
                f"Le fichier {path} n'est pas un modèle cvclassify au format {FORMAT_VERSION} "
                f"(format trouvé : {found}). Reconstruisez-le avec `cvclassify train`."
            )
        for message in library_mismatches(bundle["card"].get("libraries") or {}):
            warnings.warn(f"{path}: {message}", stacklevel=2)
        if found == 2:
            bundle = _from_format_2(bundle)
        card = ModelCard.from_dict({**bundle["card"], "files": sealed.get("files") or {},
                                    "environment": sealed.get("environment") or bundle["card"].get("environment", {})})
        return cls(bundle["backend"], bundle["decision"], _with_project_national(taxonomy_from_dict(bundle["taxonomy"]),
                                                                                 card.project),
                   card, bundle.get("transversal"))


def read_card(directory: Path) -> dict:
    """A version's card as plain JSON (nothing unpickled), or a French error."""
    path = Path(directory) / CARD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"Fiche du modèle absente ({path}) : cvclassify ne charge pas un modèle sans sa "
                         "fiche.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"Fiche du modèle illisible ({path} : {exc}). Réentraînez la version.") from exc
    if not isinstance(data, dict):
        raise ModelError(f"Fiche du modèle illisible ({path}). Réentraînez la version.")
    return data


def _with_project_national(tree: Taxonomy, project: str) -> Taxonomy:
    """The tree with the national sous-thèmes its project keeps today (``<tree>.anct.csv``, the tree file): they
    are edited after a model is trained, and a model made before they existed still reports them."""
    from cvclassify.errors import CvclassifyError

    try:
        from cvclassify.projects import open_project
        from cvclassify.taxonomy import load_taxonomy

        current = load_taxonomy(open_project(project or None).taxonomy_path)
    except (CvclassifyError, OSError):
        return tree
    codes = {o.id: (o.anct_2015, o.anct_2024) for o in current if o.id in tree and (o.anct_2015 or o.anct_2024)}
    return tree.with_national(codes) if codes else tree


def _from_format_2(bundle: dict) -> dict:
    """A model saved before backends existed: its pipeline is the linear backend's."""
    from cvclassify.backends.linear import LinearBackend
    from cvclassify.model.params import ModelParams

    backend = LinearBackend(ModelParams.from_dict(bundle["card"].get("params", {})), pipeline=bundle["pipeline"],
                            leaf_ids=bundle["leaf_ids"])
    decision = DecisionLayer(tuple(bundle["calibration"]), np.asarray(bundle["thresholds"]), bundle.get("decider"))
    return {**bundle, "backend": backend, "decision": decision}


class _Pickled:
    """A bundle written by Python's C pickler inside the joblib file. joblib's unpickler is written in Python and
    reads a model's million small objects in 2.6 s; given one bytes object it hands it to ``pickle.loads``, which
    takes 0.4 s. The file stays a joblib file (``joblib.load`` returns the bundle)."""

    def __init__(self, bundle: dict) -> None:
        self.bundle = bundle

    def __reduce__(self):
        return _unpickled, (pickle.dumps(self.bundle, protocol=5),)


class _BundleOnly(pickle.Unpickler):
    """Reads the outer pickle of a ``_Pickled`` joblib file: only its call to ``_unpickled``."""

    def find_class(self, module: str, name: str):
        if (module, name) != (__name__, "_unpickled"):
            raise pickle.UnpicklingError(f"{module}.{name}")
        return _unpickled


def _read_bundle(path: Path) -> dict:
    """The bundle of a model file. A ``_Pickled`` bundle in a zlib-compressed joblib file (what ``save`` writes) is
    read with the standard library, without importing joblib (a third of a second of every fresh process); any
    other joblib file goes through ``joblib.load``."""
    import zlib

    data = path.read_bytes()
    if data[:1] == b"\x78":  # joblib's zlib compressor: a plain zlib stream
        try:
            return _BundleOnly(io.BytesIO(zlib.decompress(data))).load()
        except (zlib.error, pickle.UnpicklingError):
            pass
    import joblib

    return joblib.load(path)


def _unpickled(data: bytes) -> dict:
    """The bundle of a ``_Pickled`` (called by the unpickler)."""
    return pickle.loads(data)

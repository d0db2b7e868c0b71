"""The omikuji backend: the linear model's French features into partitioned label trees (Annif's omikuji learner).

    text ─ Analyse ─ features (lemma TF-IDF, char TF-IDF, mean vectors) ─ omikuji (Parabel-like label trees)

A model of another family than the one-vs-rest logistic regressions of ``cvclassify.backends.linear``, on the
same feature blocks (built with the same helpers of ``cvclassify.features``), so that the learner, not the
features, differs. Omikuji (https://github.com/tomtung/omikuji) is an optional dependency:
``pip install "cvclassify[omikuji]"``.

Margins: omikuji returns, per document, a score in [0, 1] for the leaves its beam search reaches (at most
``beam_size`` tree branches); each returned score, clipped to [``FLOOR``, 1 − ``FLOOR``], becomes its logit, and
every leaf omikuji does not return gets ``logit(FLOOR)``, below all returned leaves.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from cvclassify.analysis import Analyzer
from cvclassify.backends.base import Backend, Example
from cvclassify.backends.linear import training_documents
from cvclassify.errors import ModelError
from cvclassify.features import Analyse, MeanVectors, char_block, feature_union, lemma_block
from cvclassify.model.params import ModelParams
from cvclassify.taxonomy import Taxonomy

FLOOR = 1e-4
"""Score given to a leaf omikuji does not return (and lowest score kept): its margin is ``logit(FLOOR)``."""
BEAM_SIZE = 10
"""Omikuji's beam at prediction (its default, and Annif's)."""
MAX_THREADS = 2
"""Threads omikuji trains and predicts with (the machines have two cores)."""
HYPER: dict[str, Any] = {"cluster_balanced": True, "cluster_k": 2, "max_depth": 20, "collapse_every_n_layers": 0}
"""The hyperparameters Annif's omikuji backend sets (its defaults, which are omikuji's); the others are omikuji's
defaults (3 trees, linear_c 1, hinge loss)."""


def load_omikuji():
    """The omikuji module, or a ModelError saying how to install it."""
    try:
        import omikuji
    except ImportError as exc:
        raise ModelError(
            "Le backend omikuji demande la bibliothèque omikuji, qui n'est pas installée : "
            'pip install "cvclassify[omikuji]" (ou entraînez avec --backend linear).'
        ) from exc
    return omikuji


def build_features(params: ModelParams, analyzer: Analyzer | None = None) -> tuple[Analyse, Any]:
    """The untrained analysis step and feature union of the linear model's recipe (``params``)."""
    analyse = Analyse(mode=params.analysis)
    if analyzer is not None and analyzer.mode == analyse.mode:
        analyse.analyzer = analyzer
    blocks: list[tuple[str, object]] = []
    if params.words == "lemma":
        blocks.append(("words", lemma_block(params.word_ngrams, params.word_min_df, params.stop_words)))
    elif params.words != "none":
        raise ModelError(f"Unknown word features {params.words!r}; choose 'lemma' or 'none'.")
    if params.char_ngrams:
        blocks.append(("chars", char_block(params.char_ngrams, params.char_max_features)))
    if params.vectors > 0:
        blocks.append(("vectors", MeanVectors(params.vectors)))
    return analyse, feature_union(blocks)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Standard output and error sent to /dev/null at the file-descriptor level: omikuji's Rust code logs every
    training, save and load step to standard output and draws progress bars on standard error, which would
    corrupt a command's JSON output. (Process-wide: another thread's prints are lost for these few moments.)"""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def write_dataset(path: Path, rows, labels: Sequence[Sequence[int]], n_labels: int) -> None:
    """Write CSR rows and label index lists in omikuji's (extreme classification repository) text format."""
    rows = rows.tocsr()
    with path.open("w", encoding="ascii") as out:
        out.write(f"{rows.shape[0]} {rows.shape[1]} {n_labels}\n")
        for i in range(rows.shape[0]):
            start, end = rows.indptr[i], rows.indptr[i + 1]
            pairs = " ".join(f"{j}:{v:.6g}" for j, v in zip(rows.indices[start:end], rows.data[start:end], strict=True))
            out.write(",".join(map(str, labels[i])) + " " + pairs + "\n")


def model_files(model) -> dict[str, bytes]:
    """An omikuji model's saved directory as {relative path: bytes} (plain state to pickle)."""
    with tempfile.TemporaryDirectory(prefix="cvclassify-omikuji-") as tmp, silenced():
        model.save(tmp)
        root = Path(tmp)
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def model_from_files(files: Mapping[str, bytes]):
    """An omikuji model restored from ``model_files`` through a temporary directory."""
    omikuji = load_omikuji()
    with tempfile.TemporaryDirectory(prefix="cvclassify-omikuji-") as tmp:
        root = Path(tmp)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        with silenced():
            return omikuji.Model.load(tmp)


class OmikujiBackend(Backend):
    """The linear model's feature blocks into omikuji's partitioned label trees (Annif's defaults).

    ``analyzer`` shares one analysis cache between the fits of a training (each text analysed once). Omikuji
    has no sample weights: an example of weight w ≥ 1.5 is written ``round(w)`` times. No evidence words
    (``explain``, ``top_terms``: none; ``known_words``: every document, as the base class).
    """

    name = "omikuji"

    def __init__(self, params: ModelParams | None = None, *, analyzer: Analyzer | None = None,
                 hyper: Mapping[str, Any] | None = None, leaf_ids: Sequence[str] = ()) -> None:
        self.params = params or ModelParams()
        self.hyper = {**HYPER, **(hyper or {})}
        self.leaf_ids = list(leaf_ids)
        self.analyse: Analyse | None = None
        self.union = None
        self.files: dict[str, bytes] = {}
        self._analyzer = analyzer
        self._model = None
        self._pid = 0
        self._lock = threading.Lock()

    def fit(self, examples: Sequence[Example], tree: Taxonomy) -> OmikujiBackend:
        """Fit the feature blocks and omikuji's trees on the examples and the leaves' descriptions."""
        omikuji = load_omikuji()
        texts, labels, weights = training_documents(examples, tree, self.params)
        index = {leaf: j for j, leaf in enumerate(tree.leaf_ids)}
        analyse, union = build_features(self.params, self._analyzer)
        rows = union.fit_transform(analyse.transform(texts)).tocsr()
        copies = [max(1, round(w)) for w in weights]
        order = np.repeat(np.arange(len(texts)), copies)
        hyper = omikuji.Model.default_hyper_param()
        for key, value in self.hyper.items():
            setattr(hyper, key, value)
        with tempfile.TemporaryDirectory(prefix="cvclassify-omikuji-") as tmp:
            path = Path(tmp) / "train.txt"
            write_dataset(path, rows[order], [[index[c] for c in labels[i]] for i in order], len(index))
            with silenced():
                model = omikuji.Model.train_on_data(str(path), hyper,
                                                    n_threads=min(MAX_THREADS, max(1, self.params.n_jobs)))
        self.analyse, self.union, self.leaf_ids = analyse, union, list(tree.leaf_ids)
        self.files = model_files(model)
        self._model = None  # scored from the saved files, as once loaded (the loaded trees sum in another order)
        return self

    @property
    def model(self):
        """The omikuji model, loaded from its files once per process (a forked worker loads its own: omikuji's
        thread pool does not survive a fork)."""
        with self._lock:
            if self._model is None or self._pid != os.getpid():
                self._model = model_from_files(self.files)
                self._model.init_prediction_thread_pool(1)
                self._pid = os.getpid()
            return self._model

    def represent(self, documents: Sequence):
        """Feature rows (CSR) of texts or analyses."""
        if self.union is None:
            raise ModelError("The omikuji backend is not fitted: train the model first (`cvclassify train`).")
        return self.union.transform(self.analyse.transform(list(documents))).tocsr()

    def margins(self, represented) -> np.ndarray:
        """Logits of omikuji's scores (documents × leaves); leaves it does not return get ``logit(FLOOR)``."""
        model = self.model
        scores = np.full((represented.shape[0], len(self.leaf_ids)), FLOOR)
        top = len(self.leaf_ids)
        for i in range(represented.shape[0]):
            start, end = represented.indptr[i], represented.indptr[i + 1]
            pairs = list(zip(represented.indices[start:end].tolist(), represented.data[start:end].tolist(),
                             strict=True))
            for label, score in model.predict(pairs, beam_size=BEAM_SIZE, top_k=top):
                scores[i, label] = score
        scores = np.clip(scores, FLOOR, 1 - FLOOR)
        return np.log(scores / (1 - scores))

    def describe(self) -> dict[str, Any]:
        """The backend's name, feature parameters, omikuji's hyperparameters and what its margins are."""
        return {"name": self.name, "params": asdict(self.params), "hyperparameters": dict(self.hyper),
                "beam_size": BEAM_SIZE, "features": int(getattr(self.model, "n_features", 0)) if self.files else 0,
                "margins": f"logit of omikuji's score, clipped to [{FLOOR}, 1 - {FLOOR}]; leaves not returned "
                           f"get logit({FLOOR})"}

    def __getstate__(self) -> dict:
        return {"params": self.params, "hyper": self.hyper, "leaf_ids": self.leaf_ids, "analyse": self.analyse,
                "union": self.union, "files": self.files}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["params"], hyper=state["hyper"], leaf_ids=state["leaf_ids"])
        self.analyse, self.union, self.files = state["analyse"], state["union"], state["files"]

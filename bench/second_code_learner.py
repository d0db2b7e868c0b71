"""A second-code learner (bench only): whether to tick the codes ranked 2 to 5 beside the first, learnt out of fold.

Measured by ``bench/second_codes.py`` (results in ``bench/results/second_codes.md``); not part of the product: on
writers the decision layer never read it gained at most a point or two of ticked recall at equal precision, within
noise, so ``cvclassify.model.decision`` keeps its two thresholds.

An application that serves two objectives carries a second code whose score is often well below the first
one's: a single threshold on calibrated scores (``Decider.other``) either misses it or ticks wrong runners-up.
The learner judges each candidate (ranks 2 to 5) with a logistic regression on:

- its calibrated score (log-odds) and its gap to the first code's, and the first code's;
- its rank (2, 3, or 4-5);
- whether it shares the first code's objective, or its axis;
- how often the training labels carry it beside the first code (``P(candidate | first)``, smoothed towards
  its overall rate), the same at the level of objectives, and how often the first code has any companion;
- how many codes of other objectives than the first's score high (a text about two things);
- how often the candidate code, and the pair (first code's objective, candidate's objective), was right when
  ranked 2 to 5 in the training documents (smoothed towards the overall rate);
- optionally the text's length (long application files carry two codes far more often than titles).

Every table is fitted on out-of-fold scores; a training row sees counts without its own document, or without
its whole writer (``groups``), so that a pair seen only in the document itself does not look like a habit.
Plain arrays only (a ``Decider`` could hold it and still pickle as plain data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CANDIDATES = 4
"""Candidates judged per document: ranks 2 to 5."""
SMOOTHING = 3.0
"""Pseudo-documents drawn towards a code's overall rate in ``P(candidate | first)``."""
HIGH = 0.3
"""A calibrated score at which a code of another objective counts as a second subject of the text."""
FEATURES = ("logit", "gap", "rank2", "rank3", "same_objective", "same_axis", "pair", "objective_pair",
            "companion", "others_high", "first_logit", "words", "code_hits", "objective_pair_hits")


@dataclass
class SecondCodes:
    """The fitted second-code learner: co-occurrence tables, logistic weights and the ticking threshold."""

    objective_of: np.ndarray
    """Per code, the index of its objective."""
    axis_of: np.ndarray
    """Per code, the index of its axis."""
    pair: np.ndarray
    """Codes × codes: documents carrying both (symmetric; the diagonal counts documents carrying the code)."""
    objective_pair: np.ndarray
    """Objectives × objectives: the same, at the level of objectives."""
    companion: np.ndarray
    """Per code, the documents carrying it with at least one other code."""
    documents: int
    coef: tuple[float, ...]
    """Weights of ``FEATURES``, then the intercept."""
    threshold: float
    """A candidate is ticked when its probability reaches it."""
    typical_length: float = 0.0
    """Median log(1 + words) of the training texts, for callers that do not give the lengths."""
    seen: np.ndarray | None = None
    """Per code, how often it ranked 2 to 5 in the training documents."""
    hits: np.ndarray | None = None
    """Per code, how often it was right when it ranked 2 to 5."""
    objective_seen: np.ndarray | None = None
    """First code's objective × candidate's objective: candidates ranked 2 to 5."""
    objective_hits: np.ndarray | None = None
    """The same, right ones."""

    def probabilities(self, scores: np.ndarray, words: np.ndarray | None = None,
                      extra: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Candidates' code indices (documents × 4, ranks 2 to 5) and their probabilities of being right, for
        texts ``words`` long."""
        features, candidates = candidate_features(self, scores, words, extra=extra)
        p = _logistic(self.coef, features.reshape(-1, features.shape[-1])).reshape(candidates.shape)
        return candidates, p


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _logistic(coef: tuple[float, ...], features: np.ndarray) -> np.ndarray:
    weights, intercept = np.asarray(coef[:-1]), coef[-1]
    return 1.0 / (1.0 + np.exp(-(features @ weights + intercept)))


def _smoothed(both: np.ndarray, given: np.ndarray, rate: np.ndarray) -> np.ndarray:
    return np.log((np.maximum(both, 0) + SMOOTHING * rate) / (np.maximum(given, 0) + SMOOTHING))


def candidate_features(tables: SecondCodes, scores: np.ndarray, words: np.ndarray | None,
                       y: np.ndarray | None = None,
                       extra: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Features (documents × candidates × ``FEATURES``) of the codes ranked 2 to 5 of calibrated ``scores``,
    and the candidates' code indices. With the gold ``y`` of the documents (training rows), the counts leave
    each document's own labels out."""
    n, n_codes = scores.shape
    k = min(CANDIDATES, max(0, n_codes - 1))
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k + 1]
    rows = np.arange(n)[:, None]
    ranked = scores[rows, order]
    first, candidates = order[:, 0], order[:, 1:]
    logit = _logit(ranked)
    obj, axis = tables.objective_of, tables.axis_of
    pair_both = tables.pair[first[:, None], candidates].astype(float)
    first_count = tables.pair[first, first].astype(float)[:, None] * np.ones((1, k))
    obj_first, obj_cand = obj[first][:, None], obj[candidates]
    obj_both = tables.objective_pair[obj_first, obj_cand].astype(float)
    obj_count = tables.objective_pair[obj[first], obj[first]].astype(float)[:, None] * np.ones((1, k))
    companion = tables.companion[first].astype(float)
    documents = np.full(n, float(tables.documents))
    if y is not None:  # leave one out: the document's own labels are not evidence about it
        yb = y.astype(bool)
        has_first = yb[np.arange(n), first]
        has_cand = yb[rows, candidates]
        pair_both -= has_first[:, None] & has_cand
        first_count -= has_first[:, None]
        n_obj = int(obj.max()) + 1
        doc_obj = np.zeros((n, n_obj), dtype=bool)
        for code in range(n_codes):
            doc_obj[:, obj[code]] |= yb[:, code]
        obj_has_first = doc_obj[np.arange(n), obj[first]]
        obj_both -= obj_has_first[:, None] & doc_obj[rows, obj_cand]
        obj_count -= obj_has_first[:, None]
        companion -= has_first & (yb.sum(axis=1) > 1)
        documents -= 1
    diag = np.diag(tables.pair).astype(float)
    rate = (diag[candidates] + 1.0) / (float(tables.documents) + n_codes)
    obj_diag = np.diag(tables.objective_pair).astype(float)
    obj_rate = (obj_diag[obj_cand] + 1.0) / (float(tables.documents) + len(obj_diag))
    with_companion = (np.maximum(companion, 0) + SMOOTHING * 0.3) / (np.maximum(first_count[:, 0], 0) + SMOOTHING)
    other_objective = obj[order] != obj[first][:, None]
    others_high = ((ranked >= HIGH) & other_objective).sum(axis=1).astype(float)
    seen, hits = tables.seen[candidates].astype(float), tables.hits[candidates].astype(float)
    o_seen = tables.objective_seen[obj_first, obj_cand].astype(float)
    o_hits = tables.objective_hits[obj_first, obj_cand].astype(float)
    if y is not None:
        right = y[rows, candidates].astype(float)
        seen, hits, o_seen, o_hits = seen - 1, hits - right, o_seen - 1, o_hits - right
    overall = (tables.hits.sum() + 1.0) / (tables.seen.sum() + 2.0)
    rank = np.arange(1, k + 1)[None, :] * np.ones((n, 1))
    features = np.stack([
        logit[:, 1:],
        logit[:, :1] - logit[:, 1:],
        (rank == 1).astype(float),
        (rank == 2).astype(float),
        (obj_cand == obj_first).astype(float),
        (axis[candidates] == axis[first][:, None]).astype(float),
        _smoothed(pair_both, first_count, rate),
        _smoothed(obj_both, obj_count, obj_rate),
        np.log(with_companion)[:, None] * np.ones((1, k)),
        others_high[:, None] * np.ones((1, k)),
        logit[:, :1] * np.ones((1, k)),
        _length(tables, words, n)[:, None] * np.ones((1, k)),
        _smoothed(hits, seen, overall),
        _smoothed(o_hits, o_seen, overall),
        *[np.asarray(e)[rows, candidates] for e in extra or ()],
    ], axis=2)
    return features, candidates


def _length(tables: SecondCodes, words: np.ndarray | None, n: int) -> np.ndarray:
    """log(1 + words) of each text; without lengths, the training texts' median (what a caller that does not
    know the lengths gets: the learner as if every text were of a usual length)."""
    if words is None:
        return np.full(n, tables.typical_length)
    return np.log1p(np.asarray(words, dtype=float))


def count_tables(y: np.ndarray, objective_of: np.ndarray, axis_of: np.ndarray, scores: np.ndarray) -> SecondCodes:
    """Co-occurrence counts of gold ``y`` (documents × codes), and how often each code (each pair of objectives)
    was right when ranked 2 to 5 by ``scores``; no weights yet."""
    yb = y.astype(int)
    objective_of = np.asarray(objective_of, dtype=int)
    n_obj = int(objective_of.max()) + 1 if len(objective_of) else 0
    doc_obj = np.zeros((len(y), n_obj), dtype=int)
    for code, o in enumerate(objective_of):
        doc_obj[:, o] |= yb[:, code]
    multi = yb.sum(axis=1) > 1
    n_codes = y.shape[1]
    k = min(CANDIDATES, max(0, n_codes - 1))
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k + 1]
    candidates, right = order[:, 1:], yb[np.arange(len(y))[:, None], order[:, 1:]]
    seen = np.bincount(candidates.ravel(), minlength=n_codes)
    hits = np.bincount(candidates.ravel(), weights=right.ravel(), minlength=n_codes)
    pairs = (objective_of[order[:, :1]] * n_obj + objective_of[candidates]).ravel()
    objective_seen = np.bincount(pairs, minlength=n_obj * n_obj).reshape(n_obj, n_obj)
    objective_hits = np.bincount(pairs, weights=right.ravel(), minlength=n_obj * n_obj).reshape(n_obj, n_obj)
    return SecondCodes(objective_of, np.asarray(axis_of, dtype=int), yb.T @ yb, doc_obj.T @ doc_obj,
                       yb[multi].sum(axis=0), len(y), (), 1.01, 0.0, seen, hits, objective_seen, objective_hits)


def _without(tables: SecondCodes, part: SecondCodes) -> SecondCodes:
    """The counts of ``tables`` without those of ``part`` (a subset of its documents)."""
    return SecondCodes(tables.objective_of, tables.axis_of, tables.pair - part.pair,
                       tables.objective_pair - part.objective_pair, tables.companion - part.companion,
                       tables.documents - part.documents, tables.coef, tables.threshold, tables.typical_length,
                       tables.seen - part.seen, tables.hits - part.hits, tables.objective_seen - part.objective_seen,
                       tables.objective_hits - part.objective_hits)


def fit_second_codes(scores: np.ndarray, y: np.ndarray, words: np.ndarray | None, objective_of: np.ndarray,
                     axis_of: np.ndarray, groups: np.ndarray | None = None, extra: list[np.ndarray] | None = None,
                     seed: int = 0) -> tuple[SecondCodes, np.ndarray, np.ndarray]:
    """The learner fitted on out-of-fold calibrated ``scores`` and gold ``y``; with the candidates' indices and
    their probabilities *out of fold* (five folds of documents), on which the ticking threshold is tuned. With
    ``groups`` (each document's writer), a training row's co-occurrence counts leave its whole writer out
    instead of the document alone."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, KFold

    tables = count_tables(y, objective_of, axis_of, scores)
    if words is not None:
        tables.typical_length = float(np.median(np.log1p(np.asarray(words, dtype=float))))
    if groups is None:
        features, candidates = candidate_features(tables, scores, words, y, extra)
    else:  # each writer's rows see the counts of the other writers only, as a new writer will
        groups = np.asarray(groups)
        k = min(CANDIDATES, max(0, scores.shape[1] - 1))
        features = np.zeros((len(y), k, len(FEATURES) + len(extra or ())))
        candidates = np.zeros((len(y), k), dtype=int)
        for group in np.unique(groups):
            rows = groups == group
            features[rows], candidates[rows] = candidate_features(
                _without(tables, count_tables(y[rows], objective_of, axis_of, scores[rows])), scores[rows],
                None if words is None else np.asarray(words)[rows], extra=[e[rows] for e in extra or ()])
    target = y[np.arange(len(y))[:, None], candidates].astype(int)
    flat, flat_target = features.reshape(-1, features.shape[-1]), target.ravel()
    mean, scale = flat.mean(axis=0), flat.std(axis=0) + 1e-9

    def fit(rows: np.ndarray) -> tuple[float, ...]:
        x, t = (flat[rows] - mean) / scale, flat_target[rows]
        if t.min() == t.max():
            return (*[0.0] * flat.shape[1], 10.0 if t[0] else -10.0)
        lr = LogisticRegression(C=1.0, max_iter=2000).fit(x, t)
        w = lr.coef_[0] / scale
        return (*[float(v) for v in w], float(lr.intercept_[0] - (lr.coef_[0] * mean / scale).sum()))

    k = candidates.shape[1]
    held = np.zeros(len(flat))
    if groups is not None and len(np.unique(groups)) >= 3:
        folds = GroupKFold(min(5, len(np.unique(groups)))).split(np.zeros(len(y)), groups=groups)
    else:
        folds = KFold(5, shuffle=True, random_state=seed).split(np.zeros(len(y)))
    for train_docs, test_docs in folds:
        train_rows = (train_docs[:, None] * k + np.arange(k)).ravel()
        test_rows = (test_docs[:, None] * k + np.arange(k)).ravel()
        held[test_rows] = _logistic(fit(train_rows), flat[test_rows])
    tables.coef = fit(np.arange(len(flat)))
    return tables, candidates, held.reshape(candidates.shape)


def select_with(scores: np.ndarray, first: float, second: SecondCodes | None, max_selected: int,
                words: np.ndarray | None = None, extra: list[np.ndarray] | None = None,
                candidates: np.ndarray | None = None,
                probabilities: np.ndarray | None = None, threshold: float | None = None) -> np.ndarray:
    """Ticked codes: the first when its calibrated score reaches ``first``; then the candidates whose
    probability reaches the learner's threshold, best first, up to ``max_selected`` codes in all."""
    n = scores.shape[0]
    selected = np.zeros(scores.shape, dtype=bool)
    if n == 0 or scores.shape[1] == 0:
        return selected
    order = np.argsort(-scores, axis=1, kind="stable")
    rows = np.arange(n)
    selected[rows, order[:, 0]] = scores[rows, order[:, 0]] >= first
    if max_selected < 2 or scores.shape[1] < 2:
        return selected
    if probabilities is None:
        candidates, probabilities = second.probabilities(scores, words, extra)
    cut = second.threshold if threshold is None else threshold
    best = np.argsort(-probabilities, axis=1, kind="stable")[:, :max_selected - 1]
    kept_p = probabilities[rows[:, None], best]
    kept_c = candidates[rows[:, None], best]
    tick = (kept_p >= cut) & (scores[rows[:, None], kept_c] > 0)  # never a code the caller excluded
    selected[rows[:, None].repeat(best.shape[1], 1)[tick], kept_c[tick]] = True
    return selected


THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.025), 3)


def tune_second(scores: np.ndarray, y: np.ndarray, candidates: np.ndarray, probabilities: np.ndarray,
                max_selected: int, target: float) -> tuple[float, float, bool]:
    """Thresholds (first code's calibrated score, candidates' probability) with the best recall of ticked codes
    at precision ≥ ``target`` on out-of-fold ``probabilities``; when none reaches it, the best F1. Also
    whether the target was met."""
    n = len(y)
    rows = np.arange(n)
    first_code = np.argmax(scores, axis=1)
    first_score, first_hit = scores[rows, first_code], y[rows, first_code].astype(bool)
    best = np.argsort(-probabilities, axis=1, kind="stable")[:, :max(0, max_selected - 1)]
    kept_p = probabilities[rows[:, None], best]
    kept_hit = y[rows[:, None], candidates[rows[:, None], best]].astype(bool)
    n_gold = max(1.0, float(y.sum()))
    chosen, chosen_f1 = None, None
    for cut in THRESHOLDS:
        tick = kept_p >= cut
        tp2, n2 = float((tick & kept_hit).sum()), float(tick.sum())
        for first in THRESHOLDS:
            keep = first_score >= first
            tp, n_sel = tp2 + float((keep & first_hit).sum()), n2 + float(keep.sum())
            precision, recall = (tp / n_sel if n_sel else 0.0), tp / n_gold
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            candidate = (float(first), float(cut), precision, recall, f1)
            if precision >= target and (chosen is None or recall > chosen[3]):
                chosen = candidate
            if chosen_f1 is None or f1 > chosen_f1[4]:
                chosen_f1 = candidate
    pick = chosen or chosen_f1
    return pick[0], pick[1], chosen is not None

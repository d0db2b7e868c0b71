"""What a model's scores mean to an officer: calibrated scores per rank, the codes to tick, and a
decision per application (``auto``, ``review`` or ``objective``).

Everything here is fitted on out-of-fold scores (``cvclassify.training``), never on the data a model
was fitted on:

- **scores per rank**: a code's Platt score is mapped to the observed share of right codes *at its
  rank* (isotonic regression per rank: first, second, third to fifth), because a 0.8 in first place
  and a 0.8 in third place are not right equally often. Order is kept.
- **selection**: the first code is ticked when its calibrated score reaches ``first``, the next ones
  when theirs reaches ``other`` (at most ``max_selected``), thresholds chosen for the precision target.
- **decision**: the confidence that the *ticked set* is exactly right (no code missing, none extra) is a
  logistic regression on the calibrated scores of the first three codes, how far the second and third are
  from the selection threshold, and the text's length; ``auto`` when it reaches the lowest threshold whose
  documents were, out of fold, exactly right ≥ 97 % of the time *and* right on their first code ≥ 97 %
  (so that a writer the fit never read still finds them exactly right at least 90 % of the time);
  else ``objective`` when the operational objective is sure enough (a confidence of the first objective,
  target 95 %) and it is the first code's own objective, else ``review``. Models fitted before this rule
  (no ``set_confidence``) judge the first code only, as they did.
- **no evidence**: a text without one word the model knows (``Backend.known_words``) gets no ticked code,
  a confidence of 0 and the route ``insufficient``, whatever its scores (which then only reflect the
  intercepts and character n-grams of unknown strings).

Training fits these on margins from folds that leave whole writers (corpus batches) out, on the documents
whose codes the fold's training shows (``cvclassify.training.out_of_fold_margins``), so that the promise is
measured on writers the fold never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cvclassify.labels import Route
from cvclassify.model.calibration import platt

TOP = 5
RANK_GROUPS = (0, 1, 2, 2, 2)
"""Calibration curve of each of the top five ranks: first, second, third to fifth share one."""
AUTO_PRECISION = 0.97
"""Share of ``auto`` documents whose first code is right."""
SET_PRECISION = 0.97
"""Share of ``auto`` documents whose ticked codes are exactly the right ones, out of fold. With calibration curves
fitted on every out-of-fold document (``training.fit_decision``) and each lexicon term a training example, 0.97
there gave 0.93 on writers the fit never read, 0.93 on their known codes and 0.91 on the worst batch, for 12 % of
applications in ``auto`` (bench/results/route_promise.md), the promise of the route; 0.95 gave 0.89, 0.89 and 0.64
for 17 %."""
OBJECTIVE_PRECISION = 0.95
SELECTION_PRECISION = 0.85
MIN_AUTO_SUPPORT = 30
SHORT_WORDS = 25
"""Texts under this many words (titles, export rows) have calibration curves of their own."""
MIN_BAND_DOCUMENTS = 150
ORDER_TRACE = 1e-3
"""Share of the Platt score kept in a calibrated score, so that calibrated scores never tie."""
ROUTES = tuple(str(r) for r in Route)


@dataclass
class Assessment:
    """Per document: calibrated scores (documents × codes), ticked codes, confidence and route."""

    scores: np.ndarray
    selected: np.ndarray
    confidence: np.ndarray
    route: list[str]
    objective: np.ndarray
    """Index of the most likely objective (group of the roll-up) of each document."""
    objective_confidence: np.ndarray
    grounded: np.ndarray | None = None
    """Whether each text has a word the model knows (None: all have); the others are ``insufficient``."""


def without_evidence(judged: Assessment, grounded: np.ndarray | None) -> Assessment:
    """The one no-evidence rule: texts without a known word (``grounded`` False) get no ticked code, a
    confidence of 0 and, when the model routes, the route ``insufficient``; their scores stay as they are."""
    if grounded is None:
        return judged
    grounded = np.asarray(grounded, dtype=bool)
    judged.grounded = grounded
    if grounded.all():
        return judged
    judged.selected = judged.selected.copy()
    judged.selected[~grounded] = False
    judged.confidence = np.where(grounded, judged.confidence, 0.0)
    if judged.route:
        judged.route = [r if g else Route.INSUFFICIENT for r, g in zip(judged.route, grounded, strict=True)]
    return judged


@dataclass
class Decider:
    """The fitted calibration, selection and decision rules of a model (plain arrays: safe to pickle)."""

    curves: list[tuple[np.ndarray, np.ndarray]]
    first: float
    other: float
    max_selected: int
    confidence: tuple[float, ...]
    auto_threshold: float
    objective_confidence: tuple[float, ...]
    objective_threshold: float
    fitted_on: dict = field(default_factory=dict)
    """Out-of-fold figures of the fit (shares, precisions), for the model card."""
    short_curves: list[tuple[np.ndarray, np.ndarray]] | None = None
    """Curves of short texts (fewer than ``SHORT_WORDS`` words: titles, export rows), which are right
    less often than pages at the same score; None when too few short texts were seen."""
    set_confidence: tuple[float, ...] | None = None
    """Logistic weights of the confidence that the ticked set is exactly right; ``auto_threshold`` applies
    to it. None in models fitted before it: their threshold applies to the first code's confidence."""

    # -- applying ------------------------------------------------------------------------------
    def calibrate(self, base: np.ndarray, words: np.ndarray | None = None) -> np.ndarray:
        """Calibrated scores of Platt scores (documents × codes); each row keeps its order. With the
        texts' lengths in ``words``, short texts use their own curves."""
        return calibrate(base, self.curves, getattr(self, "short_curves", None), words)

    def assess(self, base: np.ndarray, objective_scores: np.ndarray, words: np.ndarray,
               parents: np.ndarray | None = None) -> Assessment:
        """Calibrated scores, selection and decision of Platt scores; ``objective_scores`` are the
        roll-up of ``base`` to operational objectives (documents × objectives), ``words`` the length of
        each text in words (a one-line title is less sure than a page at the same score). With ``parents``
        (each code's objective, as a column of ``objective_scores``), the route ``objective`` is given only
        when the sure objective is the first code's own: an objective hint never contradicts the codes."""
        scores = self.calibrate(base, words)
        selected = self.select(scores)
        set_coef = getattr(self, "set_confidence", None)
        if set_coef is None:
            confidence = _logistic(self.confidence, _decision_features(base, words))
        else:
            confidence = _set_confidence(set_coef, scores, base, words, self.other, selected)
        objective_confidence = _logistic(self.objective_confidence, _decision_features(objective_scores, words))
        objective = np.argmax(objective_scores, axis=1)
        agrees = np.ones(len(base), dtype=bool)
        if parents is not None and base.shape[1]:
            agrees = np.asarray(parents)[np.argmax(scores, axis=1)] == objective
        route = [_route(c, o if a else 0.0, self.auto_threshold, self.objective_threshold)
                 for c, o, a in zip(confidence, objective_confidence, agrees, strict=True)]
        return Assessment(scores, selected, confidence, route, objective, objective_confidence)

    def select(self, scores: np.ndarray) -> np.ndarray:
        """Ticked codes of calibrated scores: the first above ``first``, the next above ``other``."""
        return _select(scores, self.first, self.other, self.max_selected)

    def to_dict(self) -> dict:
        """The fitted thresholds and their out-of-fold figures, for the model card."""
        return {"first": self.first, "other": self.other, "max_selected": self.max_selected,
                "auto_threshold": self.auto_threshold, "objective_threshold": self.objective_threshold,
                **self.fitted_on}


def calibrate(base: np.ndarray, curves: list[tuple[np.ndarray, np.ndarray]],
              short_curves: list[tuple[np.ndarray, np.ndarray]] | None = None,
              words: np.ndarray | None = None) -> np.ndarray:
    """Platt scores (documents × codes) mapped through the per-rank curves; each row keeps its order."""
    short = None
    if words is not None and short_curves:
        short = np.asarray(words) < SHORT_WORDS
    out = np.empty_like(base)
    order = np.argsort(-base, axis=1, kind="stable")
    rows = np.arange(base.shape[0])[:, None]
    ranked = base[rows, order]
    top = min(TOP, base.shape[1])
    calibrated = np.empty((base.shape[0], top))
    for r in range(top):
        xs, ys = curves[RANK_GROUPS[r]]
        curve = np.interp(ranked[:, r], xs, ys)
        if short is not None and short.any():
            sx, sy = short_curves[RANK_GROUPS[r]]
            curve[short] = np.interp(ranked[short, r], sx, sy)
        # a trace of the Platt score keeps codes apart where the curve is flat (often at 0)
        calibrated[:, r] = (1 - ORDER_TRACE) * curve + ORDER_TRACE * ranked[:, r]
    calibrated = np.minimum.accumulate(calibrated, axis=1)  # never above the rank before
    calibrated *= 1 - 1e-6 * np.arange(top)  # strictly below it, so that ties do not reorder codes
    tail = ranked[:, top:]
    if tail.shape[1]:
        last = ranked[:, top - 1:top]
        ratio = np.divide(calibrated[:, -1:], last, out=np.zeros_like(last), where=last > 0)
        tail = np.minimum(tail * ratio, calibrated[:, -1:] * (1 - 1e-6))
    out[rows, order] = np.clip(np.concatenate([calibrated, tail], axis=1), 0.0, 1.0)
    return out


def _route(confidence: float, objective: float, auto: float, objective_threshold: float) -> Route:
    if confidence >= auto:
        return Route.AUTO
    if objective >= objective_threshold:
        return Route.OBJECTIVE
    return Route.REVIEW


def _select(scores: np.ndarray, first: float, other: float, max_selected: int) -> np.ndarray:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :max_selected]
    rows = np.arange(scores.shape[0])[:, None]
    ranked = scores[rows, order]
    keep = np.zeros_like(ranked, dtype=bool)
    keep[:, 0] = ranked[:, 0] >= first
    if max_selected > 1:
        keep[:, 1:] = ranked[:, 1:] >= other
    selected = np.zeros(scores.shape, dtype=bool)
    selected[rows, order] = keep
    return selected


def _decision_features(scores: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Per row: log-odds of the best score, its margin over the second, and log(1 + words)."""
    top2 = -np.sort(-scores, axis=1)[:, :2] if scores.shape[1] > 1 else np.hstack([scores, scores * 0])
    p = np.clip(top2, 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p))
    return np.column_stack([logit[:, 0], logit[:, 0] - logit[:, 1], np.log1p(np.asarray(words, dtype=float))])


def _set_features(scores: np.ndarray, base: np.ndarray, words: np.ndarray, other: float) -> np.ndarray:
    """Per row: the first code's features (``_decision_features``), the log-odds of the calibrated scores of
    ranks 1 to 3, and how far ranks 2 and 3 are from the selection threshold (a second code just above or
    just below it is the usual way a ticked set is wrong)."""
    top = -np.sort(-scores, axis=1)[:, :3]
    if top.shape[1] < 3:
        top = np.hstack([top, np.zeros((len(top), 3 - top.shape[1]))])
    logit = _logit(top)
    cut = float(_logit(np.array([other]))[0])
    return np.column_stack([_decision_features(base, words), logit,
                            np.abs(logit[:, 1] - cut), np.abs(logit[:, 2] - cut)])


def _set_confidence(coef: tuple[float, ...], scores: np.ndarray, base: np.ndarray, words: np.ndarray,
                    other: float, selected: np.ndarray) -> np.ndarray:
    """The confidence that the ticked set is exactly right, never above the first code's calibrated score (a set
    is right only if its first code is) and 0 when nothing is ticked (every application serves some code)."""
    confidence = _logistic(coef, _set_features(scores, base, words, other))
    confidence = np.minimum(confidence, scores.max(axis=1))
    confidence[~selected.any(axis=1)] = 0.0
    return confidence


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _logistic(coef: tuple[float, ...], features: np.ndarray) -> np.ndarray:
    weights, intercept = np.asarray(coef[:-1]), coef[-1]
    return 1.0 / (1.0 + np.exp(-(features[:, :len(weights)] @ weights + intercept)))


# -- fitting ------------------------------------------------------------------------------------
def fit_decider(base: np.ndarray, y: np.ndarray, objective_scores: np.ndarray, objective_y: np.ndarray,
                words: np.ndarray, max_selected: int = 3, route_on: str = "set",
                calibrate_on: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Decider:
    """Fit every rule on out-of-fold Platt scores ``base`` (documents × codes) and gold ``y``, on their
    roll-up to objectives (``objective_scores``, ``objective_y``) and the texts' lengths in words.

    ``calibrate_on`` (Platt scores, gold, lengths) fits the calibration curves on other documents than the
    selection and the routes: every out-of-fold document, where the routes learn from those whose codes the fold
    knew (``cvclassify.training.fit_decision``).

    ``route_on="first"`` fits the earlier route, which judged the first code only (kept for
    bench/route_promise.py, which compares the two)."""
    from sklearn.isotonic import IsotonicRegression

    top = min(TOP, base.shape[1])
    curve_base, curve_y, curve_words = calibrate_on if calibrate_on is not None else (base, y, words)
    order = np.argsort(-curve_base, axis=1, kind="stable")[:, :top]
    rows = np.arange(curve_base.shape[0])[:, None]
    ranked, hits = curve_base[rows, order], curve_y[rows, order].astype(float)

    def curves_of(keep: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        found = []
        for group in sorted(set(RANK_GROUPS[:top])):
            ranks = [r for r in range(top) if RANK_GROUPS[r] == group]
            x, t = ranked[keep][:, ranks].ravel(), hits[keep][:, ranks].ravel()
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, t)
            found.append((np.asarray(iso.X_thresholds_, dtype=float), np.asarray(iso.y_thresholds_, dtype=float)))
        return found

    short = np.asarray(curve_words) < SHORT_WORDS
    enough = min(short.sum(), (~short).sum()) >= MIN_BAND_DOCUMENTS
    curves = curves_of(~short if enough else np.ones(len(curve_y), dtype=bool))
    short_curves = curves_of(short) if enough else None
    calibrated = calibrate(base, curves, short_curves, words)
    first, other, selection = tune_selection(calibrated, y, max_selected)

    first_right = y[np.arange(len(y)), np.argmax(base, axis=1)].astype(int)
    features = _decision_features(base, words)
    confidence_coef = _fit_logistic(features, first_right)
    selected = _select(calibrated, first, other, max_selected)
    set_right = (selected == y.astype(bool)).all(axis=1).astype(int)
    set_features = _set_features(calibrated, base, words, other)
    set_coef = _fit_logistic(set_features, set_right)
    if route_on == "set":
        confidence = _set_confidence(set_coef, calibrated, base, words, other, selected)
        auto_threshold, auto = precision_threshold(confidence, [(first_right, AUTO_PRECISION),
                                                                (set_right, SET_PRECISION)])
    else:
        set_coef = None
        confidence = _logistic(confidence_coef, features)
        auto_threshold, auto = precision_threshold(confidence, [(first_right, AUTO_PRECISION), (set_right, 0.0)])

    objective_right = objective_y[np.arange(len(objective_y)), np.argmax(objective_scores, axis=1)].astype(int)
    objective_features = _decision_features(objective_scores, words)
    objective_coef = _fit_logistic(objective_features, objective_right)
    objective_confidence = _logistic(objective_coef, objective_features)
    objective_threshold, _ = precision_threshold(objective_confidence, objective_right, OBJECTIVE_PRECISION)
    routes = [_route(c, o, auto_threshold, objective_threshold)
              for c, o in zip(confidence, objective_confidence, strict=True)]
    fitted_on = {
        "out_of_fold": {
            "documents": len(y), "selection": selection, "auto_share": round(auto["share"], 4),
            "auto_precision_at_1": round(auto["precision"][0], 4),
            "auto_exact_set": round(auto["precision"][1], 4),
            "exact_set": round(float(set_right.mean()), 4),
            "auto_promise": (f"first code right ≥ {AUTO_PRECISION:.0%} and ticked codes exactly right "
                             f"≥ {SET_PRECISION:.0%} of auto documents out of fold (≥ 90% on new writers: "
                             "bench/results/route_promise.md)") if route_on == "set" else
                            f"first code right ≥ {AUTO_PRECISION:.0%} of auto documents out of fold",
            "route_shares": {r: round(routes.count(r) / max(1, len(routes)), 4) for r in ROUTES},
        }
    }
    return Decider(curves, first, other, max_selected, confidence_coef, auto_threshold, objective_coef,
                   objective_threshold, fitted_on, short_curves, set_coef)


def _fit_logistic(features: np.ndarray, target: np.ndarray) -> tuple[float, ...]:
    """Weights of each feature, then the intercept."""
    from sklearn.linear_model import LogisticRegression

    if target.min() == target.max():
        return (*[0.0] * features.shape[1], 10.0 if target[0] else -10.0)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(features, target)
    return (*[float(w) for w in lr.coef_[0]], float(lr.intercept_[0]))


def precision_threshold(confidence: np.ndarray, right: np.ndarray | list[tuple[np.ndarray, float]],
                        target: float | None = None,
                        min_support: int = MIN_AUTO_SUPPORT) -> tuple[float, dict]:
    """The lowest confidence threshold whose documents at or above it are right at least ``target`` of
    the time (at least ``min_support`` of them); 1.01 (never) when none is.

    ``right`` may also be a list of (right, target) pairs that must all hold; ``precision`` is then a list.
    """
    pairs = [(right, target)] if target is not None else list(right)
    order = np.argsort(-confidence, kind="stable")
    counts = np.arange(1, len(order) + 1)
    ok_all = counts >= min_support
    for hits_of, goal in pairs:
        ok_all &= np.cumsum(np.asarray(hits_of)[order]) / counts >= goal
    ok = np.flatnonzero(ok_all)
    if ok.size == 0:
        zero = 0.0 if target is not None else [0.0] * len(pairs)
        return 1.01, {"share": 0.0, "precision": zero}
    k = int(ok.max())
    # documents tied with the last one kept are all in: move the cut to the next distinct value
    threshold = float(confidence[order[k]])
    kept = confidence >= threshold
    precisions = [float(np.asarray(h)[kept].mean()) for h, _ in pairs]
    return threshold, {"share": float(kept.mean()), "precision": precisions[0] if target is not None else precisions}


def selection_scores(selected: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Micro precision and recall of ticked codes, and codes ticked per document."""
    tp = float((selected & (y == 1)).sum())
    n_sel, n_gold = float(selected.sum()), float(y.sum())
    precision = tp / n_sel if n_sel else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "F1": round(f1, 4),
            "per_document": round(n_sel / max(1, len(y)), 3)}


THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.025), 3)


def tune_selection(scores: np.ndarray, y: np.ndarray, max_selected: int,
                   target: float = SELECTION_PRECISION) -> tuple[float, float, dict]:
    """Thresholds (first, other) with the best recall at precision ≥ ``target``; when no pair reaches
    it, the pair with the best F1."""
    order = np.argsort(-scores, axis=1, kind="stable")[:, :max_selected]
    rows = np.arange(scores.shape[0])[:, None]
    ranked, hits = scores[rows, order], y[rows, order].astype(bool)
    n_gold = max(1.0, float(y.sum()))
    best, best_f1 = None, None
    for first in THRESHOLDS:
        keep_first = ranked[:, 0] >= first
        tp_first, n_first = float((keep_first & hits[:, 0]).sum()), float(keep_first.sum())
        for other in THRESHOLDS:
            keep_other = ranked[:, 1:] >= other
            tp = tp_first + float((keep_other & hits[:, 1:]).sum())
            n_sel = n_first + float(keep_other.sum())
            precision, recall = (tp / n_sel if n_sel else 0.0), tp / n_gold
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            candidate = (float(first), float(other), precision, recall, f1)
            if precision >= target and (best is None or recall > best[3]):
                best = candidate
            if best_f1 is None or f1 > best_f1[4]:
                best_f1 = candidate
    chosen = best or best_f1
    metrics = selection_scores(_select(scores, chosen[0], chosen[1], max_selected), y)
    return chosen[0], chosen[1], {**metrics, "target_met": best is not None}


@dataclass
class DecisionLayer:
    """What turns any backend's margins into what an officer reads: Platt scores, then (with a fitted
    ``Decider``) per-rank calibrated scores, ticked codes, a confidence and a route.

    A model trained without out-of-fold decisions (``cv_folds`` 0, or ``decision`` off) keeps its Platt
    scores, ticks each code above its own threshold and gives no route.
    """

    platt: tuple[float, float]
    thresholds: np.ndarray
    decider: Decider | None = None

    def base(self, margins: np.ndarray) -> np.ndarray:
        """Platt scores of margins (one sigmoid shared by all codes)."""
        return platt(margins, self.platt)

    def calibrate(self, base: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Calibrated scores of Platt scores (documents × codes) of texts ``words`` long."""
        return self.decider.calibrate(base, words) if self.decider else base

    def select(self, scores: np.ndarray) -> np.ndarray:
        """The codes to tick (documents × codes) of calibrated scores."""
        return self.decider.select(scores) if self.decider else scores >= self.thresholds

    def assess(self, base: np.ndarray, objective_scores: np.ndarray, words: np.ndarray,
               grounded: np.ndarray | None = None, parents: np.ndarray | None = None) -> Assessment:
        """The assessment of Platt scores ``base``, given their roll-up to objectives and the texts' lengths;
        texts whose ``grounded`` is False have no known word (``without_evidence``), ``parents`` maps each code
        to its objective (``Decider.assess``)."""
        if self.decider is None:
            n = len(base)
            judged = Assessment(base, base >= self.thresholds, np.zeros(n), [], np.zeros(n, dtype=int), np.zeros(n))
        else:
            judged = self.decider.assess(base, objective_scores, words, parents)
        return without_evidence(judged, grounded)

    def card(self) -> dict:
        """What the model card records of the decision layer."""
        return self.decider.to_dict() if self.decider else {}

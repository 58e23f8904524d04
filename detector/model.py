"""The classifier: a paragraph-alone stage and a context stage over neighbours' out-of-fold scores.

Both are scikit-learn estimators (``__init__`` stores arguments, fitted attributes end in ``_``, ``fit`` returns
``self``, ``clone`` works). Input ``X`` is a pandas DataFrame with a ``doc_id`` and a ``text`` column whose rows
are paragraphs in document order; :meth:`ContextClassifier.predict_proba_docs` takes plain lists of paragraph
texts instead, for inference without pandas overhead.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from .features import (LAYOUT_FEATURES, QUESTION_COLUMN, QUESTION_FEATURES, SHORT_COLUMN, NgramAnalyzer,
                       context_feature_names, context_features, join_for_features, layout_matrix)
from .vectorize import NgramIndex

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The labels, in the column order of every probability matrix.
LABELS: tuple[str, ...] = ("reporting", "promotional", "boilerplate")


def _texts(X: pd.DataFrame | Sequence[str]) -> list[str]:
    pandas = sys.modules.get("pandas")  # a DataFrame implies pandas is imported; inference never imports it
    if pandas is not None and isinstance(X, pandas.DataFrame):
        return X["text"].tolist()
    return list(X)


def _label_codes(y: Sequence[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(LABELS)}
    return np.array([index[v] for v in y])


def _full_proba(clf: LogisticRegression | HistGradientBoostingClassifier, Z: np.ndarray | sp.spmatrix
                ) -> np.ndarray:
    """Probabilities in LABELS order, with zeros for labels the training data lacked."""
    return _in_label_order(clf.predict_proba(Z), clf.classes_)


# -- fast inference --------------------------------------------------------------------------------------------
# The same arithmetic as scikit-learn's ``TfidfVectorizer.transform`` and ``LogisticRegression.predict_proba``,
# from the fitted attributes, without the per-call input validation that dominates on one article. Scores equal
# the reference pipeline's to rounding (tests/test_speed.py checks 1e-9); anything the fast path does not know
# (another norm, binary counts, a one-vs-rest model) falls back to scikit-learn.

class _LinearScorer:
    """``coef_.T`` and ``intercept_`` of a fitted LogisticRegression, ready for ``X @ W + b`` and a softmax."""

    def __init__(self, clf: LogisticRegression) -> None:
        self.coef = clf.coef_  # identity check: a refit replaces the array, and so the cache
        self.weights = np.ascontiguousarray(clf.coef_.T, dtype=np.float64)
        self.intercept = np.asarray(clf.intercept_, dtype=np.float64)
        self.columns = np.asarray(clf.classes_, dtype=int)

    def proba(self, decision: np.ndarray) -> np.ndarray:
        """Probabilities in LABELS order from ``X @ weights`` (before the intercept)."""
        decision = decision + self.intercept
        if decision.shape[1] == 1:  # binary: sklearn's expit of the one decision column
            pos = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            proba = np.column_stack([1.0 - pos, pos])
        else:
            proba = _softmax(decision)
        return _in_label_order(proba, self.columns)


def _softmax(raw: np.ndarray) -> np.ndarray:
    """scikit-learn's softmax (``sklearn.utils.extmath.softmax``), the same operations in place on ``raw``."""
    raw -= raw.max(axis=1, keepdims=True)
    np.exp(raw, out=raw)
    raw /= raw.sum(axis=1, keepdims=True)
    return raw


def _in_label_order(proba: np.ndarray, columns: np.ndarray) -> np.ndarray:
    out = np.zeros((proba.shape[0], len(LABELS)))
    out[:, columns] = proba
    return out


class _ForestScorer:
    """A fitted multi-class HistGradientBoostingClassifier of trees with at most 8 leaves, scored with numpy.

    scikit-learn predicts tree by tree, at a fixed cost per tree that is most of the time on one article (80 rounds
    of three trees: 2-4 ms). Here every tree is scored at once, the QuickScorer way (Lucchese et al., SIGIR 2015):
    a tree's leaves, numbered left to right, are the bits of a byte; a split whose test fails (the value is above
    its threshold) rules out the leaves of its left subtree, and the leftmost leaf not ruled out is the one the row
    reaches. Per feature, the splits of all trees on it are sorted by threshold, and the bytes left after the first
    k of them have failed are tabled for every k: a row's bytes are the AND, over the features, of the table rows
    its values select (one ``searchsorted`` and one gather per feature), and a leaf value is looked up by tree and
    byte. The values are summed in scikit-learn's order (baseline, then tree by tree), so the probabilities are
    scikit-learn's to the bit, for one row as for a batch.
    """

    def __init__(self, clf: HistGradientBoostingClassifier) -> None:
        trees = _trees(clf)
        self.per_iteration = clf.n_trees_per_iteration_
        n = len(trees)
        leaf_values = np.zeros((n, 8))
        splits: list[list[tuple[float, int, int]]] = [[] for _ in range(clf.n_features_in_)]
        for t, tree in enumerate(trees):
            nodes = tree.nodes
            leaves = _leaves_below(nodes)
            for i, below in leaves.items():
                if nodes["is_leaf"][i]:
                    leaf_values[t, below[0]] = nodes["value"][i]
                else:
                    ruled_out = sum(1 << k for k in leaves[int(nodes["left"][i])])
                    splits[nodes["feature_idx"][i]].append((float(nodes["num_threshold"][i]), t, 0xFF ^ ruled_out))
        self.tables = []
        for f, items in enumerate(splits):
            if not items:
                continue
            items.sort(key=lambda split: split[0])
            left = np.full((len(items) + 1, n), 0xFF, dtype=np.uint8)  # bytes after the first k splits failed
            for k, (_, t, keep) in enumerate(items):
                left[k + 1] = left[k]
                left[k + 1, t] &= keep
            self.tables.append((f, np.array([split[0] for split in items]), left))
        leftmost = np.array([(b & -b).bit_length() - 1 for b in range(256)])
        leftmost[0] = 0  # never reached: a row always reaches a leaf
        self.values = leaf_values[:, leftmost].ravel()  # value of tree t for byte b at t * 256 + b
        self.offsets = (np.arange(n) * 256).astype(np.int32)
        self.baseline = np.asarray(clf._baseline_prediction, dtype=np.float64).ravel()
        self.columns = np.asarray(clf.classes_, dtype=int)

    @staticmethod
    def supports(clf: HistGradientBoostingClassifier) -> bool:
        """Whether the scorer reproduces ``clf``: several classes, numeric splits, at most 8 leaves a tree."""
        trees = _trees(clf)
        return (getattr(clf, "n_trees_per_iteration_", 1) > 1 and bool(trees)
                and all(not t.nodes["is_categorical"].any() and t.nodes["is_leaf"].sum() <= 8 for t in trees))

    def proba(self, X: np.ndarray) -> np.ndarray:
        """``clf.predict_proba(X)`` in LABELS order (``X`` without NaN: context features never are)."""
        n = X.shape[0]
        byte = np.full((n, self.offsets.size), 0xFF, dtype=np.uint8)
        for f, thresholds, left in self.tables:
            byte &= left[np.searchsorted(thresholds, X[:, f], side="left")]  # splits with threshold < value fail
        index = byte.astype(np.int32)
        index += self.offsets
        values = self.values.take(index)
        k = self.per_iteration
        if n < 64:  # one cumulative sum; on many rows the adds round by round are faster (same order, same sums)
            raw = np.concatenate([np.broadcast_to(self.baseline, (n, 1, k)), values.reshape(n, -1, k)], axis=1)
            raw = np.cumsum(raw, axis=1)[:, -1, :]
        else:
            raw = np.repeat(self.baseline[None, :], n, axis=0)
            for i in range(0, values.shape[1], k):
                raw += values[:, i:i + k]
        return _in_label_order(_softmax(raw), self.columns)


def _trees(clf: HistGradientBoostingClassifier) -> list[object]:
    """The fitted trees of ``clf``, round by round and class by class within a round (scikit-learn's order)."""
    return [tree for iteration in getattr(clf, "_predictors", []) for tree in iteration]


def _leaves_below(nodes: np.ndarray) -> dict[int, list[int]]:
    """Each node of a tree (scikit-learn's node records, root 0) with the leaves below it, numbered left to right."""
    below: dict[int, list[int]] = {}
    count = 0

    def walk(i: int) -> list[int]:
        nonlocal count
        if nodes["is_leaf"][i]:
            below[i] = [count]
            count += 1
        else:
            below[i] = walk(int(nodes["left"][i])) + walk(int(nodes["right"][i]))
        return below[i]

    walk(0)
    return below


# Keyed by the fitted estimator with the list of trees it had (a refit replaces the list, and so the cache).
_FORESTS: weakref.WeakKeyDictionary[HistGradientBoostingClassifier, tuple[object, _ForestScorer | None]] = (
    weakref.WeakKeyDictionary())


def _forest(clf: HistGradientBoostingClassifier) -> _ForestScorer | None:
    """The cached tree scorer of ``clf``, or None where it cannot reproduce ``clf.predict_proba``."""
    cached = _FORESTS.get(clf)
    if cached is None or cached[0] is not getattr(clf, "_predictors", None):
        cached = _FORESTS[clf] = (getattr(clf, "_predictors", None),
                                  _ForestScorer(clf) if _ForestScorer.supports(clf) else None)
    return cached[1]


# Keyed by the fitted estimator, so the cache is never pickled with it and goes away with it.
_SCORERS: weakref.WeakKeyDictionary[LogisticRegression, _LinearScorer] = weakref.WeakKeyDictionary()


def _scorer(clf: LogisticRegression) -> _LinearScorer | None:
    """The cached linear scorer of ``clf``, or None where its probabilities are not a plain softmax/expit."""
    cached = _SCORERS.get(clf)
    if cached is not None and cached.coef is clf.coef_:
        return cached
    multi = getattr(clf, "multi_class", "auto")  # gone from recent scikit-learn (multinomial unless binary)
    binary = len(clf.classes_) <= 2
    if multi not in ("auto", "deprecated", "ovr", "multinomial") or (multi == "multinomial" and binary) or (
            not binary and (multi == "ovr" or getattr(clf, "solver", "lbfgs") == "liblinear")):
        return None  # one-vs-rest over several classes, or a two-class softmax: scikit-learn's own arithmetic
    cached = _SCORERS[clf] = _LinearScorer(clf)
    return cached


def _fast_proba(clf: LogisticRegression | HistGradientBoostingClassifier, Z: np.ndarray | sp.spmatrix
                ) -> np.ndarray:
    """:func:`_full_proba` through the fast path where it applies."""
    if isinstance(clf, HistGradientBoostingClassifier):
        forest = _forest(clf)
        if forest is None or np.isnan(Z).any():
            return _full_proba(clf, Z)
        return forest.proba(Z)
    scorer = _scorer(clf)
    if scorer is None:
        return _full_proba(clf, Z)
    return scorer.proba(_dot(Z, scorer.weights))


def _dot(X: np.ndarray | sp.spmatrix, W: np.ndarray) -> np.ndarray:
    """``X @ W`` computed row by row in a fixed order, so a row's result does not depend on the other rows of a
    batch (BLAS picks kernels by matrix size, and their sums differ in the last bit)."""
    if sp.issparse(X):
        return np.asarray(X @ W, dtype=np.float64)  # CSR products already go row by row
    return np.einsum("ij,jk->ik", X, W)


_INDEXES: weakref.WeakKeyDictionary[TfidfVectorizer, NgramIndex] = weakref.WeakKeyDictionary()


def _ngram_index(vec: TfidfVectorizer) -> NgramIndex | None:
    """The cached batch index of a fitted vectorizer; None where it cannot reproduce ``vec.transform``."""
    index = _INDEXES.get(vec)
    if index is None or index.fitted_idf is not vec.idf_:
        if not NgramIndex.supports(vec):
            return None
        index = _INDEXES[vec] = NgramIndex(vec)
    return index


class ParagraphClassifier(ClassifierMixin, BaseEstimator):
    """Stage 1: a paragraph on its own — word uni/bigrams (tf-idf) plus layout features, logistic regression."""

    def __init__(self, C: float = 8.0, min_df: int = 2, ngram_max: int = 2, layout_weight: float = 3.0,
                 class_weight: str | dict | None = "balanced", max_iter: int = 3000, tol: float = 1e-3) -> None:
        self.C = C
        self.min_df = min_df
        self.ngram_max = ngram_max
        self.layout_weight = layout_weight
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.tol = tol

    def _layout(self, texts: list[str]) -> sp.csr_matrix:
        return sp.csr_matrix(layout_matrix(texts) * self.layout_weight)

    def _design(self, texts: list[str]) -> sp.csr_matrix:
        return sp.hstack([self.vectorizer_.transform(texts), self._layout(texts)], format="csr")

    def fit(self, X: pd.DataFrame | Sequence[str], y: Sequence[str]) -> ParagraphClassifier:
        texts = _texts(X)
        codes = _label_codes(y)
        min_df = self.min_df if len(texts) >= 10 * self.min_df else 1
        self.vectorizer_ = TfidfVectorizer(analyzer=NgramAnalyzer(self.ngram_max), min_df=min_df,
                                           sublinear_tf=True, dtype=np.float64)
        words = self.vectorizer_.fit_transform(texts)
        Z = sp.hstack([words, self._layout(texts)], format="csr")
        self.clf_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                       tol=self.tol)
        with threadpool_limits(limits=1, user_api="blas"):  # threads only add overhead at this size
            self.clf_.fit(Z, codes)
        self.classes_ = np.array(LABELS)
        return self

    def predict_proba(self, X: pd.DataFrame | Sequence[str]) -> np.ndarray:
        return self.predict_proba_layout(_texts(X))[0]

    def predict_proba_layout(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities of ``texts`` and their (unweighted) :func:`~detector.features.layout_matrix`."""
        if not texts:
            return np.zeros((0, len(LABELS))), np.zeros((0, len(LAYOUT_FEATURES)))
        scorer = _scorer(self.clf_)
        index = _ngram_index(self.vectorizer_) if scorer is not None else None
        if index is None or index.n_features + len(LAYOUT_FEATURES) != scorer.weights.shape[0]:
            return _full_proba(self.clf_, self._design(texts)), layout_matrix(texts)  # scikit-learn's own path
        joined = join_for_features(texts)  # one pass over the batch's text for both kinds of features
        layout = layout_matrix(texts, joined)
        n_words = index.n_features
        decision = _dot(index.transform(texts, joined), scorer.weights[:n_words])
        decision += _dot(layout * self.layout_weight, scorer.weights[n_words:])
        return scorer.proba(decision), layout

    def predict(self, X: pd.DataFrame | Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def feature_names(self) -> list[str]:
        """Names of the design-matrix columns (n-grams, then layout features)."""
        return [*self.vectorizer_.get_feature_names_out().tolist(), *(f"layout:{n}" for n in LAYOUT_FEATURES)]


def fold_assignment(doc_ids: Sequence[str], families: Sequence[str | None] | None, n_folds: int,
                    seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Fold of each row's article and of each row's template family (-1 where a row has no family).

    Articles and families are shuffled with ``seed`` and dealt round-robin, so the assignment depends only on the
    sets of ids, not on row order. A generated variant of an article (``doc#runon``) shares the article's fold.
    """
    from .runon import base_doc_id

    doc_ids = [base_doc_id(d) for d in doc_ids]  # generated variants stay in their article's fold
    rng = np.random.default_rng(seed)
    docs = sorted(set(doc_ids))
    doc_fold = dict(zip([docs[i] for i in rng.permutation(len(docs))], np.arange(len(docs)) % n_folds))
    families = [f if isinstance(f, str) and f else None for f in families] if families is not None else None
    fam_list = sorted({f for f in (families or []) if f})
    fam_fold = dict(zip([fam_list[i] for i in rng.permutation(len(fam_list))], np.arange(len(fam_list)) % n_folds))
    d = np.array([doc_fold[x] for x in doc_ids], dtype=int)
    f = np.array([fam_fold[x] if x else -1 for x in (families or [None] * len(doc_ids))], dtype=int)
    return d, f


def doc_slices(doc_ids: Sequence[str]) -> list[slice]:
    """Consecutive runs of equal ``doc_id``: one slice per document, in order."""
    out, start = [], 0
    for i in range(1, len(doc_ids) + 1):
        if i == len(doc_ids) or doc_ids[i] != doc_ids[start]:
            out.append(slice(start, i))
            start = i
    return out


#: Settings of the context stage's gradient-boosted trees (``context_model="boosting"``): small trees of at most 8
#: leaves of at least 300 units each, 80 rounds. Trees see what a linear model cannot: that a short line between
#: two boilerplate-looking neighbours is a credit, that a question next to a question is a teaser, that an
#: isolated unit is trusted on a high own score but not on a middling one. Against logistic regression,
#: cross-validated removal recall on unseen template families rose from 0.63 to 0.73 (reporting loss 0.53 % ->
#: 0.57 %, the threshold chosen for 0.5 % on first and second cleaning passes together).
BOOSTING: dict[str, Any] = {"max_iter": 80, "learning_rate": 0.1, "max_leaf_nodes": 8, "min_samples_leaf": 300,
                            "l2_regularization": 1.0, "early_stopping": False}


class ContextClassifier(ClassifierMixin, BaseEstimator):
    """Stage 2: re-scores each paragraph from its own and its neighbours' stage-1 scores and its position.

    Trained on out-of-fold stage-1 scores: a paragraph's score comes from a stage-1 model that saw neither it,
    nor (for reporting) its article, nor (for non-reporting) its template family, so the context stage learns
    from scores as uncertain as those on unseen text. With ``seen_scores`` (and families given) it also learns
    from scores of a stage 1 that held out only the article, as on a known publisher's template: without them a
    template the context stage has only seen scored as unseen (low) is pulled down when its score is high.
    ``use_context=False`` gives the paragraph-alone model.
    """

    def __init__(self, paragraph: ParagraphClassifier | None = None, C: float = 1.0, n_folds: int = 5,
                 use_context: bool = True, augment: bool = True, class_weight: str | dict | None = None,
                 position: bool = False, seen_scores: bool = True, random_state: int = 0,
                 context_model: str = "boosting") -> None:
        self.paragraph = paragraph
        self.context_model = context_model
        self.C = C
        self.n_folds = n_folds
        self.use_context = use_context
        self.augment = augment
        self.class_weight = class_weight
        self.position = position
        self.seen_scores = seen_scores
        self.random_state = random_state

    def _stage1(self) -> ParagraphClassifier:
        return clone(self.paragraph) if self.paragraph is not None else ParagraphClassifier()

    def fit(self, X: pd.DataFrame, y: Sequence[str], families: Sequence[str | None] | None = None
            ) -> ContextClassifier:
        """Fit on paragraphs in document order; ``X`` has ``doc_id`` and ``text`` columns."""
        texts = _texts(X)
        doc_ids = X["doc_id"].tolist()
        y = list(y)
        self.classes_ = np.array(LABELS)
        self.paragraph_ = self._stage1().fit(texts, y)
        if not self.use_context:
            self.context_ = None
            return self
        codes = _label_codes(y)
        self.context_features_ = tuple(context_feature_names(self.position))
        oof = self._oof_stage1(texts, y, doc_ids, families)
        Z, labels = self._context_training_set(oof, texts, doc_ids, codes)
        if self.seen_scores and families is not None and any(isinstance(f, str) and f for f in families):
            seen = self._oof_stage1(texts, y, doc_ids, None)  # articles held out, their templates not
            Z2, labels2 = self._context_training_set(seen, texts, doc_ids, codes)
            Z, labels = np.vstack([Z, Z2]), np.concatenate([labels, labels2])
        self.context_ = self._context_estimator()
        with threadpool_limits(limits=1):  # threads only add overhead at this size (and cross-validation runs folds
            self.context_.fit(Z, labels)  # side by side)
        return self

    def _context_estimator(self) -> LogisticRegression | HistGradientBoostingClassifier:
        if self.context_model == "logistic":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000)
        if self.context_model == "boosting":
            return HistGradientBoostingClassifier(**BOOSTING, class_weight=self.class_weight,
                                                  random_state=self.random_state)
        raise ValueError(f"context_model must be 'boosting' or 'logistic', got {self.context_model!r}")

    def _context_training_set(self, probs: np.ndarray, texts: list[str], doc_ids: list[str], codes: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray]:
        """Context features of every article, plus (``augment``) variants a cleaner meets on later passes.

        The variants are each article with its non-reporting paragraphs already cut out, and single paragraphs
        taken on their own: without them the context stage learns "last paragraph, so an ad" from position alone
        and would eat a clean article from its end.
        """
        layout = layout_matrix(texts)
        rng = np.random.default_rng(self.random_state)
        parts, labels = [], []
        for s in doc_slices(doc_ids):
            p, lay, c = probs[s], layout[s], codes[s]
            parts.append(self.context_matrix(p, lay))
            labels.append(c)
            if not self.augment:
                continue
            rep = c == 0
            if rep.any() and not rep.all():
                parts.append(self.context_matrix(p[rep], lay[rep]))
                labels.append(c[rep])
            i = int(rng.integers(len(c)))
            parts.append(self.context_matrix(p[i:i + 1], lay[i:i + 1]))
            labels.append(c[i:i + 1])
        return np.vstack(parts), np.concatenate(labels)

    def context_feature_names(self) -> list[str]:
        """Names of the context stage's input columns: :func:`~detector.features.context_feature_names`, less the
        question features for a model trained before they existed."""
        names = getattr(self, "context_features_", None)
        if names is None:
            return [n for n in context_feature_names(self.position) if n not in QUESTION_FEATURES]
        return list(names)

    def context_matrix(self, probs: np.ndarray, layout: np.ndarray, lengths: Sequence[int] | None = None
                       ) -> np.ndarray:
        """The context stage's input for units with stage-1 ``probs`` and :func:`~detector.features.layout_matrix`
        rows ``layout`` (``lengths``: units per document, when there are several)."""
        Z = context_features(probs, layout[:, SHORT_COLUMN], question=layout[:, QUESTION_COLUMN],
                             position=self.position, lengths=lengths)
        names = context_feature_names(self.position)
        used = self.context_feature_names()
        return Z if used == names else Z[:, [names.index(n) for n in used]]

    def _oof_stage1(self, texts: list[str], y: list[str], doc_ids: list[str],
                    families: Sequence[str | None] | None) -> np.ndarray:
        n_docs = len(set(doc_ids))
        k = max(2, min(self.n_folds, n_docs))
        doc_fold, fam_fold = fold_assignment(doc_ids, families, k, self.random_state)
        own_fold = np.where(fam_fold >= 0, fam_fold, doc_fold)
        oof = np.zeros((len(texts), len(LABELS)))
        for fold in range(k):
            train = (doc_fold != fold) & (fam_fold != fold)
            rows = np.flatnonzero(own_fold == fold)
            if rows.size == 0:
                continue
            labels_present = {y[i] for i in np.flatnonzero(train)}
            if len(labels_present) < 2:
                oof[rows] = self.paragraph_.predict_proba([texts[i] for i in rows])
                continue
            model = self._stage1().fit([texts[i] for i in np.flatnonzero(train)],
                                       [y[i] for i in np.flatnonzero(train)])
            oof[rows] = model.predict_proba([texts[i] for i in rows])
        return oof

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities (columns in :data:`LABELS` order) for paragraphs in document order."""
        texts = _texts(X)
        doc_ids = X["doc_id"].tolist()
        docs = [texts[s] for s in doc_slices(doc_ids)]
        out = self.predict_proba_docs(docs)
        return np.vstack(out) if out else np.zeros((0, len(LABELS)))

    def predict_proba_docs(self, docs: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """One probability matrix per document, for documents given as lists of paragraph texts."""
        flat = [t for d in docs for t in d]
        if not flat:
            return [np.zeros((0, len(LABELS))) for _ in docs]
        p1, layout = self.paragraph_.predict_proba_layout(flat)
        bounds = np.cumsum([0, *(len(d) for d in docs)])
        if self.context_ is None:
            return [p1[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        Z = self.context_matrix(p1, layout, lengths=np.diff(bounds))
        p2 = _fast_proba(self.context_, Z)  # one matrix for every document: stage 2 is row-wise
        return [p2[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

"""Linear text classifiers over character n-grams, loaded without pickle.

A model is trained by ``scripts/train_classifier.py`` with scikit-learn (``TfidfVectorizer`` with
``analyzer="char_wb"`` and a ``LogisticRegression``) and saved as two plain files: a JSON header
(classes, n-gram range, temperature, abstain threshold, vocabulary) and an ``.npz`` of float
arrays (idf, coefficients, intercepts) read with ``allow_pickle=False``. Neither file can run
code when loaded, and loading needs numpy only: scikit-learn is not imported at run time (it
costs a second of start-up). ``tests/test_classify.py`` checks that this module's scores equal
scikit-learn's on the same model.

Confidence is calibrated by temperature scaling (one scalar fitted on cross-validated scores);
a prediction whose confidence is below the model's threshold is an abstention.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..lang.chars import fold_word
from ..resources import loaded, models_dir

__all__ = ["LinearTextModel", "Prediction", "char_wb_ngrams", "load_model"]


class Prediction(NamedTuple):
    """The best label and its calibrated probability; ``label`` is None when the model abstains
    (``best`` is then what it would have said)."""

    label: str | None
    confidence: float
    best: str


# a Prediction made from its fields without the NamedTuple's Python-level ``__new__`` (the same tuple)
_new_prediction: Callable[[type[Prediction], tuple[str | None, float, str]], Prediction] = tuple.__new__


def char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """The n-grams scikit-learn's ``analyzer="char_wb"`` produces (lower-cased, each word padded
    with a space): ``char_wb_ngrams("劳模", 1, 2) == [' ', '劳', '模', ' ', ' 劳', '劳模', '模 ']``."""
    return list(iter_char_wb_ngrams(text, lo, hi))


def iter_char_wb_ngrams(text: str, lo: int, hi: int) -> Iterator[str]:
    """:func:`char_wb_ngrams` one by one, as they are cut (the classifiers look each up at once)."""
    for word in text.lower().split():
        w = f" {word} "
        size = len(w)
        for n in range(lo, hi + 1):
            offset = 0
            yield w[offset:offset + n]
            while offset + n < size:
                offset += 1
                yield w[offset:offset + n]
            if offset == 0:  # the word is shorter than n: counted once
                break


def prepare(text: str) -> str:
    """What the classifier reads: the folded phrase (traditional → simplified, full-width → ASCII)."""
    return fold_word(text.strip())


@dataclass(slots=True)
class LinearTextModel:
    name: str
    classes: tuple[str, ...]
    ngram: tuple[int, int]
    vocabulary: dict[str, int]
    idf: Any  # float64[n_features]
    coef: Any  # float64[n_classes, n_features]
    intercept: Any  # float64[n_classes]
    temperature: float
    threshold: float
    meta: dict[str, Any]
    #: the model by n-gram as the scores read it, made on first use: row k is ``(idf[k], coef[0, k],
    #: …, coef[-1, k])`` (a phrase has a few dozen n-grams of the model's thousands: numpy's calls on
    #: them cost more than the arithmetic, which compiled is a few hundred multiplications; the rows
    #: of all the n-grams, made at load, cost 13 ms of start-up for the three models)
    rows: dict[int, tuple[float, ...]] = field(init=False, repr=False, compare=False, default_factory=dict)
    #: the intercepts as floats
    bias: list[float] = field(init=False, repr=False, compare=False, default_factory=list)

    def __post_init__(self) -> None:
        self.bias = [float(b) for b in self.intercept.tolist()]

    def row(self, k: int) -> tuple[float, ...]:
        """Row ``k`` of :attr:`rows`."""
        row = self.rows.get(k)
        if row is None:
            row = self.rows[k] = (float(self.idf[k]), *self.coef[:, k].tolist())
        return row

    def counts(self, text: str) -> dict[int, int]:
        """How often each n-gram of the model occurs in ``text``, by its index in the vocabulary
        (in the order first seen; the n-grams the model does not know are left out)."""
        vocab = self.vocabulary
        counts: dict[int, int] = {}
        lo, hi = self.ngram
        for g in iter_char_wb_ngrams(prepare(text), lo, hi):
            k = vocab.get(g)
            if k is not None:
                counts[k] = counts.get(k, 0) + 1
        return counts

    def features(self, text: str) -> tuple[Any, Any]:
        """The tf-idf vector of ``text`` as its nonzero entries: the n-grams' indexes in the
        vocabulary and their weights, raw counts × idf, L2-normalized (as TfidfVectorizer)."""
        import numpy as np

        counts = self.counts(text)
        index = np.fromiter(counts, dtype=np.intp, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) * self.idf[index]
        norm = float(np.sqrt(weights @ weights))
        return index, weights / norm if norm else weights

    def decision(self, text: str) -> list[float]:
        """The linear scores, one per class (LogisticRegression.decision_function): the columns
        of the n-grams the text has, weighted by the text's normalized tf-idf vector."""
        weighted: list[tuple[float, tuple[float, ...]]] = []
        for k, n in self.counts(text).items():
            row = self.row(k)
            weighted.append((n * row[0], row))
        norm2 = 0.0
        for w, _ in weighted:
            norm2 += w * w
        scale = 1.0 / math.sqrt(norm2) if norm2 else 1.0
        out: list[float] = []
        for c, bias in enumerate(self.bias, start=1):
            s = 0.0
            for w, row in weighted:
                s += w * row[c]
            out.append(s * scale + bias)
        return out

    def proba(self, text: str) -> list[float]:
        """Calibrated class probabilities (softmax of the scores over the temperature)."""
        t = self.temperature
        z = [x / t for x in self.decision(text)]
        top = max(z)
        e = [math.exp(x - top) for x in z]
        total = sum(e)
        return [x / total for x in e]

    def predict(self, text: str) -> Prediction:
        p = self.proba(text)
        k = p.index(max(p))  # the first of equal bests, as numpy's argmax
        best = self.classes[k]
        conf = p[k]
        return _new_prediction(Prediction, (best if conf >= self.threshold else None, conf, best))

    def save(self, folder: Path) -> None:
        """Write ``<name>.json`` and ``<name>.npz`` into ``folder`` (deterministic bytes)."""
        import numpy as np

        header = {
            "name": self.name,
            "format": "extractor.LinearTextModel/1",
            "classes": list(self.classes),
            "ngram": list(self.ngram),
            "temperature": round(self.temperature, 6),
            "threshold": round(self.threshold, 6),
            "meta": self.meta,
            "vocabulary": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
        }
        (folder / f"{self.name}.json").write_text(json.dumps(header, ensure_ascii=False, indent=1) + "\n", "utf-8")
        arrays = {"idf": self.idf.astype(np.float32), "coef": self.coef.astype(np.float32),
                  "intercept": self.intercept.astype(np.float32)}
        with open(folder / f"{self.name}.npz", "wb") as f:
            np.savez_compressed(f, **arrays)


def read_model(folder: Path, name: str) -> LinearTextModel:
    """Load a model saved by :meth:`LinearTextModel.save`; no pickle is allowed (numpy is
    imported here, when a classifier is first used, not with the package)."""
    import numpy as np

    header = json.loads((folder / f"{name}.json").read_text("utf-8"))
    if header.get("format") != "extractor.LinearTextModel/1":
        raise ValueError(f"{name}: not an extractor linear model")
    with np.load(folder / f"{name}.npz", allow_pickle=False) as z:
        idf = z["idf"].astype(np.float64)
        coef = z["coef"].astype(np.float64)
        intercept = z["intercept"].astype(np.float64)
    vocab = {g: i for i, g in enumerate(header["vocabulary"])}
    classes = tuple(header["classes"])
    if coef.shape != (len(classes), len(vocab)) or idf.shape != (len(vocab),):
        raise ValueError(f"{name}: arrays do not match the header")
    return LinearTextModel(name, classes, (int(header["ngram"][0]), int(header["ngram"][1])), vocab,
                           idf, coef, intercept, float(header["temperature"]), float(header["threshold"]),
                           dict(header.get("meta", {})))


@loaded(maxsize=8)
def load_model(name: str) -> LinearTextModel:
    """A model of the models folder (:func:`~extractor.resources.models_dir`) by name
    (``subject_group``, ``subject_fund``, ``doctype``), loaded once."""
    return read_model(models_dir(), name)

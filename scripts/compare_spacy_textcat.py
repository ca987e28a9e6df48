"""Would a spaCy ``textcat`` component beat the rules + scikit-learn classifier on subject phrases?

    python scripts/compare_spacy_textcat.py            # both kinds, every architecture (a few minutes)
    python scripts/compare_spacy_textcat.py --kind fund --arch bow2

For each kind (group, fund), a ``textcat`` (exclusive classes) is trained on the training phrases of
``scripts/train_classifier.py`` (taxonomy terms + corpus/labels/phrases_train.tsv), in a pipeline
``spacy.blank("zh")`` with our jieba tokenizer (``extractor.lang.nlp``); the phrases are folded as the
classifier folds them (``classify.prepare``). The learning rate, the number of epochs and the
abstain threshold (the lowest confidence at which answers are right 95% of the time) are chosen on
a stratified 20% split of the training phrases (never on the held-out file); the final model is
trained on all of them with that learning rate and number of epochs.
Random seeds are fixed. The trained pipelines stay in memory: nothing is written (models/ is not
touched).

Everything is scored on the never-seen held-out phrases (phrases_heldout.tsv minus the training
phrases, ``train_classifier.heldout_phrases``) against:

- production: ``categories.classify_phrase`` (coordination rules, taxonomy, generic words, then the
  scikit-learn classifier of models/; a null category is an abstention);
- sklearn: the classifier of models/ alone;
- tax→sklearn: ``TAXONOMY.match`` first, else the classifier — the same shape as tax→spaCy.

Columns: ``acc``/``F1`` always answer (the best label, the threshold ignored; production's null
falls back to the classifier's best); ``acc@t``/``F1@t`` are as deployed: an abstention is the
answer ``none`` (a class of its own: a phrase that names no category, a fifth of the group
phrases); ``answered`` and ``prec`` are the share answered at the threshold and the precision of
those answers. F1 is macro-F1 over the labels of the truth (as train_classifier.evaluate). The Δ
lines compare each tax→spaCy system with production and with tax→sklearn (the same shape, so the
difference is the learned component's alone), with paired bootstrap 95% intervals.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import spacy  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.training import Example  # noqa: E402
from thinc.api import fix_random_seed  # noqa: E402  (what spacy.util.fix_random_seed is)
from train_classifier import TARGET_PRECISION, heldout_phrases, phrase_data  # noqa: E402

from extractor.about.categories import classify_phrase  # noqa: E402
from extractor.about.classify import load_model, prepare  # noqa: E402
from extractor.about.taxonomy import TAXONOMY, Kind  # noqa: E402
from extractor.lang.nlp import get_nlp  # noqa: E402

SEED = 0
BATCH = 16
DROPOUT = 0.2
LEARN_RATES = (0.005, 0.02)  # Adam's; chosen on the validation split with the epochs (spaCy's default 0.001
# barely moves a bag of words in 25 epochs of a few hundred phrases)
HASH_ROWS = 65536  # of the bag-of-words tables (spaCy's default, 262144, makes each update 5x slower)
MAX_EPOCHS = 25
NONE = "none"
BOOTSTRAP = 2000

_TOK2VEC: dict[str, Any] = {
    "@architectures": "spacy.Tok2Vec.v2",
    "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 64, "rows": [2000, 2000, 500, 1000, 500],
              "attrs": ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"], "include_static_vectors": False},
    "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 64, "window_size": 1,
               "maxout_pieces": 3, "depth": 2},
}


def _bow(ngrams: int) -> dict[str, Any]:
    return {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": ngrams,
            "no_output_layer": False, "length": HASH_ROWS}


# name → textcat model config. The tok2vec is spaCy's default textcat one: hashed embeddings of
# each word's NORM, LOWER, PREFIX (first character), SUFFIX (last three) and SHAPE, then a CNN.
ARCHS: dict[str, dict[str, Any]] = {
    "bow1": _bow(1),  # words
    "bow2": _bow(2),  # words and word bigrams
    # spaCy's default textcat (the ensemble of the tok2vec with attention and a bag of words)
    "ensemble": {"@architectures": "spacy.TextCatEnsemble.v2", "tok2vec": _TOK2VEC, "linear_model": _bow(1)},
    # the CNN (spacy.TextCatReduce.v1, which replaces TextCatCNN.v2): tok2vec, mean and max pooled
    "cnn": {"@architectures": "spacy.TextCatReduce.v1", "exclusive_classes": True, "use_reduce_first": False,
            "use_reduce_last": False, "use_reduce_max": True, "use_reduce_mean": True, "tok2vec": _TOK2VEC},
}


@dataclass(frozen=True)
class Answers:
    """One system's output on a list of phrases: the label at its threshold (None: abstained) and
    the label it would give if forced to answer."""

    said: list[str | None]
    forced: list[str]


@dataclass(frozen=True)
class Trained:
    nlp: Language
    epochs: int
    learn_rate: float
    threshold: float
    val_f1: float
    seconds: float


def new_pipeline(labels: Sequence[str], model: dict[str, Any]) -> Language:
    """``spacy.blank("zh")`` with our jieba tokenizer and an exclusive ``textcat``."""
    nlp = spacy.blank("zh", config=get_nlp().config)
    textcat = nlp.add_pipe("textcat", config={"threshold": 0.0, "model": copy.deepcopy(model)})
    for label in labels:
        textcat.add_label(label)  # type: ignore[attr-defined]
    return nlp


def examples(nlp: Language, xs: Sequence[str], ys: Sequence[str], labels: Sequence[str]) -> list[Example]:
    return [Example.from_dict(nlp.make_doc(prepare(x)), {"cats": {c: float(c == y) for c in labels}})
            for x, y in zip(xs, ys, strict=True)]


def scores(nlp: Language, xs: Sequence[str]) -> list[tuple[str, float]]:
    """The best label of each phrase and its score."""
    out: list[tuple[str, float]] = []
    for doc in nlp.pipe(prepare(x) for x in xs):
        best = max(sorted(doc.cats), key=lambda c: doc.cats[c])
        out.append((best, float(doc.cats[best])))
    return out


def train(xs: Sequence[str], ys: Sequence[str], labels: Sequence[str], model: dict[str, Any], epochs: int,
          learn_rate: float, on_epoch: Callable[[int, Language], None] | None = None) -> Language:
    fix_random_seed(SEED)
    rng = random.Random(SEED)
    nlp = new_pipeline(labels, model)
    data = examples(nlp, xs, ys, labels)
    optimizer = nlp.initialize(lambda: data)
    optimizer.learn_rate = learn_rate
    for epoch in range(1, epochs + 1):
        rng.shuffle(data)
        for i in range(0, len(data), BATCH):
            nlp.update(data[i:i + BATCH], drop=DROPOUT, sgd=optimizer)
        if on_epoch is not None:
            on_epoch(epoch, nlp)
    return nlp


def macro_f1(truth: Sequence[str], said: Sequence[str]) -> float:
    """Macro-F1 over the labels of the truth (train_classifier.evaluate's)."""
    return float(f1_score(list(truth), list(said), labels=sorted(set(truth)), average="macro", zero_division=0))


def fast_macro_f1(truth: np.ndarray, said: np.ndarray) -> float:
    """``macro_f1`` on integer-coded labels, without scikit-learn's overhead (for the bootstrap)."""
    f1s = []
    for c in np.unique(truth):
        t, s = truth == c, said == c
        tp = int(np.sum(t & s))
        f1s.append(2 * tp / (int(t.sum()) + int(s.sum())))
    return float(np.mean(f1s))


def fast_accuracy(truth: np.ndarray, said: np.ndarray) -> float:
    return float(np.mean(truth == said))


def accuracy(truth: Sequence[str], said: Sequence[str]) -> float:
    return float(np.mean([a == b for a, b in zip(truth, said, strict=True)])) if truth else 0.0


def abstain_threshold(right: Sequence[bool], conf: Sequence[float]) -> float:
    """The lowest confidence at which the answers at or above it are right TARGET_PRECISION of the
    time (train_classifier.calibrate's rule); 1.0 when none is."""
    r = np.array(right, dtype=bool)
    c = np.array(conf)
    for th in sorted(set(np.round(c, 4).tolist())):
        keep = c >= th
        if keep.any() and r[keep].mean() >= TARGET_PRECISION:
            return float(th)
    return 1.0


def fit(xs: list[str], ys: list[str], model: dict[str, Any]) -> Trained:
    """Learning rate, epochs and threshold chosen on a stratified 20% split of the training
    phrases (best macro-F1, then accuracy, then fewest epochs), then trained on every phrase."""
    t0 = time.perf_counter()
    labels = sorted(set(ys))
    tr_x, va_x, tr_y, va_y = train_test_split(xs, ys, test_size=0.2, random_state=SEED, stratify=ys)
    best: dict[str, Any] = {"key": (-1.0, -1.0), "epoch": 1, "lr": LEARN_RATES[0], "val": []}
    for lr in LEARN_RATES:

        def validate(epoch: int, nlp: Language, lr: float = lr) -> None:
            val = scores(nlp, va_x)
            said = [b for b, _ in val]
            key = (macro_f1(va_y, said), accuracy(va_y, said))
            if key > best["key"]:
                best.update(key=key, epoch=epoch, lr=lr, val=val)

        train(tr_x, tr_y, labels, model, MAX_EPOCHS, lr, validate)
    val: list[tuple[str, float]] = best["val"]
    threshold = abstain_threshold([b == y for (b, _), y in zip(val, va_y, strict=True)], [c for _, c in val])
    nlp = train(xs, ys, labels, model, best["epoch"], best["lr"])
    return Trained(nlp, best["epoch"], best["lr"], threshold, best["key"][0], time.perf_counter() - t0)


def spacy_answers(t: Trained, xs: Sequence[str]) -> Answers:
    out = scores(t.nlp, xs)
    return Answers([b if c >= t.threshold else None for b, c in out], [b for b, _ in out])


def sklearn_answers(kind: Kind, xs: Sequence[str]) -> Answers:
    preds = [load_model(f"subject_{kind}").predict(x) for x in xs]
    return Answers([p.label for p in preds], [p.best for p in preds])


def production_answers(kind: Kind, xs: Sequence[str]) -> Answers:
    """classify_phrase; forced to answer, a null category falls back to the classifier's best."""
    said = [classify_phrase(x, kind)[0] for x in xs]
    best = sklearn_answers(kind, xs).forced
    return Answers(said, [s if s is not None else b for s, b in zip(said, best, strict=True)])


def taxonomy_first(kind: Kind, xs: Sequence[str], fallback: Answers) -> Answers:
    said: list[str | None] = []
    forced: list[str] = []
    for x, s, f in zip(xs, fallback.said, fallback.forced, strict=True):
        m = TAXONOMY.match(x, kind)
        said.append(m.category if m is not None else s)
        forced.append(m.category if m is not None else f)
    return Answers(said, forced)


def metrics(truth: Sequence[str], a: Answers) -> dict[str, float]:
    said = [s or NONE for s in a.said]
    answered = [(s, y) for s, y in zip(a.said, truth, strict=True) if s is not None]
    return {"acc": accuracy(truth, a.forced), "F1": macro_f1(truth, a.forced),
            "acc@t": accuracy(truth, said), "F1@t": macro_f1(truth, said),
            "answered": len(answered) / max(1, len(truth)),
            "prec": float(np.mean([s == y for s, y in answered])) if answered else 0.0}


def bootstrap_delta(truth: Sequence[str], a: Sequence[str], b: Sequence[str],
                    metric: Callable[[np.ndarray, np.ndarray], float]) -> tuple[float, float, float]:
    """metric(a) − metric(b) and a paired bootstrap 95% interval (phrases resampled)."""
    codes = {c: i for i, c in enumerate(sorted(set(truth) | set(a) | set(b)))}
    t, x, y = (np.array([codes[c] for c in seq]) for seq in (truth, a, b))
    rng = np.random.default_rng(SEED)
    diffs = []
    for _ in range(BOOTSTRAP):
        idx = rng.integers(0, len(t), len(t))
        diffs.append(metric(t[idx], x[idx]) - metric(t[idx], y[idx]))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return metric(t, x) - metric(t, y), float(lo), float(hi)


COLUMNS = ("acc", "F1", "acc@t", "F1@t", "answered", "prec")


def table(rows: Iterable[tuple[str, dict[str, float]]]) -> list[str]:
    lines = [f"  {'system':<22}" + "".join(f"{c:>9}" for c in COLUMNS)]
    for name, m in rows:
        lines.append(f"  {name:<22}" + "".join(f"{m[c]:>9.3f}" for c in COLUMNS))
    return lines


def compare(kind: Kind, archs: Sequence[str]) -> list[str]:
    xs, ys = phrase_data(kind)
    hx, hy = heldout_phrases(kind)
    hits = [i for i, x in enumerate(hx) if TAXONOMY.match(x, kind) is not None]
    sk = sklearn_answers(kind, hx)
    prod = production_answers(kind, hx)
    tax_sk = taxonomy_first(kind, hx, sk)

    def right_on_hits(a: Answers) -> int:
        return sum(a.forced[i] == hy[i] for i in hits)

    log = [f"== {kind}: {len(xs)} training phrases, {len(set(ys))} classes; {len(hx)} never-seen held-out "
           f"phrases, {len(set(hy))} classes ({hy.count(NONE)} '{NONE}'); {len(hits)} hold a taxonomy term, "
           f"on which the taxonomy is right {right_on_hits(tax_sk)}, the sklearn classifier {right_on_hits(sk)}"]
    systems: list[tuple[str, Answers]] = [("production", prod), ("sklearn", sk), ("tax→sklearn", tax_sk)]
    trained: list[tuple[str, Trained]] = []
    for name in archs:
        t = fit(xs, ys, ARCHS[name])
        trained.append((name, t))
        sp = spacy_answers(t, hx)
        systems += [(f"spaCy {name}", sp), (f"tax→spaCy {name}", taxonomy_first(kind, hx, sp))]
    log += table((n, metrics(hy, a)) for n, a in systems)
    for name, t in trained:
        log.append(f"  spaCy {name}: {t.epochs} epochs at learning rate {t.learn_rate:g} (validation macro-F1 "
                   f"{t.val_f1:.3f}), abstain below {t.threshold:.3f}, trained in {t.seconds:.1f}s "
                   f"(search + final fit); right on {right_on_hits(dict(systems)[f'spaCy {name}'])} of the "
                   f"{len(hits)} taxonomy-term phrases")
    for name, a in systems:
        if not name.startswith("tax→spaCy"):
            continue
        for base_name, base in (("production", prod), ("tax→sklearn", tax_sk)):
            parts = []
            for label, pa, pb in (("as deployed", [s or NONE for s in a.said], [s or NONE for s in base.said]),
                                  ("always answer", a.forced, base.forced)):
                da, la, ha = bootstrap_delta(hy, pa, pb, fast_accuracy)
                df, lf, hf = bootstrap_delta(hy, pa, pb, fast_macro_f1)
                assert abs(df - (macro_f1(hy, pa) - macro_f1(hy, pb))) < 1e-9
                parts.append(f"{label}: ΔF1 {df:+.3f} [{lf:+.3f}, {hf:+.3f}] Δacc {da:+.3f} [{la:+.3f}, {ha:+.3f}]")
            log.append(f"  Δ {name} − {base_name}: " + "; ".join(parts))
    return log


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--kind", choices=("group", "fund"), action="append", help="default: both")
    ap.add_argument("--arch", choices=sorted(ARCHS), action="append", help="default: all")
    args = ap.parse_args()
    kinds: list[Kind] = args.kind or ["group", "fund"]
    archs: list[str] = args.arch or list(ARCHS)
    t0 = time.perf_counter()
    for kind in kinds:
        print("\n".join(compare(kind, archs)), flush=True)
    print(f"total run time {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

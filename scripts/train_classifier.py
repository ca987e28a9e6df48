"""Train the classifiers of models/: subject phrase → group, subject phrase → fund, report → type.

    python scripts/train_classifier.py           # train, print the evaluation, write models/
    python scripts/train_classifier.py --check   # exit 1 if models/ is out of date with the sources

Sources: the taxonomy's terms (extractor/data/taxonomy.toml) and corpus/labels/phrases_train.tsv
for the subject models; corpus/labels/doctypes.tsv with the seed and dev reports for the document
type model. Evaluated on a stratified 20% split of the training phrases, on
corpus/labels/phrases_heldout.tsv (wordings the training never saw) and, for document types, on
the holdout reports. Features: character 1–3-grams (``char_wb``) with tf-idf; model: logistic
regression, its C chosen by 5-fold cross-validated macro-F1 (compared with a complement naive
Bayes baseline); confidence calibrated by temperature scaling on out-of-fold scores; the abstain
threshold is the lowest confidence at which out-of-fold predictions are right 95% of the time.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split  # noqa: E402
from sklearn.naive_bayes import ComplementNB  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from extractor.about.categories import doctype_features  # noqa: E402
from extractor.about.classify import LinearTextModel, prepare, read_model  # noqa: E402
from extractor.about.taxonomy import TAXONOMY, Kind  # noqa: E402
from extractor.readers import read_path  # noqa: E402
from extractor.resources import models_dir  # noqa: E402
from extractor.structure.split import split_reports  # noqa: E402

#: where the models are written and checked: the folder the package loads them from (models/)
MODELS_DIR = models_dir()
LABELS = ROOT / "corpus" / "labels"
NGRAM = (1, 3)
TARGET_PRECISION = 0.95
NONE = "none"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def phrase_data(kind: Kind) -> tuple[list[str], list[str]]:
    """The training phrases of a kind: every taxonomy term, then the hand-written phrases."""
    xs: list[str] = []
    ys: list[str] = []
    seen: set[str] = set()
    for c in TAXONOMY.of_kind(kind):
        for t in c.terms:
            if t not in seen:
                seen.add(t)
                xs.append(t)
                ys.append(c.id)
    for row in read_tsv(LABELS / "phrases_train.tsv"):
        if row["kind"] == kind and prepare(row["phrase"]) not in seen:
            seen.add(prepare(row["phrase"]))
            xs.append(row["phrase"])
            ys.append(row["category"])
    return xs, ys


def heldout_phrases(kind: Kind) -> tuple[list[str], list[str]]:
    """The held-out phrases of a kind that are not, once folded, a training phrase (more than
    half of the file repeats a common wording; those are not "never seen")."""
    seen = {prepare(x) for x in phrase_data(kind)[0]}
    rows = [r for r in read_tsv(LABELS / "phrases_heldout.tsv")
            if r["kind"] == kind and prepare(r["phrase"]) not in seen]
    return [r["phrase"] for r in rows], [r["category"] for r in rows]


def doc_text(title: str | None, text: str) -> str:
    """What the document-type model reads (``categories.doctype_features``)."""
    return doctype_features(title, text)


def doctype_data(sets: Sequence[str]) -> tuple[list[str], list[str]]:
    labels = {(r["file"], int(r["index"])): r["doctype"] for r in read_tsv(LABELS / "doctypes.tsv")}
    xs: list[str] = []
    ys: list[str] = []
    for s in sets:
        for path in sorted((ROOT / "corpus" / s).glob("*.txt")):
            for rep in split_reports(str(path), read_path(path).text):
                label = labels.get((path.name, rep.index))
                if label:
                    xs.append(doc_text(rep.title, rep.text))
                    ys.append(label)
    return xs, ys


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM, preprocessor=prepare, lowercase=True)


def folds(ys: list[str]) -> StratifiedKFold:
    smallest = min(ys.count(c) for c in set(ys))
    return StratifiedKFold(n_splits=max(2, min(5, smallest)), shuffle=True, random_state=0)


def choose_c(xs: list[str], ys: list[str], log: list[str]) -> float:
    best_c, best_f1 = 1.0, -1.0
    for c in (1.0, 3.0, 10.0, 30.0, 100.0):
        model = make_pipeline(vectorizer(), LogisticRegression(C=c, max_iter=3000))
        pred = cross_val_predict(model, xs, ys, cv=folds(ys))
        f1 = f1_score(ys, pred, average="macro")
        log.append(f"  logistic regression C={c:<5g} cross-validated macro-F1 {f1:.3f}")
        if f1 > best_f1 + 1e-9:
            best_c, best_f1 = c, f1
    pred = cross_val_predict(make_pipeline(vectorizer(), ComplementNB()), xs, ys, cv=folds(ys))
    nb = f1_score(ys, pred, average="macro")
    log.append(f"  complement naive Bayes (baseline)    cross-validated macro-F1 {nb:.3f}")
    return best_c


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def calibrate(scores: np.ndarray, ys: list[str], classes: list[str]) -> tuple[float, float]:
    """Temperature minimizing the out-of-fold log loss, and the abstain threshold."""
    idx = np.array([classes.index(y) for y in ys])
    best_t, best_nll = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.05), np.log(5.0), 200)):
        p = softmax(scores / t)
        nll = float(-np.log(p[np.arange(len(idx)), idx] + 1e-12).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    p = softmax(scores / best_t)
    conf = p.max(axis=1)
    right = p.argmax(axis=1) == idx
    threshold = 1.0
    for th in sorted(set(np.round(conf, 4))):
        keep = conf >= th
        if keep.any() and right[keep].mean() >= TARGET_PRECISION:
            threshold = float(th)
            break
    return best_t, threshold


def fit(name: str, xs: list[str], ys: list[str], log: list[str], meta: dict[str, object],
        c: float | None = None) -> LinearTextModel:
    """The model of ``xs``/``ys``; its C chosen by cross-validation unless given."""
    c = choose_c(xs, ys, log) if c is None else c
    classes = sorted(set(ys))
    oof = cross_val_predict(make_pipeline(vectorizer(), LogisticRegression(C=c, max_iter=3000)), xs, ys,
                            cv=folds(ys), method="decision_function")
    temperature, threshold = calibrate(np.asarray(oof), ys, classes)
    vec = vectorizer()
    x = vec.fit_transform(xs)
    lr = LogisticRegression(C=c, max_iter=3000).fit(x, ys)
    assert list(lr.classes_) == classes
    vocab = {g: int(i) for g, i in vec.vocabulary_.items()}
    log.append(f"  chosen C={c:g}, temperature {temperature:.3f}, abstain below {threshold:.3f}; "
               f"{len(xs)} phrases, {len(classes)} classes, {len(vocab)} n-grams")
    return LinearTextModel(name, tuple(classes), NGRAM, vocab, vec.idf_.astype(np.float64),
                           np.asarray(lr.coef_, dtype=np.float64), np.asarray(lr.intercept_, dtype=np.float64),
                           temperature, threshold, {"C": c, "trained_on": len(xs), **meta})


def evaluate(model: LinearTextModel, xs: list[str], ys: list[str], title: str, log: list[str],
             matrix: bool = False) -> dict[str, float]:
    """Macro-F1 over the true classes (an abstention counts as ``none``), accuracy, coverage and
    the precision of the answers given."""
    preds = [model.predict(x) for x in xs]
    said = [p.label or NONE for p in preds]
    labels = sorted(set(ys))
    f1 = f1_score(ys, said, labels=labels, average="macro", zero_division=0)
    acc = float(np.mean([a == b for a, b in zip(said, ys, strict=True)]))
    answered = [(p.label, y) for p, y in zip(preds, ys, strict=True) if p.label is not None]
    cov = len(answered) / max(1, len(ys))
    prec = float(np.mean([a == b for a, b in answered])) if answered else 0.0
    log.append(f"  {title}: n={len(ys)} macro-F1 {f1:.3f}  accuracy {acc:.3f}  answered {cov:.3f}  "
               f"precision of answers {prec:.3f}")
    if matrix:
        names = sorted(set(ys) | set(said))
        cm = confusion_matrix(ys, said, labels=names)
        log.append("  confusion matrix (rows: truth, columns: said; columns numbered as rows):")
        for i, n in enumerate(names):
            cells = " ".join(f"{v:2d}" if v else " ." for v in cm[i])
            log.append(f"   {i:2d} {n[:26]:<26} {cells}")
        wrong = [(x, y, s) for x, y, s in zip(xs, ys, said, strict=True) if y != s]
        if wrong:
            log.append("  errors: " + "; ".join(f"{x}→{s} (is {y})" for x, y, s in wrong[:40]))
    return {"macro_f1": f1, "accuracy": acc, "answered": cov, "precision": prec}


def train_subject(kind: Kind, log: list[str], c: float | None = None) -> LinearTextModel:
    """The subject model of ``kind``, evaluated into ``log``; with ``c`` given (the check), only
    the model, with that C."""
    xs, ys = phrase_data(kind)
    meta: dict[str, object] = {"kind": kind, "taxonomy_version": TAXONOMY.version}
    if c is not None:
        return fit(f"subject_{kind}", xs, ys, log, meta, c)
    log.append(f"subject_{kind}: subject phrase → {kind} category")
    # the held-out split: a model fitted on 80% of the phrases, scored on the other 20%
    tr_x, te_x, tr_y, te_y = train_test_split(xs, ys, test_size=0.2, random_state=0, stratify=ys)
    split_log: list[str] = []
    part = fit(f"subject_{kind}", tr_x, tr_y, split_log, {})
    evaluate(part, te_x, te_y, "held-out 20% split of the training phrases", log)
    model = fit(f"subject_{kind}", xs, ys, log, meta)
    hx, hy = heldout_phrases(kind)
    if hx:
        evaluate(model, hx, hy, "phrases_heldout.tsv (wordings never trained on)", log, matrix=True)
    return model


def train_doctype(log: list[str], c: float | None = None) -> LinearTextModel:
    xs, ys = doctype_data(["seed", "dev"])
    log.append("doctype: report (title, addressee line, the 现将…如下 sentence) → document type")
    model = fit("doctype", xs, ys, log, {"taxonomy_version": TAXONOMY.version}, c)
    if c is not None:
        return model
    hx, hy = doctype_data(["holdout"])
    evaluate(model, hx, hy, "holdout reports (never trained on)", log, matrix=True)
    return model


def build(stored: dict[str, float] | None = None) -> tuple[list[LinearTextModel], list[str]]:
    """Train every model; with ``stored`` (model name → the C it was trained with), retrain each
    with that C and without the evaluations: what ``--check`` compares with models/."""
    log: list[str] = []
    c = stored or {}
    models = [train_subject("group", log, c.get("subject_group")), train_subject("fund", log, c.get("subject_fund")),
              train_doctype(log, c.get("doctype"))]
    return models, log


NAMES = ("subject_group", "subject_fund", "doctype")


def stored_c() -> dict[str, float] | None:
    """The C each model of models/ was trained with; None when one is missing."""
    out = {}
    for name in NAMES:
        if not (MODELS_DIR / f"{name}.json").exists():
            return None
        c = read_model(MODELS_DIR, name).meta.get("C")
        if not isinstance(c, (int, float)):
            return None
        out[name] = float(c)
    return out


def same(a: LinearTextModel, b: LinearTextModel) -> bool:
    return (a.classes == b.classes and a.vocabulary == b.vocabulary and a.ngram == b.ngram
            and abs(a.temperature - b.temperature) < 1e-3 and abs(a.threshold - b.threshold) < 1e-3
            and np.allclose(a.idf, b.idf, atol=1e-4) and np.allclose(a.coef, b.coef, atol=1e-3)
            and np.allclose(a.intercept, b.intercept, atol=1e-3))


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if models/ is stale")
    args = ap.parse_args()
    # the check retrains with the stored C, skipping the search: a model stale in anything but C
    # still differs, and one whose sources are unchanged would choose the same C
    models, log = build(stored_c() if args.check else None)
    if args.check:
        stale = [m.name for m in models if not (MODELS_DIR / f"{m.name}.json").exists()
                 or not same(m, read_model(MODELS_DIR, m.name))]
        if stale:
            print(f"stale models: {', '.join(stale)}: run python scripts/train_classifier.py", file=sys.stderr)
            return 1
        return 0
    print("\n".join(log))
    for m in models:
        m.save(MODELS_DIR)
        print(f"wrote models/{m.name}.json, models/{m.name}.npz")
    return 0


if __name__ == "__main__":
    sys.exit(main())

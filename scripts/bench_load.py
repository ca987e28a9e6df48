"""What loading the models of models/ adds to start-up (issue 6), in a fresh interpreter each run.

    python scripts/bench_load.py

Prints, best of 5 fresh processes: importing the pipeline, then loading the spaCy ruler pipeline
(spaCy's own import included) and the three classifiers.
"""

from __future__ import annotations

import subprocess
import sys

CODE = """
import time
t0 = time.perf_counter()
import extractor.pipeline
from extractor.lang.segment import get_segmenter
get_segmenter().tokens("预热")
t1 = time.perf_counter()
from extractor.about.ruler import get_pipeline
get_pipeline()
t2 = time.perf_counter()
from extractor.about.classify import load_model
for n in ("subject_group", "subject_fund", "doctype"):
    load_model(n)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def main() -> int:
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout
        runs.append(tuple(float(x) for x in out.split()))
    base, ruler, clf = (min(r[i] for r in runs) for i in range(3))
    print(f"import + jieba dictionary: {base:.3f} s")
    print(f"spaCy ruler pipeline (spaCy import included): {ruler:.3f} s")
    print(f"three classifiers: {clf:.3f} s")
    print(f"models add: {ruler + clf:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

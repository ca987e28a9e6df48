# Two entry points a new machine needs: `make run` (the main job on the bundled corpus) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-compiled wheel-check compiled lint typecheck check bench dict models clean system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

## run: extract every report of the bundled corpus into out/records.jsonl and score it (facts,
## findings and breakdowns against the gold; categories against corpus/labels); and the real
## reports of ../shared/eval/real-dev when they are beside the repo; then import the corpus into
## out/facts.db and print how to open the workspace (extractor serve) on it
run: $(STAMP)
	mkdir -p out
	$(BIN)/extractor extract corpus -o out/records.jsonl
	$(BIN)/python scripts/score.py out/records.jsonl
	$(BIN)/python scripts/score_categories.py out/records.jsonl
	@if [ -d ../shared/eval/real-dev ]; then $(BIN)/python scripts/score_real.py; \
	else echo "../shared/eval/real-dev is not beside the repo: real reports not scored"; fi
	$(BIN)/extractor ingest corpus --db out/facts.db > /dev/null
	@echo ""
	@echo "The corpus is imported into out/facts.db. Open the auditor's workspace on it:"
	@echo "    $(BIN)/extractor serve --db out/facts.db        # then http://127.0.0.1:8000/findings"
	@echo "(reads are open on 127.0.0.1; the write token for reviews and uploads is printed at start,"
	@echo " or set with --token / EXTRACTOR_TOKEN)"

## system-deps: Debian packages the tests use (headless chromium and a CJK font for the HTML report
## and workspace browser tests: a font that covers Chinese, not only fontconfig; antiword and LibreOffice for legacy .doc files;
## gcc for the wheel's modules compiled with mypyc, setup.py);
## installed with apt-get when missing and we are root, else the tests that need them skip and say so;
## EXTRACTOR_NO_SYSTEM_DEPS=1 installs none (the same tests skip)
system-deps:
	@if [ "$${EXTRACTOR_NO_SYSTEM_DEPS:-0}" != 0 ]; then \
	  echo "EXTRACTOR_NO_SYSTEM_DEPS=$$EXTRACTOR_NO_SYSTEM_DEPS: no Debian package installed (the tests that need one skip and say so)"; \
	  exit 0; \
	fi; \
	missing=""; \
	for p in chromium:chromium antiword:antiword soffice:libreoffice-writer-nogui cc:gcc; do \
	  command -v $${p%%:*} >/dev/null 2>&1 || missing="$$missing $${p#*:}"; \
	done; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fontconfig fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "note: missing$$missing and not root: the tests that need them will skip and say so"; fi; \
	fi

## test: lint, type-check and run the test suite; with a throwaway PostgreSQL server for the store's
## tests (EXTRACTOR_PG_URL when set, else scripts/pg_test_server.sh starts one where it can: Debian's
## postgresql, installed as root unless EXTRACTOR_NO_SYSTEM_DEPS=1; where it cannot, those tests skip
## and say so)
test: $(STAMP) system-deps lint typecheck
	@url="$${EXTRACTOR_PG_URL:-}"; \
	if [ -z "$$url" ]; then \
	  if url="$$(bash scripts/pg_test_server.sh)" && [ -n "$$url" ]; then \
	    echo "PostgreSQL test server: $$url"; \
	  else \
	    url=""; echo "note: no PostgreSQL server could be started (scripts/pg_test_server.sh): the PostgreSQL tests will skip and say so"; \
	  fi; \
	fi; \
	EXTRACTOR_PG_URL="$$url" $(BIN)/python -m pytest -n 2

## wheel-check: build the wheel (dist/, its modules of extraction compiled with mypyc), install it with
## its dependencies in a fresh virtualenv under a temporary folder, and from a folder outside the
## source tree extract, audit and score the seed with it (facts, findings and breakdowns F1 must be
## 1.000) and extract the corpus and the real reports (the checkout's records, byte for byte); CI
## runs it after `make test`
wheel-check: $(STAMP) system-deps
	$(BIN)/python scripts/wheel_check.py

## compiled: the committed tree (git archive HEAD) in build/compiled/, its modules of extraction compiled
## in place with mypyc as the wheel's are: what the benchmarks measure of the installed wheel
## (.venv/bin/python build/compiled/scripts/bench.py); the editable install stays pure Python
compiled: $(STAMP)
	rm -rf build/compiled && mkdir -p build/compiled
	git archive HEAD | tar -x -C build/compiled
	cd build/compiled && EXTRACTOR_COMPILE=1 EXTRACTOR_PGO=1 $(CURDIR)/$(BIN)/python setup.py -q build_ext --inplace

# the test suite against the compiled modules (what the wheel installs), in build/compiled; the tests
# of the pure checkout's own packaging and of replaced methods skip, saying why
test-compiled: compiled
	if [ -d ../shared ]; then ln -sfn "$$(cd ../shared && pwd)" build/shared; fi  # the eval data, beside the tree as beside the repo
	cd build/compiled && PYTHONPATH=. EXTRACTOR_MODELS=$(CURDIR)/build/compiled/models $(CURDIR)/$(BIN)/python -m pytest -q -rs -n 2 -p no:cacheprovider tests

lint: $(STAMP)
	$(BIN)/ruff check extractor scripts tests setup.py

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

dict: $(STAMP)
	$(BIN)/python scripts/build_dict.py

# every built model, in order: the segmenter's dictionary, the spaCy ruler, the classifiers
models: dict
	$(BIN)/python scripts/build_spacy.py
	$(BIN)/python scripts/train_classifier.py

clean:
	rm -rf $(VENV) out dist build .mypy_cache .pytest_cache .ruff_cache

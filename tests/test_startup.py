"""Start-up: heavy libraries load where they are first needed, not with the package.

Each case runs in a fresh interpreter (this one has imported everything already) and lists the
heavy modules loaded; timings are measured by ``scripts/bench_startup.py``, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import __version__
from extractor.ui.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import wheel_check  # the threads check the installed wheel runs as well

# (rjieba.rjieba: the compiled segmenter, loaded without its package's __init__; spacy.cli:
# spaCy's command line, left out of its import by lang.nlp.import_spacy)
HEAVY = ("spacy", "spacy.cli", "numpy", "sqlalchemy", "jieba", "rjieba", "rjieba.rjieba", "pdfplumber", "docx",
         "lxml", "sklearn", "extractor.pipeline")


def _loaded_after(code: str) -> set[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def _cli(*args: str) -> str:
    return ("from extractor.ui.cli import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass")


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("extract", "--help"), ("audit", "--help")],
                         ids=lambda a: " ".join(a))
def test_help_and_version_load_nothing_heavy(args: tuple[str, ...]) -> None:
    assert _loaded_after(_cli(*args)) == set()


def test_package_import_loads_nothing_heavy() -> None:
    assert _loaded_after("import extractor") == set()


def test_pipeline_import_loads_no_library() -> None:
    assert _loaded_after("import extractor.pipeline") == {"extractor.pipeline"}


def test_report_without_figures_needs_no_spacy() -> None:
    code = "from extractor import extract_text\nextract_text('春节送温暖活动总结\\n走访慰问困难职工。')"
    loaded = _loaded_after(code)
    assert "spacy" not in loaded and "numpy" not in loaded  # no figure: the named-span stage never runs


def test_extract_of_a_small_report_loads_no_database_or_reader_library(tmp_path: Path) -> None:
    report = tmp_path / "one.txt"
    report.write_text("春节送温暖活动总结\n共慰问困难职工53名，发放慰问金12.5万元。\n", encoding="utf-8")
    loaded = _loaded_after(_cli("extract", str(report), "-o", str(tmp_path / "out.jsonl")))
    # the compiled segmenter (not jieba's Python one), spaCy for the figures' names (it brings
    # numpy); no database, no reader but the text one
    assert loaded == {"extractor.pipeline", "rjieba.rjieba", "spacy", "numpy"}


def test_spacy_is_whole_without_its_command_line() -> None:
    """spaCy imported without ``spacy.cli`` still has it: a later import loads the real one, and
    ``spacy.info`` answers."""
    code = ("from extractor.lang.nlp import import_spacy\n"
            "spacy = import_spacy()\n"
            "print('spacy.cli' in sys.modules, hasattr(spacy, 'cli'))\n"
            "import spacy.cli\n"
            "print(callable(spacy.cli.download), spacy.info(silent=True)['spacy_version'] == spacy.__version__)")
    out = subprocess.run([sys.executable, "-c", "import sys\n" + code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "True", "True"]


def test_spacy_that_needs_more_of_its_cli_is_imported_as_usual(tmp_path: Path) -> None:
    """A spaCy whose ``__init__`` imports more of ``spacy.cli`` than ``info`` (another version) is
    imported again the usual way, whole."""
    pkg = tmp_path / "spacy"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .cli.info import info\nfrom .cli.extra import EXTRA\n")
    (pkg / "cli" / "__init__.py").write_text("")
    (pkg / "cli" / "info.py").write_text("def info():\n    return 'real'\n")
    (pkg / "cli" / "extra.py").write_text("EXTRA = 1\n")
    code = (f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
            "from extractor.lang.nlp import import_spacy\n"
            "spacy = import_spacy()\n"
            "cli = sys.modules['spacy.cli']\n"
            "print(spacy.__file__.startswith(sys.path[0]), spacy.info(), spacy.EXTRA, hasattr(cli, '__path__'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "real", "1", "True"]


def test_query_command_still_names_its_queries(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["query", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert all(f"{name}: " in out for name in ("errors", "rules", "totals"))
    with pytest.raises(SystemExit) as e:
        main(["query", "no-such-query", "--db", "x.db"])
    assert e.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out == f"extractor {__version__}\n"


def test_threads_whose_first_reports_come_at_once_load_everything_once() -> None:
    """A fresh process whose first reports come in threads at once (the workspace serving two
    requests): each gets its records, nothing is loaded twice and nothing is printed (threads
    took a half-imported spaCy from sys.modules, AttributeError: no spacy.load; the pipeline was
    loaded twice and spaCy's W012 warnings printed)."""
    run = subprocess.run([sys.executable, "-c", wheel_check.THREADS], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == wheel_check.THREADS_OUT
    assert run.stderr == ""

"""The HTML audit report: self-contained, every text block equal to its document, one mark per
fact, the index sorted by findings — on our markup (parsed with html.parser) and on the DOM a
real browser builds from it (headless chromium, which also takes a screenshot to look at, and
whose pixels show whether Chinese is drawn as Chinese or as boxes).

Artifacts land in tests/artifacts/ (git-ignored): audit.html, audit.png.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from extractor.model import Count, ErrorRecord, Finding, Money, Record, Severity
from extractor.pipeline import extract_path, extract_text, iter_paths
from extractor.ui.audit import STANDARD_ZH, AuditDoc, Evidence, Role, audit, summary
from extractor.ui.report_html import _number, render_html
from extractor.ui.table import UNSTATED, unit_label

from .conftest import ROOT
from .glyphs import first_line, glyph_crops, tofu

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- a small, strict DOM ----------------------------------------------------------------

@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and (cls is None or cls in n.classes)]


class TreeBuilder(HTMLParser):
    """A DOM from markup that must be well formed: every end tag closes the innermost element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    b = TreeBuilder()
    b.feed(page)
    b.close()
    assert b.stack == [b.root], f"unclosed: {[n.tag for n in b.stack[1:]]}"
    return b.root


# --- fixtures ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def docs() -> list[AuditDoc]:
    results: list[Record | ErrorRecord] = []
    for path in iter_paths([ROOT / "corpus" / "seed", ROOT / "corpus" / "dev"]):
        r = extract_path(path)
        results.extend([r] if isinstance(r, ErrorRecord) else r)
    return audit(results)


@pytest.fixture(scope="module")
def page(docs: list[AuditDoc]) -> str:
    return render_html(docs)


@pytest.fixture(scope="module")
def artifact(page: str) -> Path:
    """The page in tests/artifacts/audit.html (written atomically: xdist workers may race)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "audit.html"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


# --- checks shared by our markup and the browser's DOM ----------------------------------

def check_sections(root: Node, docs: Sequence[AuditDoc]) -> None:
    """One section per readable document whose text block is exactly the document's text, and
    one ``mark.fact`` per fact (in the section, and over the page)."""
    sections = {s.attrs["id"]: s for s in root.find_all("section", "doc")}
    readable = {f"doc-{n}": d for n, d in enumerate(docs, 1) if d.error is None}
    assert sections.keys() == readable.keys()
    for sid, d in readable.items():
        section = sections[sid]
        blocks = section.find_all("div", "text")
        assert len(blocks) == 1, sid
        assert blocks[0].text() == d.text, sid
        assert len(blocks[0].find_all("mark", "fact")) == len(d.facts), sid
        assert int(section.attrs["data-findings"]) == len(d.findings), sid
    main = root.find_all("main")
    assert len(main) == 1
    assert len(main[0].find_all("mark", "fact")) == sum(len(d.facts) for d in docs)


def check_index(root: Node) -> None:
    """Index rows by findings (most first), ties by source and index; each links to a section."""
    table = root.find_all("table", "index")
    assert len(table) == 1
    rows = table[0].find_all("tbody")[0].find_all("tr")
    keys = [(-int(r.attrs["data-findings"]), r.attrs["data-source"], int(r.attrs["data-index"])) for r in rows]
    assert keys == sorted(keys)
    ids = {s.attrs["id"] for s in root.find_all("section", "doc")}
    assert {r.find_all("a")[0].attrs["href"][1:] for r in rows} == ids


# --- the page of the bundled corpus -----------------------------------------------------

EXTERNAL = [
    pytest.param(r"https?://", id="http-url"),
    pytest.param(r"\bsrc\s*=", id="src-attribute"),
    pytest.param(r"url\(", id="css-url"),
    pytest.param(r"@import", id="css-import"),
    pytest.param(r"<link\b", id="link-element"),
    pytest.param(r"//[\w.-]+\.\w+/", id="protocol-relative-url"),
]


@pytest.mark.parametrize("pattern", EXTERNAL)
def test_no_external_reference(page: str, pattern: str) -> None:
    assert not re.search(pattern, page)


def test_every_link_is_internal(page: str) -> None:
    root = parse(page)
    ids = {n.attrs["id"] for n in root.iter() if "id" in n.attrs}
    hrefs = [n.attrs["href"] for n in root.find_all("a") if "href" in n.attrs]
    assert hrefs
    assert all(h.startswith("#") and h[1:] in ids for h in hrefs)


def test_page_head(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert '<meta charset="utf-8">' in page


def test_sections_hold_the_documents(artifact: Path, docs: list[AuditDoc]) -> None:
    check_sections(parse(artifact.read_text(encoding="utf-8")), docs)


def test_index_sorted_by_findings(page: str) -> None:
    check_index(parse(page))


def test_every_finding_has_a_footnote_and_an_explanation(page: str, docs: list[AuditDoc]) -> None:
    root = parse(page)
    for n, d in enumerate(docs, 1):
        if d.error is not None:
            continue
        section = next(s for s in root.find_all("section", "doc") if s.attrs["id"] == f"doc-{n}")
        notes = section.find_all("a", "fn")
        items = section.find_all("li", "finding-item")
        assert len(notes) == len(items) == len(d.findings)
        assert {a.attrs["href"][1:] for a in notes} == {li.attrs["id"] for li in items}


def test_breakdown_arithmetic_shown(page: str) -> None:
    root = parse(page)
    sums = {li.text().removesuffix("原文").strip(): li.classes for li in root.find_all("li", "sum")}
    assert "sum-ok" in sums["55+125+176+44 = 400 ✓"]
    assert "sum-bad" in sums["2+150余+320余+50余 = 522～549 < 700余 ✗"]


def test_fact_titles_are_normalized_values(page: str) -> None:
    titles = {(m.text(), m.attrs["title"]) for m in parse(page).find_all("main")[0].find_all("mark", "fact")}
    assert ("700余户", "700 户（约数） · 困难群众") in titles  # the value, then what it counts
    assert ("2018年12月下旬开始至2018年2月", "2018-12-21 至 2018-02-28") in titles


# --- the nesting on hand-made documents -------------------------------------------------

def _finding(span: tuple[int, int], rule: str = "placeholder", sev: Severity = Severity.WARNING) -> Evidence:
    return Evidence(Finding(rule, sev, f"<{rule}> & “说明”", span), span, ())


def _doc(text: str, facts: tuple[Money | Count, ...], findings: tuple[Evidence, ...]) -> AuditDoc:
    return AuditDoc("a<b>.txt", 0, "标题 <&>", text, findings, (), facts)


def _money(text: str, start: int) -> Money:
    return Money(text[start:start + 4], (start, start + 4), Decimal(1))


NESTING = [
    pytest.param((0, 4), id="finding-equals-fact"),
    pytest.param((0, 10), id="finding-around-fact"),
    pytest.param((1, 3), id="finding-inside-fact"),
    pytest.param((2, 8), id="finding-crosses-fact-end"),
    pytest.param((6, 12), id="finding-crosses-fact-start"),
    pytest.param((3, 3), id="empty-finding"),
]
TEXT = "1234元<x>&\r\n5678元 末尾"
FACTS = (_money(TEXT, 0), _money(TEXT, 11))


@pytest.mark.parametrize("span", NESTING)
def test_overlaps_keep_text_and_facts_whole(span: tuple[int, int]) -> None:
    crossing = _finding((2, 13), "sum_mismatch", Severity.ERROR)  # crosses both facts
    d = _doc(TEXT, FACTS, (_finding(span), crossing))
    root = parse(render_html([d]))
    check_sections(root, [d])
    block = root.find_all("div", "text")[0]
    assert [m.text() for m in block.find_all("mark", "fact")] == ["1234", "5678"]
    assert len(block.find_all("a", "fn")) == 2


def test_unreadable_file_listed_in_the_index() -> None:
    err = AuditDoc("bad<1>.txt", None, None, "", error=ErrorRecord("bad<1>.txt", "decode_failed", "无法识别 <编码>"))
    ok = _doc(TEXT, FACTS, ())
    page = render_html([err, ok])
    root = parse(page)
    assert [s.attrs["id"] for s in root.find_all("section", "doc")] == ["doc-2"]
    errors = root.find_all("ul", "errors")[0].text()
    assert "bad<1>.txt" in errors and "decode_failed" in errors and "无法识别 <编码>" in errors
    assert "1</b> 个文件无法读取" in page


# --- in a real browser ------------------------------------------------------------------

def _chromium(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: apt-get install chromium")
    cmd = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=60, check=True, env=env)


def test_browser_builds_the_same_dom(tmp_path: Path, artifact: Path, docs: list[AuditDoc]) -> None:
    dom = _chromium(tmp_path, "--dump-dom", artifact.resolve().as_uri()).stdout
    root = parse(dom)
    check_sections(root, docs)
    check_index(root)


def test_browser_screenshot(tmp_path: Path, artifact: Path, page: str) -> None:
    """The screenshot is taken, and its heading (the first line of ink from the top) is drawn as
    distinct Chinese characters, not as a row of boxes."""
    shot = ARTIFACTS / "audit.png"
    shot.unlink(missing_ok=True)
    _chromium(tmp_path, f"--screenshot={shot.resolve()}", "--window-size=1280,2000", artifact.resolve().as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
    [h1] = parse(page).find_all("h1")
    title = h1.text()
    assert len(title) == len(set(title)) >= 4  # distinct characters: distinct bitmaps when drawn
    with Image.open(shot) as im:
        problem = tofu(glyph_crops(im, first_line(im), len(title)))
    assert problem is None, f"the heading {title} in {shot}: {problem}{NO_CJK_FONT}"


# --- Chinese drawn as Chinese, not as boxes --------------------------------------------
# Without a CJK font, chromium draws every Chinese character as the same missing-glyph box
# ("tofu"), or nothing at all, and a screenshot still gets taken: the tests below look at the
# pixels. Characters that differ must give bitmaps that differ.

#: distinct characters, each drawn in its own cell of a small page in the audit page's fonts
GLYPHS = "困难职工慰问"
CELL = 100  # px: a cell's side; the characters are 64px
NO_CJK_FONT = ("\nChinese is not drawn: no CJK font (`fc-list :lang=zh` is empty). "
               "Run `make system-deps` as root, or `apt-get install fonts-wqy-microhei`.")


def font_stack(page: str) -> str:
    """The font families the page's body is set in (its CSS ``font`` shorthand, after the size)."""
    m = re.search(r"\bbody \{[^}]*?\bfont:\s*\S+\s+([^;]+);", page)
    assert m is not None, "no font on the page's body"
    return " ".join(m.group(1).split())


def _glyph_page(stack: str, chars: str) -> str:
    cells = "".join(f"<span>{html.escape(c)}</span>" for c in chars)
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
            f"body {{ margin: 0; background: #fff; color: #000; font-family: {stack}; }}"
            "div { white-space: nowrap; font-size: 0; }"
            f"span {{ display: inline-block; width: {CELL}px; height: {CELL}px; font-size: 64px; "
            f"line-height: {CELL}px; text-align: center; vertical-align: top; }}"
            f"</style></head><body><div>{cells}</div></body></html>")


def _draw_glyphs(tmp_path: Path, stack: str, env: dict[str, str] | None = None) -> list[Image.Image | None]:
    page = tmp_path / "glyphs.html"
    page.write_text(_glyph_page(stack, GLYPHS), encoding="utf-8")
    shot = tmp_path / "glyphs.png"
    size = f"--window-size={CELL * len(GLYPHS) + 200},{CELL * 2}"  # a smaller window may draw nothing
    _chromium(tmp_path, f"--screenshot={shot}", "--hide-scrollbars", size, page.as_uri(), env=env)
    with Image.open(shot) as im:
        return glyph_crops(im, (0, 0, CELL * len(GLYPHS), CELL), len(GLYPHS))


def test_page_declares_cjk_fonts(page: str) -> None:
    stack = font_stack(page)
    for family in ('"Noto Sans CJK SC"', '"WenQuanYi Micro Hei"', '"Microsoft YaHei"', '"PingFang SC"'):
        assert family in stack
    assert stack.endswith("sans-serif")


def test_browser_draws_chinese(tmp_path: Path, page: str) -> None:
    """The page's fonts draw Chinese on this machine: six distinct characters, six distinct glyphs."""
    problem = tofu(_draw_glyphs(tmp_path, font_stack(page)))
    assert problem is None, f"{problem}{NO_CJK_FONT}"


def _fontconfig(tmp_path: Path, fonts: str) -> dict[str, str]:
    """An environment whose fontconfig sees no font (``none``) or only fonts without Chinese
    (``latin``: the system's fonts that cover English and not Chinese)."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    if fonts == "latin":
        listed = subprocess.run(["fc-list", "--format", "%{file}\n", ":lang=en"], capture_output=True, text=True)
        chinese = subprocess.run(["fc-list", "--format", "%{file}\n", ":lang=zh"], capture_output=True, text=True)
        latin = sorted(set(listed.stdout.split()) - set(chinese.stdout.split()))
        if not latin:
            pytest.skip("no font without Chinese on this machine")
        for k, f in enumerate(latin[:4]):
            (folder / f"{k}{Path(f).suffix}").symlink_to(f)
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><dir>{folder}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


@pytest.mark.parametrize("fonts", [pytest.param("none", id="no-font"), pytest.param("latin", id="latin-fonts-only")])
def test_detector_sees_tofu_without_a_cjk_font(tmp_path: Path, page: str, fonts: str) -> None:
    """With a fontconfig that offers no CJK font, the same page is drawn in boxes or not at all,
    and the check above says so: the check itself is tested."""
    if fonts == "latin" and shutil.which("fc-list") is None:
        pytest.skip("fc-list not installed: apt-get install fontconfig")
    assert tofu(_draw_glyphs(tmp_path, font_stack(page), env=_fontconfig(tmp_path, fonts))) is not None


def test_totals_by_category_in_the_header(page: str) -> None:
    [table] = parse(page).find_all("table", "categories")
    rows = [[td.text() for td in tr.find_all("td")] for tr in table.find_all("tr")[1:]]
    assert rows[[r[1] for r in rows].index("needy_residents")][:2] == ["困难群众", "needy_residents"]
    assert all(r[5].isdigit() and int(r[5]) >= 1 for r in rows)  # how many figures each total adds
    assert all(r[2] for r in rows)  # each total's region, （未指明） when its figures name none



def _rows(table: Node) -> list[list[str]]:
    return [[td.text() for td in tr.find_all("td")] for tr in table.find_all("tbody")[0].find_all("tr")]


def test_totals_and_standards_as_the_summary_gives_them(page: str, docs: list[AuditDoc]) -> None:
    """The page shows the totals, and the rates and bounds apart, as the summary the text audit
    prints computes them (one function, two renderings)."""
    s = summary(docs)
    root = parse(page)
    [totals] = root.find_all("table", "categories")
    assert [(r[1], r[2], r[4], r[3], int(r[5]), int(r[6])) for r in _rows(totals)] == [
        (c["category"] or "", c["region"] or UNSTATED, unit_label(c["unit"], c["raised"]),
         ("约" if c["approx"] else "") + _number(Decimal(str(c["total"]))), c["facts"], c["restated"])
        for c in s["by_category"]]
    [apart] = root.find_all("table", "standards")
    assert [(r[1], r[2], r[3], r[5], int(r[6])) for r in _rows(apart)] == [
        (c["category"] or "", c["region"] or UNSTATED, STANDARD_ZH[Role(c["kind"])], c["unit"], c["facts"])
        for c in s["standards"]]


def test_totals_of_the_seed_in_the_page() -> None:
    """The seed's 困难职工 counted once (453名, not 506名) and its 每户不低于1000元 apart, not added to
    帮扶救助金 (tests/test_audit.py works the numbers out)."""
    records = extract_path(ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt")
    assert isinstance(records, list)
    root = parse(render_html(audit(records)))
    [totals] = root.find_all("table", "categories")
    got: dict[tuple[str, str], tuple[int, int]] = {}  # over the regions: (total, figures not added again)
    for r in _rows(totals):
        total, again = got.get((r[1], r[4]), (0, 0))
        got[(r[1], r[4])] = (total + int(r[3].removeprefix("约")), again + int(r[6]))
    assert got[("needy_workers", "名")] == (453, 1)
    assert got[("assistance_funds", "元")] == (204000, 0)
    [apart] = root.find_all("table", "standards")
    assert [r[1:6] for r in _rows(apart)] == [["assistance_funds", UNSTATED, "下限", "1000", "元"]]


def test_money_raised_apart_in_the_page() -> None:
    """Money raised (筹集送温暖资金50万元) is a row of its own, 元（筹集）, beside the money paid out
    of it (发放送温暖资金40万元), not added to it."""
    text = "本次活动共筹集送温暖资金50万元，走访慰问困难职工200户，发放送温暖资金40万元。"
    [totals] = parse(render_html(audit(extract_text(text)))).find_all("table", "categories")
    money = [(r[1], r[3], r[4]) for r in _rows(totals) if r[4].startswith("元")]
    assert money == [("condolence_money", "400000", "元"), ("condolence_money", "500000", "元（筹集）")]

"""The workspace in a real browser: ``extractor serve`` runs as its own process over a store
ingested from the corpus, and the system chromium (driven by Playwright, no browser downloaded)
logs in, filters the findings to ``sum_mismatch``, opens a report, confirms a finding with a
note, reloads and sees the verdict. Screenshots are kept in tests/artifacts/ (serve_findings.png,
serve_report.png), and the Chinese text must really render: two different characters of the
page, cropped from the screenshot, must both be drawn and differ (a missing CJK font draws every
one as the same empty box).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from extractor.output.ingest import ingest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from serving import serving

from .glyphs import crops_at, tofu

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "browser-test-token"
NOTE = "浏览器复核：已核对原件"
REVIEWER = "测试审计员"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``extractor serve`` on a free loopback port over the seed and the dev set; its base URL."""
    pytest.importorskip("fastapi")
    folder = tmp_path_factory.mktemp("browser")
    for name in ("seed", "dev"):
        shutil.copytree(ROOT / "corpus" / name, folder / "corpus" / name, ignore=shutil.ignore_patterns("gold"))
    db = folder / "facts.db"
    ingest([folder / "corpus"], str(db))
    with serving([sys.executable, "-m", "extractor", "serve", "--db", str(db), "--token", TOKEN],
                 cwd=folder, log=folder / "serve.log") as base:
        yield base


_CHAR_BOXES = """
(args) => {
  const [selector, a, b] = args;
  const el = document.querySelector(selector);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const boxes = {};
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const ch of [a, b]) {
      const at = node.data.indexOf(ch);
      if (at >= 0 && !(ch in boxes)) {
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + 1);
        const r = range.getBoundingClientRect();
        boxes[ch] = {x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height};
      }
    }
  }
  return [boxes[a], boxes[b]];
}
"""


def test_filter_open_review_reload(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: apt-get install chromium (make system-deps)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(20_000)
            # log in (name and token)
            page.goto(f"{server}/login?next=/findings")
            page.fill("input[name=name]", REVIEWER)
            page.fill("input[name=token]", TOKEN)
            page.click("form.login button[type=submit]")
            page.wait_for_url(f"{server}/findings")
            assert page.locator("b.reviewer").inner_text() == REVIEWER
            # filter to sum_mismatch: the select applies itself on change
            page.select_option("select[name=rule]", "sum_mismatch")
            page.wait_for_url("**/findings?*rule=sum_mismatch*")
            rows = page.locator("table.findings-list tbody tr")
            n = rows.count()
            assert n > 0
            assert page.locator("table.findings-list").is_visible()
            assert {rows.nth(k).get_attribute("data-rule") for k in range(n)} == {"sum_mismatch"}
            assert page.locator("#total").inner_text() == str(n)
            assert "分项之和与总数不符" in rows.first.locator("td.message").inner_text()
            page.screenshot(path=str(ARTIFACTS / "serve_findings.png"))
            # open the first finding's report
            key = rows.first.get_attribute("data-key")
            assert key
            rows.first.locator("td.report a").click()
            page.wait_for_url("**/reports/**")
            text = page.locator("section.doc div.text")
            assert text.is_visible() and len(text.inner_text()) > 100
            assert page.locator("mark.fact").count() > 3
            box = page.locator(f'[id="k-{key}"]')
            assert box.is_visible()
            assert box.locator(".state-badge").inner_text() == "待复核"
            # confirm it with a note (saved in place by the page's script)
            box.locator("input[value=confirmed]").check()
            box.locator("input[name=note]").fill(NOTE)
            box.locator("button[type=submit]").click()
            page.locator(f'[id="k-{key}"].state-confirmed').wait_for()
            # reload: the verdict is the store's
            page.reload()
            box = page.locator(f'[id="k-{key}"]')
            assert box.locator(".state-badge").inner_text() == "已确认"
            assert box.locator(".note").inner_text() == NOTE
            assert REVIEWER in box.locator(".by").inner_text()
            shot = ARTIFACTS / "serve_report.png"
            page.screenshot(path=str(shot), full_page=True)
            # the Chinese glyphs are drawn: two different characters of the title differ on screen
            title = page.locator("section.doc h2").inner_text()
            han = [ch for ch in dict.fromkeys(title) if "\u4e00" <= ch <= "\u9fff"]
            assert len(han) >= 2, title
            boxes = page.evaluate(_CHAR_BOXES, ["section.doc h2", han[0], han[1]])
            crops = crops_at(Image.open(shot), [(round(b["x"]), round(b["y"]), round(b["x"] + b["width"]),
                                                 round(b["y"] + b["height"])) for b in boxes])
            why = tofu(crops)
            assert why is None, f"CJK glyphs not rendered ({han[0]} vs {han[1]}): {why}"
        finally:
            browser.close()
    assert os.path.getsize(ARTIFACTS / "serve_report.png") > 20_000

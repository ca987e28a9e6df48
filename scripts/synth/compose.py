"""Compose one synthetic file: a report (or a compilation of reports) with its gold annotation
and the inconsistencies injected into it.

Everything random comes from the ``Random`` passed in (``Random(f"{seed}:{index}")``), choices are
made from lists and tuples only, so a seed and index always give the same bytes.

A ``Writer`` writes one report in three steps: it picks who writes, where and when; it writes
the blocks (title, intro, breakdowns, rates, visits, events…) with the injections that change
how a block is written (a mismatched breakdown, a reversed range…) decided up front; then it
applies the injections that blank or drop a figure already written (placeholder, missing figure)
on figures no other rule relies on.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any, Literal

from .dates import Point, cn_date, one, span
from .model import Breakdown, Doc, DPoint, Fact, Flag, Item, Tok, consistent
from .numerals import Approx, Interval, written
from .tradition import table as s2t_table

__all__ = ["RULES", "Campaign", "campaigns", "compose"]

DATA = Path(__file__).with_name("data")

RULES = ("sum_mismatch", "date_range_reversed", "date_implausible", "placeholder", "duplicate_conflict",
         "below_minimum", "above_maximum", "unit_mismatch", "missing_figure", "heading_count")
# Relative weights of the rules a report gets (heading_count is drawn apart: it makes a compilation).
_WEIGHTS = {"sum_mismatch": 14, "date_range_reversed": 10, "date_implausible": 10, "placeholder": 14,
            "duplicate_conflict": 10, "below_minimum": 9, "above_maximum": 9, "unit_mismatch": 8,
            "missing_figure": 9}
_EXCLUSIVE = (("below_minimum", "above_maximum"),)

_WIDE = {ord(a): b for a, b in zip("0123456789.", "０１２３４５６７８９．", strict=True)}
_SLOT = re.compile(r"\{([^{}]+)\}")
# Typical size of a report's main group, by the issuer's level.
_SCALE = {"市": (300, 5000), "县": (200, 3000), "区": (150, 2000), "街道": (60, 800), "镇": (50, 600),
          "社区": (20, 200), "公司": (20, 300)}
_RATES = (200, 300, 500, 600, 800, 1000, 1200, 1500, 2000, 3000, 5000)
_IMPOSSIBLE = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 5), (13, 12), (2, 30))


# ---------------------------------------------------------------- data

@dataclass(frozen=True, slots=True)
class TotalSpec:
    group: str
    unit: str
    categories: tuple[str, ...]
    subs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who writes: the name pattern, the level (市, 县, 街道…), how the report calls the writer,
    whom a report is addressed to (``to``), whom a notice goes to (``down``), leaders' titles."""

    pattern: str
    level: str
    self_words: tuple[str, ...]
    to: tuple[str, ...]
    down: tuple[str, ...]
    leaders: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Campaign:
    key: str
    label: str
    stem: str
    season: str
    types: tuple[str, ...]
    issuers: tuple[Issuer, ...]
    verbs: tuple[str, ...]
    funds: tuple[str, ...]
    money_items: tuple[str, ...]
    meetings: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]
    guests: tuple[tuple[str, str], ...]
    rate_groups: tuple[tuple[str, str], ...]
    totals: tuple[TotalSpec, ...]
    tiers: tuple[tuple[str, ...], ...]
    titles: dict[str, tuple[str, ...]]
    intros: tuple[str, ...]
    goods: tuple[str, ...]
    misc: tuple[str, ...]
    background: tuple[str, ...]
    closings: tuple[str, ...]


def _load(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


@functools.cache
def vocab() -> dict[str, Any]:
    return _load("vocab.toml")


@functools.cache
def phrases() -> dict[str, Any]:
    return _load("phrases.toml")


@functools.cache
def campaigns() -> tuple[Campaign, ...]:
    """The campaigns (templates) of ``data/campaigns.toml``, in file order."""
    out = []
    for c in _load("campaigns.toml")["campaign"]:
        out.append(Campaign(
            key=c["key"], label=c["label"], stem=c["stem"], season=c["season"], types=tuple(c["types"]),
            issuers=tuple(Issuer(i["pattern"], i["level"], tuple(i["self"]), tuple(i["to"]),
                                 tuple(i.get("down", i["to"])), tuple(i["leaders"])) for i in c["issuers"]),
            verbs=tuple(c["verbs"]), funds=tuple(c["funds"]),
            money_items=tuple(c["money_items"]), meetings=tuple(c["meetings"]),
            groups=tuple((g, u) for g, u in c["groups"]), guests=tuple((g, u) for g, u in c["guests"]),
            rate_groups=tuple((g, u) for g, u in c["rate_groups"]),
            totals=tuple(TotalSpec(t["group"], t["unit"], tuple(t["categories"]), tuple(t["subs"]))
                         for t in c["totals"]),
            tiers=tuple(tuple(t) for t in c.get("tiers", [])),
            titles={k: tuple(v) for k, v in c["titles"].items()},
            intros=tuple(c["intros"]), goods=tuple(c["goods"]), misc=tuple(c["misc"]),
            background=tuple(c["background"]), closings=tuple(c["closings"]),
        ))
    return tuple(out)


@functools.cache
def _parse(template: str) -> tuple[str | tuple[str, ...], ...]:
    """A phrasing split into literal text and slots (``{name}`` or ``{c:户:1:5}`` → ('c', '户', '1', '5'))."""
    out: list[str | tuple[str, ...]] = []
    pos = 0
    for m in _SLOT.finditer(template):
        if m.start() > pos:
            out.append(template[pos : m.start()])
        out.append(tuple(m.group(1).split(":")))
        pos = m.end()
    if pos < len(template):
        out.append(template[pos:])
    return tuple(out)


def _has_slot(template: str, name: str) -> bool:
    return any(isinstance(p, tuple) and p[0] == name for p in _parse(template))


Slot = Item | Sequence[Item]


def _round_to(v: float, q: int) -> int:
    return max(q, round(v / q) * q)


# ---------------------------------------------------------------- one report

@dataclass(slots=True)
class Host:
    """A spot a placeholder or a missing numeral may take."""

    kind: Literal["fig", "name", "place", "year", "dateline", "eventdate"]
    tok: Tok
    wan: bool = False
    #: snippet context for a blank person's name (同志 after it, 联系人： before it)
    left: int = 0
    right: int = 2


class Writer:
    """Writes one report of campaign ``camp`` with the injected ``rules``."""

    def __init__(self, rng: Random, camp: Campaign, rules: Sequence[str], *, big5: bool, wide: bool = False,
                 heading: str | None = None) -> None:
        self.rng = rng
        self.camp = camp
        self.rules = list(rules)
        self.big5 = big5
        self.heading = heading
        self.doc = Doc()
        self.reserved: set[tuple[str, str]] = set()
        self.stated: list[tuple[str, str, Tok]] = []  # exact group counts a restatement may repeat
        self.totals: set[int] = set()  # ids of breakdown totals among them
        self.hosts: list[Host] = []
        self.used: set[int] = set()  # ids of tokens other rules rely on
        self.funds_used: list[str] = []
        self.cn_pref = rng.random() < 0.12
        self.sep_pref = rng.random() < 0.5 and not wide  # no 1,200 among full-width digits
        self.kind = rng.choice(camp.types)
        iss = rng.choice(camp.issuers)
        self.iss = iss
        self.level = iss.level
        self.place_stem, self.place_suffix = rng.choice(vocab()["places"][iss.level])
        self.place = self.place_stem + self.place_suffix
        self.issuer_pattern = iss.pattern
        self.issuer = iss.pattern.replace("{place}", self.place)
        self.self_word = rng.choice(iss.self_words)
        self.area = iss.level  # 全市, 全县, 全街道…
        self.scale = _SCALE[iss.level]
        self._timeline()
        self.date_implausible = ""
        if "date_implausible" in self.rules:
            options = ["impossible", "long", "later"]
            self.date_implausible = rng.choice(options)

    # -------------------------------------------------------- helpers

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def flag(self, rule: str, tok: Tok, detail: str, *, left: int = 0, right: int = 0, clip: bool = True,
             first: Tok | None = None) -> None:
        self.doc.flags.append(Flag(rule, tok, left, right, detail, clip, first))
        self.used.add(id(tok))

    def take_fund(self) -> str:
        """A fund name no other block of the report uses yet, so that a per-unit standard
        (每户不低于1000元慰问金) is only ever read against its own block's figures."""
        pool = [f for f in self.camp.funds if f not in self.funds_used] or list(self.camp.funds)
        fund = self.rng.choice(pool)
        self.funds_used.append(fund)
        return fund

    def reserve(self, subject: str, unit: str) -> bool:
        """Claim a group and measure word for one figure; False when the report already uses it."""
        key = (subject, unit)
        if key in self.reserved:
            return False
        self.reserved.add(key)
        return True

    def free_group(self, options: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
        pool = [(g, u) for g, u in options if (g, u) not in self.reserved
                and all(g != r for r, _ in self.reserved)]
        if not pool:
            return None
        g, u = self.rng.choice(pool)
        self.reserve(g, u)
        return g, u

    def count(self, value: int, unit: str, subject: str = "", *, approx: Approx | None = None,
              cn: bool | None = None, wan: bool | None = None, host: bool = False) -> list[Item]:
        """A count figure with any hedge word around it (``wan``: 1.2万人, good to ±500)."""
        rng = self.rng
        if cn is None:
            cn = value < 10000 and (rng.random() < 0.6 if self.cn_pref else rng.random() < 0.04)
        if wan is None:
            wan = value >= 10000 and value % 1000 == 0 and rng.random() < 0.5
        wan = wan and not cn and approx is None
        w = written(value, cn=cn, wan=wan, sep=self.sep_pref, approx=approx)
        tok = Tok(w.numeral + unit, Fact("count", value, unit, approx=w.approx, interval=w.interval, subject=subject))
        if host and approx is None:
            self.hosts.append(Host("fig", tok))
        return _hedged(tok, approx)

    def money(self, value: int, *, qualifier: str | None = None, approx: Approx | None = None,
              form: str | None = None, host: bool = False) -> list[Item]:
        """An amount in yuan, written in 元, 万元 or 亿元 as suits it."""
        rng = self.rng
        if form is None:
            if value >= 10**8 and value % 10**6 == 0 and rng.random() < 0.6:
                form = "yi"
            elif value >= 10000 and value % 100 == 0 and rng.random() < 0.75:
                form = "wan"
            elif _few_digits(value) and (self.cn_pref or rng.random() < 0.06):
                form = "cn"
            else:
                form = "yuan"
        if approx is not None:  # a hedged figure is a round one: 5万余元, 约1.2亿元 is no hedge
            if form == "yi" and value % 10**8:
                form = "wan"
            if value >= 10**4 and value % 10**4 == 0 and form in ("yuan", "cn"):
                form = "wan"
            if form == "wan" and value % 10**4:
                form = "yuan"
        w = written(value, wan=form == "wan", yi=form == "yi", cn=form == "cn", sep=self.sep_pref, approx=approx)
        tok = Tok(w.numeral + "元", Fact("money", value, approx=w.approx, qualifier=qualifier, interval=w.interval))
        if host and approx is None and qualifier is None:
            self.hosts.append(Host("fig", tok, wan=form == "wan"))
        return _hedged(tok, approx)

    def render(self, template: str, **slots: Slot) -> list[Item]:
        """A phrasing with its slots filled; inline ``{c:…}``/``{m:…}``/``{yh:…}`` slots are made here."""
        out: list[Item] = []
        for part in _parse(template):
            if isinstance(part, str):
                out.append(part)
                continue
            name = part[0]
            if name == "c":
                unit, lo, hi = part[1], int(part[2]), int(part[3])
                out.extend(self.count(self._nice(lo, hi), unit, host=True))
            elif name == "m":
                lo, hi = int(part[1]), int(part[2])
                value = self._nice(lo, hi, money=True)
                hedge: Approx | None = None
                if 20000 <= value < 10**8 and self.rng.random() < 0.15:  # 5万余元, 约9万元, 近300万元
                    hedge = self.rng.choice(("余", "余", "多", "约", "近"))
                    value = max(10000, _round_to(value, 10 ** (len(str(value)) - 2)))  # 1700多万, not 1783多万
                out.extend(self.money(value, approx=hedge, host=True))
            elif name == "yh":
                tok = Tok(f"{self.year}年{part[1]}", Fact("date", optional=True, years=(self.year,)))
                self.force_dateline = True
                out.append(tok)
            elif name in slots:
                val = slots[name]
                if isinstance(val, str | Tok):
                    out.append(val)
                else:
                    out.extend(val)
            elif name in ("self",):
                out.append(self.self_word)
            elif name == "issuer":
                out.append(self.issuer)
            elif name == "place":
                out.append(self.place)
            elif name == "area":
                out.append(self.area)
            else:
                raise KeyError(f"slot {name!r} unfilled in {template!r}")
        return out

    def _nice(self, lo: int, hi: int, *, money: bool = False) -> int:
        """A figure between lo and hi, as round as reports like them."""
        v = self.rng.randint(lo, hi)
        if money:
            q = 10**6 if v >= 10**8 else 10000 if v >= 10**6 else 1000 if v >= 50000 else 100
        else:
            q = 100 if v >= 5000 else 10 if v >= 300 and self.rng.random() < 0.5 else 1
        return max(lo, _round_to(v, q)) if q > 1 else v

    # -------------------------------------------------------- timeline and dates

    def _timeline(self) -> None:
        rng = self.rng
        season = self.camp.season
        y = rng.randint(2015, 2023)
        if season == "spring":
            e = date(y, 1, 8) + timedelta(rng.randint(0, 30))
            s = e - timedelta(rng.randint(4, 28))
            r = e + timedelta(rng.randint(1, 15))
        elif season == "autumn":
            s = date(y, 7, 15) + timedelta(rng.randint(0, 45))
            e = s + timedelta(rng.randint(8, 40))
            r = e + timedelta(rng.randint(2, 20))
        elif season == "year":
            s = date(y, 1, 1) + timedelta(rng.randint(0, 60))
            e = date(y, 10, 20) + timedelta(rng.randint(0, 40))
            r = e + timedelta(rng.randint(3, 20))
        elif season == "summer":
            s = date(y, 6, 10) + timedelta(rng.randint(0, 60))
            e = s + timedelta(rng.randint(6, 30))
            r = e + timedelta(rng.randint(3, 20))
        elif season == "chongyang":
            s = date(y, 10, 1) + timedelta(rng.randint(0, 20))
            e = s + timedelta(rng.randint(0, 12))
            r = e + timedelta(rng.randint(1, 10))
        elif season == "may":
            s = date(y, 4, 15) + timedelta(rng.randint(0, 30))
            e = s + timedelta(rng.randint(5, 25))
            r = e + timedelta(rng.randint(1, 10))
        else:  # bayi
            s = date(y, 7, 12) + timedelta(rng.randint(0, 14))
            e = date(y, 7, 29) + timedelta(rng.randint(0, 7))
            r = e + timedelta(rng.randint(2, 15))
        self.year, self.start, self.end, self.report_date = r.year, s, e, r
        self.force_dateline = False

    def period(self, *, lead: bool, reverse: bool = False) -> list[Item]:
        """The activity period (or, reversed, a range that ends before it starts)."""
        rng = self.rng
        s, e, r = self.start, self.end, self.report_date
        if reverse:
            a = e if e < r else r - timedelta(1)
            b = a - timedelta(rng.randint(3, 70))
            return self._reversed(a, b, lead)
        forms = ["day", "day", "month", "xun", "single"] + (["kaishi"] if lead else [])
        for _ in range(8):
            form = rng.choice(forms)
            tok = self._period_form(form, s, e, r)
            if tok is not None:
                return ([("从" if rng.random() < 0.7 else "自"), tok, "，"] if tok.text.count("开始至")
                        else [tok, "，"]) if lead else ["于", tok]
        return [self._day_range(s, e), "，"] if lead else ["于", self._day_range(s, e)]

    def _yearless_ok(self, *ds: date) -> bool:
        return all(d.year == self.year for d in ds)

    def _day_range(self, s: date, e: date) -> Tok:
        rng = self.rng
        if s == e:
            return one(Point.of(s), year=not self._yearless_ok(s) or rng.random() < 0.5)
        show_a = not self._yearless_ok(s, e) or rng.random() < 0.55
        show_b = s.year != e.year or (show_a and rng.random() < 0.3)
        month_b = show_b or s.month != e.month or rng.random() < 0.5
        sep = rng.choice(("至", "至", "至", "至", "到", "—"))
        return span(Point.of(s), Point.of(e), year=show_a, year_b=show_b, month_b=month_b, sep=sep)

    def _period_form(self, form: str, s: date, e: date, r: date) -> Tok | None:
        rng = self.rng
        if form == "day":
            return self._day_range(s, e)
        if form == "single":
            return one(Point.of(s), year=not self._yearless_ok(s) or rng.random() < 0.5) if s == e else None
        if form in ("month", "xun", "kaishi"):
            def pt(d: date, kind: str) -> Point:
                if kind == "xun":
                    return Point("xun", d.year, d.month, xun="上" if d.day <= 10 else "中" if d.day <= 20 else "下")
                return Point("month", d.year, d.month)

            kind = "xun" if form == "xun" or (form == "kaishi" and rng.random() < 0.5) else "month"
            a, b = pt(s, kind), pt(e, "month" if form == "kaishi" and rng.random() < 0.5 else kind)
            if b.last() > r or (a == b and form == "kaishi"):
                return None
            feb_end = b.m == 2 and b.kind != "day" and (b.kind == "month" or b.xun == "下")
            show_a = not self._yearless_ok(s, e) or feb_end or rng.random() < 0.6
            if a == b and form != "kaishi":
                return one(a, year=show_a)
            show_b = s.year != e.year or (show_a and rng.random() < 0.3)
            return span(a, b, year=show_a, year_b=show_b, kaishi=form == "kaishi")
        return None

    def _reversed(self, a: date, b: date, lead: bool) -> list[Item]:
        """``A至B`` with B before A; A always shows its year so that no reading crosses a year end."""
        rng = self.rng
        form = rng.choice(("day", "day", "day", "month", "kaishi"))
        if form != "day" and (a.year, a.month) == (b.year, b.month):
            form = "day"
        if form == "day":
            same_month = (a.year, a.month) == (b.year, b.month)
            show_b = a.year != b.year or rng.random() < 0.5
            month_b = show_b or not same_month or rng.random() < 0.5
            tok = span(Point.of(a), Point.of(b), year=True, year_b=show_b, month_b=month_b,
                       sep=rng.choice(("至", "至", "到")))
        elif form == "month":
            tok = span(Point("month", a.year, a.month), Point("month", b.year, b.month), year=True, year_b=True)
        else:
            xa = Point("xun", a.year, a.month, xun="上" if a.day <= 10 else "中" if a.day <= 20 else "下")
            tok = span(xa, Point("month", b.year, b.month), year=True, year_b=True, kaishi=True)
        assert tok.fact is not None
        self.flag("date_range_reversed", tok, f"{tok.text}: ends {b.isoformat()} before it starts")
        if lead:
            return (["从", tok, "，"] if "开始至" in tok.text else [tok, "，"])
        return ["于", tok] if "开始至" not in tok.text else ["从", tok]

    def event_date(self) -> list[Item]:
        """The day of an event: within the activity, or (injected) impossible or after the date line."""
        rng = self.rng
        if self.date_implausible == "impossible":
            month, day = rng.choice(_IMPOSSIBLE)
            text = (f"{self.year}年" if rng.random() < 0.6 else "") + f"{month}月{day}日"
            tok = Tok(text)  # no gold date: there is no such day
            self.flag("date_implausible", tok, f"{text}: no such day")
            self.date_implausible = "done"
            return [tok]
        if self.date_implausible == "later":
            d = self.report_date + timedelta(rng.randint(12, 90))
            tok = one(Point.of(d), year=True)
            self.flag("date_implausible", tok, f"{tok.text}: after the report's date line {self.report_date}")
            self.date_implausible = "done"
            self.force_dateline = True
            return [tok]
        lo, hi = self.start, min(self.end, self.report_date)
        d = lo + timedelta(rng.randint(0, max(0, (hi - lo).days)))
        tok = one(Point.of(d), year=not self._yearless_ok(d) or rng.random() < 0.4)
        if d.year == self.year:
            self.hosts.append(Host("eventdate", tok))
        return [tok]

    def year_range(self) -> Tok:
        """A span of years for a background sentence; longer than five years when injected."""
        rng = self.rng
        long = self.date_implausible == "long"
        y2 = self.year - rng.randint(1, 2)
        y1 = y2 - (rng.randint(6, 9) if long else rng.randint(1, 3))
        if rng.random() < 0.5:
            tok = span(Point("year", y1), Point("year", y2), year=True, year_b=True)
        else:
            tok = span(Point("month", y1, 1), Point("month", y2, 12), year=True, year_b=True)
        if long:
            self.flag("date_implausible", tok, f"{tok.text}: a range of {y2 - y1 + 1} years")
            self.date_implausible = "done"
        return tok

    # -------------------------------------------------------- blocks

    def title(self) -> None:
        if self.heading is not None:
            self.doc.line(self.heading)
            return
        options = self.camp.titles.get(self.kind) or self.camp.titles["summary"]
        template = self.pick(options)
        year_tok = one(Point("year", self.year), year=True)
        if _has_slot(template, "year"):
            self.hosts.append(Host("year", year_tok))
        self.doc.line(self.render(template, year=year_tok))

    def intro(self) -> None:
        rng = self.rng
        reverse = "date_range_reversed" in self.rules
        options = [t for t in self.camp.intros if _has_slot(t, "when") or _has_slot(t, "lead")] if reverse \
            else list(self.camp.intros)
        template = rng.choice(options)
        when: list[Item] = []
        lead: list[Item] = []
        if _has_slot(template, "when"):
            when = self.period(lead=False, reverse=reverse)
        if _has_slot(template, "lead"):
            lead = self.period(lead=True, reverse=reverse)
        year_tok = one(Point("year", self.year), year=True)
        report = phrases()["report"][self.kind]
        items = self.render(template, when=when, lead=lead, report=report, year=year_tok)
        if self.kind == "news":
            items = [*self.render(self.pick(phrases()["news_lead"]), name=self.pick(vocab()["people"]["names"])),
                     *items]
        self.doc.line(items)

    def count_breakdown(self, mode: Literal["ok", "sum", "unit"]) -> list[Item] | None:
        rng = self.rng
        specs = [t for t in self.camp.totals if (t.group, t.unit) not in self.reserved]
        if mode == "unit":
            specs = [t for t in specs if t.unit in ("名", "人", "户")]
        if not specs:
            return None
        spec = rng.choice(specs)
        self.reserve(spec.group, spec.unit)
        areas: list[str] = list(vocab()["parts"][self.level])
        categories = [c for c in spec.categories if all(c != g for g, _ in self.reserved)]
        # 合计 after the parts: only for parts that name what is counted (百岁老人3名、…，合计361名)
        after = mode != "unit" and len(categories) >= 2 and rng.random() < 0.15
        by_area = not after and (mode == "unit" or len(categories) < 2 or rng.random() < 0.55)
        pool = areas if by_area else categories
        k = rng.randint(2, min(5, len(pool)))
        names = rng.sample(pool, k)
        unit = spec.unit
        part_unit = unit
        if mode == "unit":
            part_unit = "户" if unit in ("名", "人") else rng.choice(("名", "人"))
        elif unit == "人" and rng.random() < 0.2:
            part_unit = "名"
        for n in names:
            self.reserve(n, part_unit)
        lo, hi = self.scale
        total = max(k * 8, rng.randint(lo, hi))
        approx_total: Approx | None = None
        if mode != "unit" and rng.random() < 0.25:
            total = _round_to(total, 100 if total >= 300 else 10)
            approx_total = rng.choice(("余", "余", "多"))
        total_items = self.count(total, unit, spec.group, approx=approx_total)
        total_tok = _tok_of(total_items)
        parts, part_toks = self._count_parts(names, total, part_unit, approx_total is not None, mode == "sum",
                                             total_tok, subs=spec.subs if mode != "unit" else ())
        sep = rng.choice(("、", "、", "、", "，", "；"))
        joined: list[Item] = []
        for i, p in enumerate(parts):
            if i:
                joined.append(sep)
            joined.extend(p)
        template = self.pick(phrases()["count_breakdown_after" if after else "count_breakdown"])
        verb = Tok(self.pick(self.camp.verbs))
        items = self.render(template, verb=verb, group=spec.group, N=total_items, parts=joined)
        # the snippet: 共慰问困难家庭700余户 (or 合计1511人 after the parts)
        first, left = (None, 2) if after else (verb, 1)
        b = Breakdown("count", total_tok, part_toks, unit)
        self.doc.breakdowns.append(b)
        self.used.add(id(total_tok))
        self.used.update(id(t) for t in part_toks)
        if mode == "sum":
            assert not consistent(b)
            self.flag("sum_mismatch", total_tok, _sum_detail(b), left=left, first=first)
        else:
            assert consistent(b)
        if mode == "unit":
            self.flag("unit_mismatch", total_tok, f"total in {unit}, parts in {part_unit}", left=left, first=first)
        elif not after and approx_total is None:
            self.stated.append((spec.group, unit, total_tok))
            self.totals.add(id(total_tok))
        return items

    def _count_parts(self, names: list[str], total: int, unit: str, approx_total: bool, mismatch: bool,
                     total_tok: Tok, subs: tuple[str, ...]) -> tuple[list[list[Item]], list[Tok]]:
        rng = self.rng
        k = len(names)
        assert total_tok.fact is not None and total_tok.fact.interval is not None
        tiv = total_tok.fact.interval
        for attempt in range(12):
            target = total
            if mismatch:
                f = rng.uniform(0.72, 0.9) if rng.random() < 0.5 else rng.uniform(1.1, 1.3)
                target = max(k * 2, round(total * f))
            q = 10 if approx_total and target >= k * 20 and target % 10 == 0 else 1
            values = _partition(rng, target, k, q)
            hedges: list[Approx | None] = [
                "余" if approx_total and v % 10 == 0 and v >= 20 and rng.random() < 0.5 else None for v in values]
            ivs = [written(v, approx=h).interval for v, h in zip(values, hedges, strict=True)]
            meets = Interval.total(ivs).meets(tiv)
            if meets != mismatch:
                break
            if attempt == 11:  # only a mismatch can miss: parts drawn to sum to the total meet it
                values = _apart(rng, total, k, 1, lambda v: written(v).interval, tiv)
                hedges = [None] * k
        sub_at = rng.randrange(k) if subs and rng.random() < 0.3 else -1
        out: list[list[Item]] = []
        toks: list[Tok] = []
        for i, (name, v, h) in enumerate(zip(names, values, hedges, strict=True)):
            items = self.count(v, unit, name, approx=h, wan=False)  # as the partition was checked
            toks.append(_tok_of(items))
            piece: list[Item] = [name, *items]
            free_subs = [x for x in subs if all(x != g for g, _ in self.reserved)]
            if i == sub_at and v >= 4 and free_subs:
                sub = rng.choice(free_subs)
                self.reserve(sub, unit)
                sv = rng.randint(1, max(1, v // 3))
                piece += ["（", sub, *self.count(sv, unit, sub, cn=False), "）"]
            out.append(piece)
        return out, toks

    def money_breakdown(self, mode: Literal["ok", "sum"]) -> list[Item]:
        rng = self.rng
        fund = self.take_fund()
        by_area = rng.random() < 0.45
        pool = list(vocab()["parts"][self.level]) if by_area else list(self.camp.money_items)
        k = rng.randint(2, min(5, len(pool)))
        names = rng.sample(pool, k)
        lo, hi = self.scale
        per = rng.choice((300, 500, 800, 1000, 1500, 2000))
        raw = rng.randint(lo, hi) * per
        q = rng.choice((1000, 1000, 10000, 100))
        if q == 100 and raw >= 200000:
            q = 1000
        while q > 100 and raw < 2 * k * q:
            q //= 10
        total = _round_to(raw, q)
        style = "yuan" if q == 100 else "wan"
        form = style
        total_items = self.money(total, form=form)
        total_tok = _tok_of(total_items)
        assert total_tok.fact is not None and total_tok.fact.interval is not None
        for attempt in range(12):
            target = total
            if mode == "sum":
                f = rng.uniform(0.75, 0.92) if rng.random() < 0.5 else rng.uniform(1.08, 1.3)
                target = _round_to(total * f, q)
            target = max(target, k * q)
            values = _partition(rng, target, k, q)
            ivs = [written(v, wan=form == "wan").interval for v in values]
            if Interval.total(ivs).meets(total_tok.fact.interval) != (mode == "sum"):
                break
            if attempt == 11:  # only a mismatch can miss: parts drawn to sum to the total meet it
                values = _apart(rng, total, k, q, lambda v: written(v, wan=form == "wan").interval,
                                total_tok.fact.interval)
        sep = rng.choice(("、", "、", "；", "，"))
        joined: list[Item] = []
        toks: list[Tok] = []
        for i, (name, v) in enumerate(zip(names, values, strict=True)):
            if i:
                joined.append(sep)
            items = self.money(v, form=form)
            toks.append(_tok_of(items))
            joined += [name, *items]
        fund_tok = Tok(fund)
        items = self.render(self.pick(phrases()["money_breakdown"]), fund=fund_tok, M=total_items, parts=joined)
        b = Breakdown("money", total_tok, toks, "元")
        self.doc.breakdowns.append(b)
        self.used.add(id(total_tok))
        self.used.update(id(t) for t in toks)
        if mode == "sum":
            self.flag("sum_mismatch", total_tok, _sum_detail(b), left=2, first=fund_tok)
        return items

    def tiered(self, mode: Literal["ok", "sum"]) -> list[Item] | None:
        """金秋助学: tiers with their own rate and subtotal, a count and a money breakdown."""
        rng = self.rng
        if not self.camp.tiers:
            return None
        tiers = [t for t in rng.choice(self.camp.tiers) if all(t != g for g, _ in self.reserved)]
        spec = next((t for t in self.camp.totals if (t.group, t.unit) not in self.reserved), None)
        if spec is None or len(tiers) < 2:
            return None
        unit = spec.unit
        self.reserve(spec.group, unit)
        rates = sorted(rng.sample((1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000), len(tiers)), reverse=True)
        lo, hi = self.scale
        counts = [max(3, rng.randint(lo, hi) // len(tiers)) for _ in tiers]
        subtotals = [n * r for n, r in zip(counts, rates, strict=True)]
        n_total = sum(counts)
        m_total = sum(subtotals)
        if mode == "sum":
            f = rng.uniform(0.8, 0.93) if rng.random() < 0.5 else rng.uniform(1.07, 1.2)
            m_total = _round_to(m_total * f, 1000)
        n_items = self.count(n_total, unit, spec.group, cn=False)
        m_items = self.money(m_total, form="wan" if m_total % 100 == 0 else "yuan")
        pieces: list[Item] = []
        n_toks: list[Tok] = []
        m_toks: list[Tok] = []
        for i, (name, n, rate, sub) in enumerate(zip(tiers, counts, rates, subtotals, strict=True)):
            self.reserve(name, unit)
            if i:
                pieces.append("；")
            c = self.count(n, unit, name, cn=False)
            t = self.money(sub, form="wan" if sub % 100 == 0 else "yuan")
            n_toks.append(_tok_of(c))
            m_toks.append(_tok_of(t))
            pieces += self.render(self.pick(phrases()["tier"]), group=name, N=c, R=self.money(rate, form="yuan"), T=t)
        fund = Tok(self.take_fund())
        items = self.render(self.pick(phrases()["tiered"]), group=spec.group, N=n_items, fund=fund, M=m_items,
                            tiers=pieces)
        cb = Breakdown("count", _tok_of(n_items), n_toks, unit)
        mb = Breakdown("money", _tok_of(m_items), m_toks, "元")
        self.doc.breakdowns += [cb, mb]
        for tok in (cb.total, mb.total, *n_toks, *m_toks):
            self.used.add(id(tok))
        if mode == "sum":
            assert not consistent(mb)
            self.flag("sum_mismatch", mb.total, _sum_detail(mb), left=2, first=fund)
        return items

    def rate(self, mode: Literal["ok", "below", "above"]) -> list[Item] | None:
        rng = self.rng
        gu = self.free_group(self.camp.rate_groups)
        if gu is None:
            return None
        group, unit = gu
        per = "户" if unit == "户" else "人"
        if mode == "below":
            variant = rng.choice(("min", "min", "exact"))
        elif mode == "above":
            variant = rng.choice(("max", "max", "exact"))
        else:
            variant = rng.choice(("min", "max", "exact", "exact"))
        lo, hi = self.scale
        n = max(5, rng.randint(lo, hi) // 3)
        r = rng.choice(_RATES)
        base = n * r
        if variant == "exact" and mode == "ok":
            factor = 1.0
        elif mode == "ok":
            factor = rng.uniform(1.0, 1.3) if variant == "min" else rng.uniform(0.7, 1.0)
        elif mode == "below":
            factor = rng.uniform(0.6, 0.88)
        else:
            factor = rng.uniform(1.15, 1.5)
        t_val, t_form = _amount(base * factor, exact=variant == "exact" and mode == "ok", value=base)
        # move the total until its interval is on the intended side of n × r
        for _ in range(40):
            iv = written(t_val, wan=t_form == "wan").interval
            if _rate_ok(iv, base, variant, mode):
                break
            step = 1000 if t_form == "wan" else 100
            t_val += step if (variant == "min" and mode == "ok") or mode == "above" else -step
        else:
            raise AssertionError("rate total not found")  # pragma: no cover
        qualifier = {"min": "min", "max": "max", "exact": None}[variant]
        n_items = self.count(n, unit, group, cn=False if self.rng.random() < 0.8 else None)
        r_items = self.money(r, qualifier=qualifier, form="yuan" if rng.random() < 0.85 else "cn")
        t_items = self.money(t_val, form=t_form)
        template = self.pick(phrases()[f"rate_{variant}"])
        fund = Tok(self.take_fund())
        items = self.render(template, group=group, N=n_items, per=per, R=r_items, T=t_items,
                            fund=fund, verb=self.pick(self.camp.verbs))
        t_tok = _tok_of(t_items)
        for it in (n_items, r_items):
            self.used.add(id(_tok_of(it)))
        self.used.add(id(t_tok))
        if mode != "ok":
            rule = "below_minimum" if mode == "below" else "above_maximum"
            word = {"min": "at least", "max": "at most", "exact": "exactly"}[variant]
            # the snippet: 发放慰问金10万元 (the fund right before the total), else a few characters
            first = fund if "{fund}{T}" in template else None
            self.flag(rule, t_tok, f"{n}{unit} × {word} {r}元 = {base}元 vs total {t_val}元",
                      left=2 if first else 5, first=first)
        return items

    def visits(self) -> list[Item] | None:
        gu = self.free_group(self.camp.groups)
        if gu is None:
            return None
        group, unit = gu
        lo, hi = self.scale
        n = max(3, self.rng.randint(lo, hi) // 4)
        approx: Approx | None = self.rng.choice(("约", "近", "左右")) if self.rng.random() < 0.12 else None
        if "duplicate_conflict" in self.rules:  # its figure may be the one restated: keep it exact
            approx = None
        if approx is not None:
            n = _round_to(n, 10)
        name = Tok(self.pick(vocab()["people"]["names"]))
        template = self.pick(phrases()["visits"])
        if _has_slot(template, "name"):
            self.hosts.append(Host("name", name))
        n_items = self.count(n, unit, group, approx=approx, host=True)
        m = _round_to(n * self.rng.choice((200, 300, 500, 800, 1000)) * self.rng.uniform(0.8, 1.2), 100)
        items = self.render(template, title=self.pick(self.iss.leaders), name=name, verb=self.pick(self.camp.verbs),
                            group=group, N=n_items, fund=self.take_fund(), M=self.money(m, host=True))
        if approx is None:
            self.stated.append((group, unit, _tok_of(n_items)))
        return items

    def event(self) -> list[Item] | None:
        recipients = self.rng.random() < 0.4
        gu = self.free_group(self.camp.groups if recipients else self.camp.guests)
        if gu is None:
            return None
        group, unit = gu
        n = self.rng.randint(8, 120)
        n_items = self.count(n, unit, group)
        items = self.render(self.pick(phrases()["events"]), date=self.event_date(),
                            meeting=self.pick(self.camp.meetings),
                            venue=self.pick(phrases()["venues"]), group=group, N=n_items)
        if recipients:
            self.stated.append((group, unit, _tok_of(n_items)))
        return items

    def restate(self, conflict: bool) -> list[Item] | None:
        rng = self.rng
        if not self.stated:
            return None
        choices = self.stated
        if conflict and "sum_mismatch" in self.rules:
            # a sum resting on a figure stated two ways is not checked (XBRL): restate another
            choices = [c for c in self.stated if id(c[2]) not in self.totals] or self.stated
            if choices is self.stated:
                return None
        group, unit, first = rng.choice(choices)
        assert first.fact is not None and first.fact.value is not None
        v = first.fact.value
        if conflict:
            delta = max(2, round(v * rng.uniform(0.05, 0.3)))
            v2 = v + delta if rng.random() < 0.6 or v - delta < 1 else v - delta
        else:
            v2 = v
        n_items = self.count(v2, unit, group)
        tok = _tok_of(n_items)
        items = self.render(self.pick(phrases()["restate"]), group=group, N=n_items)
        self.used.update((id(first), id(tok)))
        if conflict:
            self.flag("duplicate_conflict", tok, f"{group}: {first.text} earlier, {tok.text} here",
                      left=len(group), clip=False)
        return items

    def inline(self, template: str) -> list[Item]:
        return self.render(template, range=self.year_range() if _has_slot(template, "range") else "")

    # -------------------------------------------------------- the report

    def write(self) -> Doc:
        rng = self.rng
        rules = self.rules
        camp = self.camp
        self.title()
        if self.kind == "notice" and rng.random() < 0.7:
            abbr = self.place_stem[0] + rng.choice(("残联", "民", "工", "政"))
            self.doc.line(self.render(self.pick(phrases()["docnum"]), abbr=abbr, dy=str(self.year),
                                      dn=str(rng.randint(2, 60))))
        if self.kind == "notice":
            self.doc.line(self.pick(self.iss.down))
        elif self.kind == "report" or (self.kind == "summary" and rng.random() < 0.1):
            self.doc.line(self.pick(self.iss.to))
        self.intro()

        facts: list[list[Item]] = []
        work: list[list[Item]] = []
        if self.date_implausible == "long" or rng.random() < 0.2:
            facts.append(self.inline(self.pick(camp.background)))
        # breakdowns
        want_sum = "sum_mismatch" in rules
        want_unit = "unit_mismatch" in rules
        sum_on_money = want_sum and (want_unit or rng.random() < 0.45)
        use_tiered = camp.tiers and rng.random() < 0.35 and not want_unit
        if use_tiered:
            t = self.tiered("sum" if want_sum and not sum_on_money else "ok")
            if t is not None:
                facts.append(t)
                if want_sum and not sum_on_money:
                    want_sum = False
        if want_unit or (want_sum and not sum_on_money) or (not use_tiered and rng.random() < 0.7):
            mode: Literal["ok", "sum", "unit"] = (
                "unit" if want_unit else "sum" if want_sum and not sum_on_money else "ok")
            c = self.count_breakdown(mode)
            if c is not None:
                facts.append(c)
                if mode == "sum":
                    want_sum = False
            elif mode == "sum":
                sum_on_money = True
        if (want_sum and sum_on_money) or rng.random() < 0.5:
            facts.append(self.money_breakdown("sum" if want_sum else "ok"))
        # rates
        rate_mode: Literal["ok", "below", "above"] | None = (
            "below" if "below_minimum" in rules else "above" if "above_maximum" in rules
            else "ok" if rng.random() < 0.45 else None)
        if rate_mode is not None:
            r = self.rate(rate_mode)
            if r is not None:
                facts.append(r)
        if rng.random() < 0.65 or {"placeholder", "missing_figure", "duplicate_conflict"} & set(rules):
            v = self.visits()
            if v is not None:
                facts.append(v)
        # work: goods, misc, events, restatements
        if rng.random() < 0.6 or "missing_figure" in rules:
            work.append(self.inline(rng.choice(camp.goods)))
        for m in rng.sample(list(camp.misc), rng.randint(1, 2)):
            work.append(self.inline(m))
        if self.date_implausible in ("impossible", "later") or rng.random() < 0.45:
            ev = self.event()
            if ev is None:  # every group taken: the event without a group
                ev = [*self.event_date(), "，", self.self_word, "召开", self.pick(camp.meetings), "。"]
            work.append(ev)
        if "duplicate_conflict" in rules or rng.random() < 0.2:
            rs = self.restate("duplicate_conflict" in rules)
            if rs is not None:
                work.append(rs)
        if rng.random() < 0.05:
            work.append([self.pick(vocab()["negatives"]["sentences"])])
        if rng.random() < 0.3:
            work.append([self.pick(vocab()["closing"]["idioms"])])
        closing = [self.render(self.pick([*camp.closings, *vocab()["closing"]["generic"]]))]

        self._body(facts, work, closing)
        if self.kind == "notice" or rng.random() < 0.05:
            cname = Tok(self.pick(vocab()["people"]["names"]))
            self.hosts.append(Host("name", cname, left=4, right=0))
            self.doc.line(self.render(self.pick(phrases()["contact"]), cname=cname,
                                      phone=self.pick(vocab()["phones"]["numbers"])))
        self._signoff()
        self._blank_and_drop()
        return self.doc

    def _body(self, facts: list[list[Item]], work: list[list[Item]], closing: list[list[Item]]) -> None:
        rng = self.rng
        heads = vocab()["heads"]
        if self.kind == "news":
            for para in _chunks(rng, facts + work):
                self.doc.line(para)
            self.doc.line(closing[0])
            return
        numerals = "一二三四五"
        sections = [(self.pick(heads["facts"]), facts), (self.pick(heads["work"]), work),
                    (self.pick(heads["next"]), closing)]
        k = 0
        for head, paras in sections:
            if not paras:
                continue
            self.doc.line(f"{numerals[k]}、{head}")
            k += 1
            for para in _chunks(rng, paras):
                self.doc.line(para)

    def _signoff(self) -> None:
        rng = self.rng
        news = self.kind == "news"
        if news and rng.random() < 0.7:
            place = Tok(self.place)
            issuer = self.issuer_pattern.split("{place}")
            self.doc.line(self.render(self.pick(phrases()["news_end"]), issuer=[issuer[0], place, issuer[1]]))
            self.hosts.append(Host("place", place))
            if not self.force_dateline:
                return
        elif not self.force_dateline and rng.random() < 0.1:
            return
        if rng.random() < 0.3:
            self.doc.line("")
        if not news:
            place = Tok(self.place)
            self.hosts.append(Host("place", place))
            before, after = self.issuer_pattern.split("{place}")
            self.doc.line(before, place, after)
        r = self.report_date
        if not self.big5 and rng.random() < 0.12:
            tok = Tok(cn_date(r), Fact("date", start=_dp(r), end=_dp(r), years=(r.year,)))
        else:
            tok = one(Point.of(r), year=True)
        if not self.force_dateline:
            self.hosts.append(Host("dateline", tok))
        self.doc.line(tok)

    # -------------------------------------------------------- blanks and dropped numerals

    def _blank_and_drop(self) -> None:
        rng = self.rng
        hosts = [h for h in self.hosts if id(h.tok) not in self.used]
        if "missing_figure" in self.rules:
            figs = [h for h in hosts if h.kind == "fig" and self._droppable(h)]
            if figs:
                h = rng.choice(figs)
                hosts.remove(h)
                self._drop(h)
        if "placeholder" in self.rules:
            # one finding per blank; a report gets at most two findings in all
            k = 2 if len(self.rules) == 1 and rng.random() < 0.35 else 1
            for h in rng.sample(hosts, min(k, len(hosts))):
                self._blank(h)

    def _droppable(self, h: Host) -> bool:
        """Whether the unit left alone stays a unit: not when it closes a word with the text
        before it (企业 + 家 reads 企业家, 苗 + 头 reads 苗头, 部署会 + 次): the gold must be
        unambiguous, and a reader would not see a missing number there either."""
        assert h.tok.fact is not None
        unit = ("万元" if h.wan else "元") if h.tok.fact.kind == "money" else h.tok.fact.unit
        before = ""
        for t in self.doc.toks:
            if t is h.tok:
                break
            before = (before + t.text)[-4:]
        words = _dictionary()
        return not any(before[-k:] + unit in words for k in range(1, 4)) and not before.endswith("会")

    def _drop(self, h: Host) -> None:
        tok = h.tok
        assert tok.fact is not None
        unit = ("万元" if h.wan else "元") if tok.fact.kind == "money" else tok.fact.unit
        before = tok.text
        tok.text, tok.fact = unit, None
        self.flag("missing_figure", tok, f"{before} written without its numeral", left=6)

    def _blank(self, h: Host) -> None:
        rng = self.rng
        tok = h.tok
        blanks = vocab()["blanks"]
        before = tok.text
        if h.kind == "fig":
            assert tok.fact is not None
            x = rng.choice(blanks["numeral"])
            if tok.fact.kind == "money":
                tok.text = x + ("万元" if h.wan else "元")
                tok.fact = Fact("money", None, placeholder=True)
            else:
                tok.text = x + tok.fact.unit
                tok.fact = Fact("count", None, tok.fact.unit, placeholder=True)
            self.flag("placeholder", tok, f"{before} → {tok.text}", left=6)
        elif h.kind == "name":
            tok.text = rng.choice(blanks["person"])
            self.flag("placeholder", tok, f"{before} → {tok.text}", left=h.left, right=h.right, clip=False)
        elif h.kind == "place":
            tok.text = rng.choice(blanks["place"]) + self.place_suffix
            self.flag("placeholder", tok, f"{before} → {tok.text}", right=3)
        elif h.kind == "year":
            tok.text = "20XX年" if rng.random() < 0.7 else "20xx年"
            tok.fact = Fact("date", placeholder=True)
            self.flag("placeholder", tok, f"{before} → {tok.text}", right=2)
        elif h.kind == "dateline":
            y = self.report_date.year
            form = rng.choice(("ymd", "ymd", "md", "xx"))
            if form == "ymd":
                tok.text = f"{y}年" + rng.choice(("x月x日", "xx月xx日", "X月X日"))
                tok.fact = Fact("date", start=DPoint(y, 1, 1), end=DPoint(y, 12, 31), placeholder=True, years=(y,))
            elif form == "md":
                m = self.report_date.month
                tok.text = f"{y}年{m}月" + rng.choice(("x日", "xx日"))
                tok.fact = Fact("date", start=DPoint(y, m, 1), end=DPoint(y, m, 0), placeholder=True, years=(y,))
            else:
                tok.text = "20XX年x月x日"
                tok.fact = Fact("date", placeholder=True)
            self.flag("placeholder", tok, f"{before} → {tok.text}")
        else:  # eventdate: the day left blank, the month known
            assert tok.fact is not None and tok.fact.start is not None
            month = tok.fact.start.m
            year = tok.fact.start.y
            if year is None and month == 2:  # a year-less February blank would leave its last day unknown
                year = self.year
            tok.text = (f"{year}年" if year is not None else "") + f"{month}月" + rng.choice(("x日", "xx日"))
            tok.fact = Fact("date", start=DPoint(year, month, 1), end=DPoint(year, month, 0), placeholder=True,
                            years=(year,) if year is not None else ())
            self.flag("placeholder", tok, f"{before} → {tok.text}")


def _dp(d: date) -> DPoint:
    return DPoint(d.year, d.month, d.day)


def _hedged(tok: Tok, approx: Approx | None) -> list[Item]:
    if approx in ("约", "近", "逾"):
        return [approx, tok]
    if approx == "左右":
        return [tok, "左右"]
    return [tok]


def _tok_of(items: Sequence[Item]) -> Tok:
    return next(i for i in items if isinstance(i, Tok))


def _few_digits(v: int) -> bool:
    """Small enough and round enough to read well in Chinese numerals (三万五千, 八百)."""
    s = str(v).rstrip("0")
    return v < 10**6 and len(s) <= 2


def _partition(rng: Random, total: int, k: int, q: int) -> list[int]:
    """``k`` positive figures summing to ``total``, all but the last multiples of ``q``.

    >>> sum(_partition(Random(1), 700, 4, 10))
    700
    """
    units, rest = divmod(total, q)
    if units < k:
        units, rest, q = total, 0, 1
    weights = [rng.uniform(0.5, 2.0) for _ in range(k)]
    s = sum(weights)
    parts = [max(1, int(units * w / s)) for w in weights]
    diff = units - sum(parts)
    i = 0
    while diff:
        j = i % k
        if diff > 0:
            parts[j] += 1
            diff -= 1
        elif parts[j] > 1:
            parts[j] -= 1
            diff += 1
        i += 1
    out = [p * q for p in parts]
    out[-1] += rest
    return out


def _apart(rng: Random, total: int, k: int, q: int, interval: Callable[[int], Interval],
           total_iv: Interval) -> list[int]:
    """``k`` parts (as :func:`_partition` draws them) whose summed interval misses ``total_iv``,
    for a mismatch that no target drawn 8-30% off the total makes: a small total of many parts
    written in 万 (1.2万 as five parts of 0.2万, each ±500: any sum within ±3,000 of it meets it;
    seed 202 file 24037). The target steps up from ``total`` by ``q`` until the sum misses.

    >>> wan = lambda v: written(v, wan=True).interval
    >>> values = _apart(Random(1), 12000, 5, 1000, wan, wan(12000))
    >>> sum(values), Interval.total([wan(v) for v in values]).meets(wan(12000))
    (16000, False)
    """
    for step in range(1, 10_000):
        values = _partition(rng, total + step * q, k, q)
        if not Interval.total([interval(v) for v in values]).meets(total_iv):
            return values
    raise AssertionError(f"no {k} parts of {total} miss it")  # pragma: no cover: intervals are bounded


def _amount(v: float, *, exact: bool, value: int) -> tuple[int, str]:
    """A total near ``v`` and the form to write it in: exactly ``value`` when ``exact``."""
    if exact:
        if value % 100 == 0 and value >= 10000:
            return value, "wan"
        return value, "yuan"
    if v >= 10000:
        return _round_to(v, 1000), "wan"
    return _round_to(v, 100), "yuan"


def _rate_ok(iv: Interval, base: int, variant: str, mode: str) -> bool:
    """Whether a total's interval sits where the rate block wants it relative to n × rate."""
    b = base
    if mode == "ok":
        if variant == "min":
            return iv.lo >= b
        if variant == "max":
            return iv.hi <= b
        return iv.lo <= b <= iv.hi
    if mode == "below":  # the figures fall short of n × rate, clearly
        return iv.hi < b * 0.95
    return iv.lo > b * 1.05


def _sum_detail(b: Breakdown) -> str:
    ivs = []
    for t in b.parts:
        assert t.fact is not None and t.fact.interval is not None
        ivs.append(t.fact.interval)
    assert b.total.fact is not None and b.total.fact.interval is not None
    return f"parts {Interval.total(ivs)} vs total {b.total.fact.interval}"


def _chunks(rng: Random, sentences: list[list[Item]]) -> list[list[Item]]:
    """Sentences grouped into paragraphs of one to three."""
    out: list[list[Item]] = []
    i = 0
    while i < len(sentences):
        n = rng.randint(1, 3)
        para: list[Item] = []
        for s in sentences[i : i + n]:
            para += s
        out.append(para)
        i += n
    return out


# ---------------------------------------------------------------- one file

def _plan(rng: Random, inject: bool) -> tuple[list[str], bool]:
    """The rules a file gets, and whether it is a compilation."""
    # About 3% of files are compilations at the default rate: 1.5% drawn here, the rest because
    # heading_count (which needs one) was drawn. These are the first draws of a file's stream.
    compilation = rng.random() < 0.015
    if not inject:
        return [], compilation
    heading = rng.random() < (0.5 if compilation else 0.035)
    if heading:
        compilation = True
    names = list(_WEIGHTS)
    weights = [_WEIGHTS[n] for n in names]
    n = 1 if rng.random() < 0.7 else 2
    if heading:
        n = 0 if rng.random() < 0.6 else 1
    rules: list[str] = []
    while len(rules) < n:
        r = rng.choices(names, weights)[0]
        if r in rules or any(r in pair and o in rules for pair in _EXCLUSIVE for o in pair if o != r):
            continue
        rules.append(r)
    if heading:
        rules.append("heading_count")
    return rules, compilation


def compose(seed: int, index: int, inject: bool) -> tuple[str, dict[str, Any], list[str]]:
    """One file: its text, its gold (shared format plus ``encoding`` and ``injected``) and the
    text of each of its documents."""
    rng = Random(f"{seed}:{index}")
    rules, compilation = _plan(rng, inject)
    roll = rng.random()
    encoding = "gbk" if roll < 0.05 else "big5" if roll < 0.08 else "utf-8"
    wide = rng.random() < 0.05
    table: dict[int, str] = {}
    if encoding == "big5":
        table.update(s2t_table())
    if wide:
        table.update(_WIDE)

    def convert(s: str) -> str:
        return s.translate(table) if table else s

    camp = rng.choice(campaigns())
    name = f"synth_{seed}_{index:05d}.txt"
    doc_rules = [r for r in rules if r != "heading_count"]
    preamble_optional: list[dict[str, Any]] = []
    pre_text = ""
    first_flags: list[dict[str, str]] = []
    injected: list[dict[str, str]] = []
    if compilation:
        n = rng.randint(2, 5)
        declared = n
        if "heading_count" in rules:
            declared = rng.choice([d for d in range(max(2, n - 2), n + 3) if d != n])
        pre = Doc()
        head = Tok(camp.stem)
        heading_count = Tok(f"{declared}篇", Fact("count", declared, "篇", optional=True,
                                                  interval=Interval.point(declared)))
        pre.line(head, heading_count)
        if rng.random() < 0.6:  # the preamble repeats the number (an optional count too)
            again = Tok(f"{declared}篇", Fact("count", declared, "篇", optional=True,
                                             interval=Interval.point(declared)))
            pre.line(rng.choice(("工作总结是对阶段工作的回顾和梳理，下面为大家整理了", "下面是小编为您分享的范文，共")),
                     again, rng.choice(("，仅供参考。", "，感谢您的阅读。", "，欢迎阅读。")))
        else:
            pre.line(rng.choice(("总结是对过去一段时间工作的回顾，以下范文供大家参考。",
                                 "如何写好工作总结？下面是整理的范文，希望对您有所帮助。")))
        if "heading_count" in rules:
            pre.flags.append(Flag("heading_count", head, 0, len(heading_count.text),
                                  f"heading says {declared}篇, the file holds {n}", clip=False))
        pre_text, pre_gold = pre.finish(convert)
        # the N篇 of a compilation's heading and preamble are optional counts
        preamble_optional = pre_gold["facts"]
        first_flags = pre_gold["findings"]
        owners = [rng.randrange(n) for _ in doc_rules]
        # the first report carries the heading_count finding: it counts against its two findings
        writers = [Writer(rng, camp, [r for r, o in zip(doc_rules, owners, strict=True) if o == k]
                          + (["heading_count"] if k == 0 and "heading_count" in rules else []),
                          big5=encoding == "big5", wide=wide, heading=f"{camp.stem}篇{k + 1}") for k in range(n)]
    else:
        writers = [Writer(rng, camp, doc_rules, big5=encoding == "big5", wide=wide)]
    texts: list[str] = []
    docs: list[dict[str, Any]] = []
    for w in writers:
        text, gold = w.write().finish(convert)
        texts.append(text)
        docs.append(gold)
        details = sorted(w.doc.flags, key=lambda f: (f.anchor.start, f.rule))
        for f, g in zip(details, gold["findings"], strict=True):
            injected.append({"rule": f.rule, "text": g["text"], "detail": f.detail})
    if first_flags:
        docs[0]["findings"] = first_flags + docs[0]["findings"]
        injected.insert(0, {"rule": "heading_count", "text": first_flags[0]["text"],
                            "detail": f"heading says {declared}篇, the file holds {len(writers)}"})
    gold_out: dict[str, Any] = {"file": name, "documents": docs, "preamble_optional": preamble_optional,
                                "encoding": encoding, "injected": injected}
    return pre_text + "".join(texts), gold_out, texts


def dump(gold: dict[str, Any]) -> str:
    import json

    return json.dumps(gold, ensure_ascii=False, indent=1) + "\n"


@functools.cache
def _dictionary() -> frozenset[str]:
    """Words a reader knows: jieba's dictionary and the project's domain word lists (危房户)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = {line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()}
    lexicon = Path(__file__).resolve().parents[2] / "extractor" / "data" / "lexicon"
    for name in ("groups.txt", "funds.txt", "idioms.txt"):
        for line in (lexicon / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(line.split()[0])
    return frozenset(words)

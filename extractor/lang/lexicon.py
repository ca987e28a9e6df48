"""The pattern data of ``data/lexicon.toml``, loaded once and typed.

>>> LEXICON.count_units[:2]
('人次', '户次')
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

__all__ = ["LEXICON", "Lexicon"]


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


@dataclass(slots=True)
class Lexicon:
    money_units: tuple[str, ...]
    money_not_after: frozenset[str]
    money_multipliers: frozenset[str]
    count_units: tuple[str, ...]
    count_not_after: tuple[str, ...]
    article_units: frozenset[str]
    people_units: frozenset[str]
    approx_before: tuple[str, ...]
    approx_bare_before: frozenset[str]
    approx_inside: frozenset[str]
    approx_after: tuple[str, ...]
    min_before: tuple[str, ...]
    min_after: tuple[str, ...]
    max_before: tuple[str, ...]
    max_after: tuple[str, ...]
    ordinal_before: tuple[str, ...]
    total_markers: tuple[str, ...]
    parts_markers: tuple[str, ...]
    list_markers: tuple[str, ...]
    #: approximation word → "up", "both" or "down"
    approx_direction: dict[str, str]
    #: measure word (folded) → its class: person, household, event, organization, place
    unit_classes: dict[str, str]
    #: class → its measure words
    units: dict[str, frozenset[str]]
    #: measure word → the one it counts as (名 → 人, 家 → 户)
    counted_as: dict[str, str]
    row_totals: tuple[str, ...]
    subtotals: tuple[str, ...]
    list_end: tuple[str, ...]
    list_links: tuple[str, ...]
    #: a numbered line at a line start, section or item (一、 （二） 第三部分 1、 （3）)
    heading: re.Pattern[str]
    #: a section heading only (一、 （二） 第三部分)
    section: re.Pattern[str]
    #: every form by name (cn, paren_cn, part, num, paren_num, circled), as a named group
    enumerator: re.Pattern[str]
    #: the data file as read, for the word lists that need no field of their own (``words``)
    raw: dict[str, Any]

    def words(self, section: str, key: str) -> tuple[str, ...]:
        """A word list of the data file, longest first (a pattern built from it tries 不超过 before 超过).

        >>> LEXICON.words("count", "bare_units")
        ('名', '位')
        """
        return _longest_first(self.raw[section][key])

    def unit_class(self, unit: str) -> str | None:
        """The class of a folded measure word: ``person`` (人 名), ``household`` (户 家庭), ``event``
        (次 场), ``organization`` (所), ``place`` (处), or None (台, 件: things).

        >>> LEXICON.unit_class("户"), LEXICON.unit_class("人次"), LEXICON.unit_class("台")
        ('household', 'person', None)
        """
        return self.unit_classes.get(unit)

    def counted(self, unit: str) -> str:
        """What a folded measure word counts, as one word: 名, 位 and 人 count heads, 家 and 户
        households (a total in 人 over parts in 名 adds up; over parts in 户 it need not).

        >>> LEXICON.counted("名"), LEXICON.counted("家"), LEXICON.counted("人次")
        ('人', '户', '人次')
        """
        return self.counted_as.get(unit, unit)

    @classmethod
    def load(cls) -> Lexicon:
        raw: dict[str, Any] = tomllib.loads(
            resources.files("extractor").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
        )
        m, c, a, q = raw["money"], raw["count"], raw["approx"], raw["qualifier"]
        return cls(
            money_units=_longest_first(m["units"]),
            money_not_after=frozenset(m["not_after"]),
            money_multipliers=frozenset(m["multipliers"]),
            count_units=_longest_first(c["units"]),
            count_not_after=_longest_first(c["not_after"]),
            article_units=frozenset(c["article_units"]),
            people_units=frozenset(c["people"]),
            approx_before=_longest_first(a["before"]),
            approx_bare_before=frozenset(a["bare_before"]),
            approx_inside=frozenset(a["inside"]),
            approx_after=_longest_first(a["after"]),
            min_before=_longest_first(q["min_before"]),
            min_after=_longest_first(q["min_after"]),
            max_before=_longest_first(q["max_before"]),
            max_after=_longest_first(q["max_after"]),
            ordinal_before=_longest_first(raw["ordinal"]["before"]),
            total_markers=_longest_first(raw["breakdown"]["total_markers"]),
            parts_markers=_longest_first(raw["breakdown"]["parts_markers"]),
            list_markers=tuple(raw["breakdown"]["list_markers"]),
            approx_direction={w: d for d, words in a["direction"].items() for w in words},
            # a word in two classes (家: households and bodies) keeps the first class listed
            unit_classes={w: cls for cls, words in reversed(raw["units"].items()) if isinstance(words, list)
                          for w in words},
            units={cls: frozenset(words) for cls, words in raw["units"].items() if isinstance(words, list)},
            counted_as=dict(raw["units"]["counted"]),
            row_totals=_longest_first(raw["breakdown"]["row_totals"]),
            subtotals=tuple(raw["breakdown"]["subtotals"]),
            list_end=tuple(raw["breakdown"]["list_end"]),
            list_links=_longest_first(raw["breakdown"]["list_links"]),
            heading=_line_start(raw["headings"]["sections"] | raw["headings"]["items"]),
            section=_line_start(raw["headings"]["sections"]),
            enumerator=_line_start({k: f"(?P<{k}>{v})" for k, v in
                                    (raw["headings"]["sections"] | raw["headings"]["items"]).items()}),
            raw=raw,
        )


def _line_start(forms: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"^[ \t\u3000]*(?:" + "|".join(forms.values()) + ")", re.MULTILINE)


LEXICON: Final = Lexicon.load()

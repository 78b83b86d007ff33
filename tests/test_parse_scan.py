"""The parser's shortcuts give exactly what the plain algorithms give.

``szdata.parse`` finds where dates, figures and mentions can start in one pass
(:mod:`szdata._parse._scan`) instead of one ``finditer`` per family, looks for an item's
source at its last brackets only, keeps the longest disjoint names with a bisect, and so
on. Each shortcut is checked here against the plain form it replaces, on texts made of
the tokens that trip parsers (number words, dates, names in odd case and spacing, curly
quotes, brackets, the letters "ı", "İ", "ſ", "K" that case folding treats specially).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import szdata._parse as parser
from szdata._core._normalize import fold, name_key
from szdata._parse import Registry, parse
from szdata._parse._dates import find_dates
from szdata._parse._figures import _Spans, find_figures
from szdata._parse._items import _CUT_SOURCE, _SOURCE, _last_brackets, find_items
from szdata._parse._mentions import find_mentions
from szdata._parse._quantities import UnitWords
from szdata._parse._scan import scan
from szdata._parse._sentences import first_sentence, paragraph_spans, sentence_spans
from tests.conftest import REPO

_WORD_LINES = (
    "Seventeen one One-stop ten Twenty-three a an A hundred million thousand yuan RMB",
    "US dollars % percent per cent days 14-day 70-year-old old more than over nearly",
    "March Mar. Dec 30 19 2020 2020-03-20 2020/3/2 Tuesday next Next last This",
    "yesterday TODAY will No. flight # 10:30 pm two thirds out of sets of masks",
    "Shenzhen SHENZHEN Daily Municipal People's People\u2019s Government sznews.com CPC",
    "One Foundation March Hare 2020 Group Dailyx xShenzhen the of and in (Source: [Source:",
    "\u4e2d 5 41,300 2.6 007 3U8633 COVID-19 1st \u0131 \u0130n \u017feven \u212a \u00e9t\u00e9",
)
TOKENS = [
    *(word for line in _WORD_LINES for word in line.split()),
    *["Shenzhen  Daily", "Shenzhen\nDaily", "Shenzhen\u00a0TV", "CGTN)", "X]", "(", ")", "[", "]"],
    *[".", ",", ";", ":", "!", "?", '"', "'", "-", "\u2014", "\u201c", "\u201d", "\t", "\r\n"],
    *["\n", "\n\n", "\n\n1. ", "\n\n2. "],
]
"""Tokens of the generated texts: words of every family in every case, and separators."""

NAMES = [
    ("Shenzhen Daily", "shenzhen-daily"),
    ("Shenzhen", "shenzhen"),
    ("Daily", "daily"),
    ("One Foundation", "one-foundation"),  # starts with a number word
    ("March Hare", "march-hare"),  # starts with a month
    ("2020 Group", "group-2020"),  # starts with a digit
    ("Shenzhen Municipal People's Government", "shenzhen-government"),
    ("Municipal People's Government", "government"),
    ("sznews.com", "sznews"),
]
"""A registry whose names start with the words of the other families."""

texts = st.lists(st.sampled_from(TOKENS), max_size=60).map(lambda ts: "Title\n\n" + " ".join(ts))
PACKAGE_TEXTS = sorted((REPO / "data" / "raw").glob("*.txt")) + sorted(
    (Path(__file__).parent / "fixtures" / "texts").glob("*.txt")
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_names(NAMES, units=UnitWords.load())


def _parse_without_scan(
    monkeypatch: pytest.MonkeyPatch, text: str, registry: Registry | None = None
) -> parser.ParsedArticle:
    with monkeypatch.context() as m:
        m.setattr(parser, "scan", lambda folded, registry: None)
        return parse(text, file_name="t.txt", registry=registry)


# -- the one-pass scan -----------------------------------------------------------------------


@pytest.mark.parametrize("path", PACKAGE_TEXTS, ids=lambda p: p.name)
def test_scan_is_used_and_changes_nothing_on_package_texts(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    assert scan(fold(text), Registry.load()) is not None
    assert parse(text, file_name="t.txt") == _parse_without_scan(monkeypatch, text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
def test_scan_changes_nothing_on_generated_texts(
    text: str, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    for reg in (registry, None):
        assert parse(text, file_name="t.txt", registry=reg) == _parse_without_scan(
            monkeypatch, text, reg
        )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
def test_each_family_finds_at_its_candidates_what_it_finds_alone(
    text: str, registry: Registry
) -> None:
    folded = fold(text)
    c = scan(folded, registry)
    if c is None:
        assert any(ch in folded for ch in "\u0130\u0131\u017f")
        return
    assert find_dates(folded, at=c.dates) == find_dates(folded)
    skip = [(0, 5)]
    assert find_figures(folded, registry.units, skip=skip, anchors=c.anchors) == find_figures(
        folded, registry.units, skip=skip
    )
    assert find_mentions(folded, registry, at=c.mentions) == find_mentions(folded, registry)


def test_scan_keeps_every_family_of_a_longer_word(registry: Registry) -> None:
    text = "One Foundation, March Hare and 2020 Group"
    c = scan(text, registry)
    assert c is not None
    assert [text[p : p + 3] for p in c.anchors] == ["One", "202"]
    assert [text[p : p + 3] for p in c.dates] == ["Mar", "202"]
    assert [text[p : p + 3] for p in c.mentions] == ["One", "Mar", "202"]


@pytest.mark.parametrize(
    "text", ["Se\u0131enteen", "\u0130n Shenzhen", "\u017feventeen"], ids=["ı", "İ", "ſ"]
)
def test_scan_steps_aside_for_letters_that_fold_unlike_lower(text: str, registry: Registry) -> None:
    assert scan(text, registry) is None


def test_scan_steps_aside_for_a_name_that_is_not_ascii() -> None:
    reg = Registry.from_names([("Caf\u00e9 Municipal", "cafe")], units=UnitWords.load())
    assert scan("Caf\u00e9 Municipal", reg) is None
    art = parse("Title\n\nThe CAF\u00c9 municipal met.", file_name="t.txt", registry=reg)
    assert [m["quote"] for m in art.mentions] == ["CAF\u00c9 municipal"]


# -- the other shortcuts, against the plain forms they replace ------------------------------


def _paragraphs_by_regex(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\r\n]+", text):
        stripped = m.group().rstrip()
        if stripped.strip():
            out.append((m.start(), m.start() + len(stripped)))
    return out


@given(text=st.text(alphabet=st.sampled_from("ab .\r\n\t\u00a0\u2028\x0b"), max_size=60))
def test_paragraph_spans_are_the_lines_between_breaks(text: str) -> None:
    assert paragraph_spans(text) == _paragraphs_by_regex(text)


@given(text=texts)
def test_first_sentence_is_the_first_of_all(text: str) -> None:
    folded = fold(text)
    for start, end in paragraph_spans(folded):
        spans = sentence_spans(folded, start, end)
        assert first_sentence(folded, start, end) == (spans[0] if spans else None)


@given(text=texts)
def test_a_source_is_searched_at_the_last_brackets_only(text: str) -> None:
    folded = fold(text)
    for start, end in paragraph_spans(folded):
        opens = _last_brackets(folded, start, end)
        for regex in (_SOURCE, _CUT_SOURCE):
            found = next((m for i in opens if (m := regex.match(folded, i, end))), None)
            searched = regex.search(folded, start, end)
            assert (found and found.span()) == (searched and searched.span())


def test_items_read_sources_in_every_bracket_form() -> None:
    text = (
        "1. An (bb) cc. (Source: X (Y))\n2. An [bb] cc. [Source: Z]\n"
        "3. An (bb). (Source:W)\n4. Cut (Source: "
    )
    items = find_items(text, text, paragraph_spans(text))
    assert [(i.number, i.source, i.headline) for i in items] == [
        (1, None, "An (bb) cc."),
        (2, "Z", "An [bb] cc."),
        (3, "W", "An (bb)."),
        (4, None, "Cut"),
    ]


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)).map(sorted).map(tuple))


@given(skip=spans, start=st.integers(0, 30), length=st.integers(1, 10))
def test_spans_overlap_as_by_looking_at_each(
    skip: list[tuple[int, int]], start: int, length: int
) -> None:
    end = start + length
    assert _Spans(skip).overlaps(start, end) == any(a < end and start < b for a, b in skip)


def _mentions_plainly(folded: str, registry: Registry) -> list[tuple[int, int, str]]:
    """Every match at every position, then the longest first, each overlapping none kept."""
    regex = registry.mention_regex
    found = {m.span() for i in range(len(folded)) if (m := regex.match(folded, i))}
    kept: list[tuple[int, int]] = []
    for s, e in sorted(found, key=lambda c: (c[0] - c[1], c[0])):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    out = [(s, e, registry.by_key.get(name_key(folded[s:e]))) for s, e in sorted(kept)]
    return [(s, e, org) for s, e, org in out if org is not None]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
def test_mentions_are_the_longest_disjoint_names(text: str, registry: Registry) -> None:
    folded = fold(text)
    c = scan(folded, registry)
    expected = _mentions_plainly(folded, registry)
    assert find_mentions(folded, registry) == expected
    if c is not None:
        assert find_mentions(folded, registry, at=c.mentions) == expected


def test_a_name_is_looked_up_without_compiling_the_mention_regex() -> None:
    """Validation only looks printed names up: the regex of every name (40 ms on the shipped
    registry) is compiled when a text is first scanned for mentions, once."""
    registry = Registry.from_names([("Shenzhen Daily", "shenzhen-daily")])
    assert registry.organization_of("Shenzhen  Daily") == "shenzhen-daily"
    assert "mention_regex" not in vars(registry)
    assert registry.mention_regex is registry.mention_regex
    assert registry.mention_regex.search("the shenzhen daily said").group() == "shenzhen daily"

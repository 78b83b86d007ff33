"""``szdata.parse`` on each family of variation, with the synthetic texts of
``tests/fixtures/texts/`` (test fixtures, never package data) and short inline texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from szdata._core._typing import BUILT_TABLES
from szdata._disk._package import open_package
from szdata._parse import BUILD_TIME_COLUMNS, ParsedArticle, parse

FIXTURES = Path(__file__).parent / "fixtures" / "texts"
D = dt.date


def _parse_fixture(name: str, **kw) -> ParsedArticle:
    path = FIXTURES / name
    return parse(path.read_bytes(), file_name=path.name, **kw)


def _spans_hold(art: ParsedArticle, text: str) -> None:
    for table in ("figures", "dates", "mentions"):
        for row in art.rows(table):
            assert row["quote"] == text[row["start"] : row["end"]], (table, row)


def _figures(art: ParsedArticle) -> dict[str, tuple]:
    return {f["quote"]: (f["value"], f["unit"], f["counted"], f["qualifier"]) for f in art.figures}


def _briefing(head: str, body: str = "1. Shenzhen did 5 things. (Source: Shenzhen TV)") -> str:
    return f"Daily Briefing on Fighting against COVID-19 (Mar. 20)\n\n{head}\n\n{body}"


# -- rows have exactly the schema's columns --------------------------------------------------


@pytest.mark.parametrize("table", BUILT_TABLES)
def test_rows_have_the_schema_columns(table: str) -> None:
    art = _parse_fixture("fixture_feb_briefing.txt")
    expected = [c for c in open_package().schema(table).field_names if c not in BUILD_TIME_COLUMNS]
    rows = art.rows(table)
    assert rows
    for row in rows:
        assert list(row) == expected


# -- header line -----------------------------------------------------------------------------

HEADERS = [
    (
        "all-fields",
        "Writer: Han Ximin | Editor: Holly Wang | From: Shenzhen Daily | Updated: 2020-03-20",
        ("Han Ximin", "Holly Wang", "Shenzhen Daily", "shenzhen-daily", D(2020, 3, 20)),
    ),
    (
        "nbsp-odd-spacing",
        "Writer:\u00a0Han Ximin\u00a0 |\u00a0 Editor:\u00a0Holly Wang\u00a0 |\u00a0 "
        "From:\u00a0Shenzhen Daily\u00a0",
        ("Han Ximin", "Holly Wang", "Shenzhen Daily", "shenzhen-daily", None),
    ),
    (
        "empty-writer",
        "Writer:   |  Editor: Holly Wang  |  From: Foreign Affairs Office of Shenzhen Municipal "
        "Government  |  Updated: 2020-03-20",
        (
            None,
            "Holly Wang",
            "Foreign Affairs Office of Shenzhen Municipal Government",
            "sz-foreign-affairs-office",
            D(2020, 3, 20),
        ),
    ),
    (
        "several-writers",
        "Writer: Liu Xu, Chen Siyi & Wang Min and Li Hua / Zhou Yi | Updated: 2020-03-20",
        ("Liu Xu; Chen Siyi; Wang Min; Li Hua; Zhou Yi", None, None, None, D(2020, 3, 20)),
    ),
    (
        "updated-without-space",
        "Editor: Holly Wang | Updated:2020-03-27",
        (None, "Holly Wang", None, None, D(2020, 3, 27)),
    ),
    (
        "updated-with-minutes",
        "From: Shenzhen Daily | Updated: 2020-02-16 13:02",
        (None, None, "Shenzhen Daily", "shenzhen-daily", D(2020, 2, 16)),
    ),
    (
        "updated-with-seconds",
        "Updated: 2020-03-25 11:24:00",
        (None, None, None, None, D(2020, 3, 25)),
    ),
    ("missing-fields", "From: Shenzhen TV", (None, None, "Shenzhen TV", "shenzhen-tv", None)),
]


@pytest.mark.parametrize(
    ("head", "expected"), [h[1:] for h in HEADERS], ids=[h[0] for h in HEADERS]
)
def test_header_forms(head: str, expected: tuple) -> None:
    text = _briefing(head)
    art = parse(text, file_name="h.txt")
    a = art.article
    writers, editor, source, publisher, published = expected
    assert a["writers"] == writers
    assert a["editor"] == editor
    assert a["source_printed"] == source
    assert a["publisher_id"] == publisher
    assert a["published"] == published
    assert a["published_basis"] == ("header" if published else None)
    if published:
        header_dates = [d for d in art.dates if d["resolution"] == "explicit"]
        assert header_dates[0]["quote"] == published.isoformat()
    _spans_hold(art, text)


def test_no_header_line_at_all() -> None:
    art = _parse_fixture("fixture_news_no_header.txt")
    assert art.article["writers"] is art.article["editor"] is art.article["published"] is None
    assert art.article["kind"] == "news"
    assert any("no publication date" in w for w in art.warnings)


def test_unknown_header_field_is_a_warning_naming_file_and_line() -> None:
    art = _parse_fixture("fixture_unknown_field.txt")
    assert art.article["writers"] == "Han Ximin"
    assert art.article["editor"] == "Holly Wang"
    (warning,) = [w for w in art.warnings if "unknown header field" in w]
    assert warning.startswith("fixture_unknown_field.txt:3:")
    assert "'Photo'" in warning


def test_updated_that_is_not_a_date_is_a_warning() -> None:
    art = parse(_briefing("Updated: last week"), file_name="u.txt")
    assert art.article["published"] is None
    assert any("is not a date" in w for w in art.warnings)


# -- titles ----------------------------------------------------------------------------------

TITLES = [
    ("abbreviated-month", "Daily Briefing on Fighting against COVID-19 (Mar. 20)", D(2020, 3, 20)),
    (
        "full-date",
        "Daily Briefing on Fighting against Novel Coronavirus Pneumonia (February 16, 2020)",
        D(2020, 2, 16),
    ),
    ("no-space", "Daily Briefing on Fighting against COVID-19(Mar. 20)", D(2020, 3, 20)),
    ("news-title", "SZ shares COVID-19 experience with Barcelona", None),
]


@pytest.mark.parametrize(
    ("title", "title_date"), [t[1:] for t in TITLES], ids=[t[0] for t in TITLES]
)
def test_title_forms(title: str, title_date: dt.date | None) -> None:
    text = f"{title}\n\nUpdated: 2020-03-20\n\nBody text."
    art = parse(text, file_name="t.txt")
    assert art.article["title"] == title
    assert art.article["kind"] == ("briefing" if title.startswith("Daily") else "news")
    assert art.article["title_date"] == title_date
    if title_date is not None:
        assert any(d["start"] < len(title) for d in art.dates)


def test_title_date_gives_the_publication_date_without_header() -> None:
    text = "Daily Briefing on Fighting against Novel Coronavirus Pneumonia (February 16, 2020)\n\nx"
    art = parse(text, file_name="t.txt")
    assert art.article["published"] == D(2020, 2, 16)
    assert art.article["published_basis"] == "title"


def test_title_date_disagreeing_with_header_is_a_warning() -> None:
    art = parse(_briefing("Updated: 2020-03-21"), file_name="t.txt")
    assert art.article["title_date"] == D(2020, 3, 20)
    assert art.article["published"] == D(2020, 3, 21)
    assert any("disagrees" in w for w in art.warnings)


# -- items -----------------------------------------------------------------------------------


def test_items_and_source_forms() -> None:
    art = _parse_fixture("fixture_feb_briefing.txt")
    got = [(i["item_no"], i["source_printed"], i["source_organization_id"]) for i in art.items]
    assert got == [
        (1, "Shenzhen Daily", "shenzhen-daily"),  # (Source: X)
        (2, "Shenzhen Release", "shenzhen-release"),  # [Source: X]
        (3, "sznews.com", "sznews"),  # (Source:X)
        (4, None, None),  # cut off: "(Source: " at the end
    ]
    assert art.items[0]["headline"] == "Eighty-three patients have recovered in Shenzhen."
    text = (FIXTURES / "fixture_feb_briefing.txt").read_text(encoding="utf-8")
    for i in art.items:
        assert text[i["start"] : i["start"] + 2] == f"{i['item_no']}."
        assert "\n" not in text[i["start"] : i["end"]]


def test_a_source_on_its_own_line_without_brackets() -> None:
    text = (
        "Daily Briefing on Fighting against COVID-19 (Mar. 5)\n\n"
        "1. Couriers get certificates\nOver 1,000 couriers got them.\nSource: Shenzhen Daily\n\n"
        "2. Parks reopen\nParks reopened.\n\nSource: sznews.com\n\nA footer after the list.\n"
    )
    art = parse(text, file_name="s.txt")
    got = [(i["item_no"], i["source_printed"], i["source_organization_id"]) for i in art.items]
    assert got == [(1, "Shenzhen Daily", "shenzhen-daily"), (2, "sznews.com", "sznews")]
    assert art.items[0]["headline"] == "Couriers get certificates"
    assert text[art.items[1]["start"] : art.items[1]["end"]].endswith("Source: sznews.com")
    _spans_hold(art, text)


def test_text_ending_mid_word() -> None:
    art = _parse_fixture("fixture_mar_briefing.txt")
    last = art.items[-1]
    text = (FIXTURES / "fixture_mar_briefing.txt").read_text(encoding="utf-8")
    assert last["end"] == len(text)
    assert text[last["start"] : last["end"]].endswith("resum")
    assert last["source_printed"] is None
    assert last["headline"].startswith("Up to 500 yuan")


def test_unknown_source_has_no_organization() -> None:
    art = parse(
        _briefing("Updated: 2020-03-20", "1. A thing. (Source: Nowhere Post)"), file_name="s.txt"
    )
    assert art.items[0]["source_printed"] == "Nowhere Post"
    assert art.items[0]["source_organization_id"] is None


def test_item_number_gap_is_a_warning() -> None:
    body = "1. One thing. (Source: Shenzhen TV)\n\n3. Another. (Source: Shenzhen TV)"
    art = parse(_briefing("Updated: 2020-03-20", body), file_name="g.txt")
    assert [i["item_no"] for i in art.items] == [1, 3]
    assert any("item 3 follows item 1" in w for w in art.warnings)


# -- figures ---------------------------------------------------------------------------------

FIGURES = [
    ("thousands-separator", "It gave 41,300 masks.", "41,300", (41300, "count", "masks", "exact")),
    ("decimal-percent", "The rate was 97.5%.", "97.5%", (97.5, "percent", None, "exact")),
    (
        "percent-word",
        "About 83 percent of them.",
        "About 83 percent",
        (83, "percent", None, "about"),
    ),
    ("number-word", "Seventeen members left.", "Seventeen", (17, "count", "members", "exact")),
    (
        "hyphenated-word",
        "Eighty-three patients.",
        "Eighty-three",
        (83, "count", "patients", "exact"),
    ),
    (
        "scale-money",
        "It invested 250 million yuan.",
        "250 million yuan",
        (250e6, "CNY", None, "exact"),
    ),
    (
        "over-billion",
        "It spent over 1 billion yuan.",
        "over 1 billion yuan",
        (1e9, "CNY", None, "more_than"),
    ),
    (
        "scale-count",
        "It tested 2.6 million people.",
        "2.6 million",
        (2.6e6, "count", "people", "exact"),
    ),
    ("zero", "There were zero new cases.", "zero", (0, "count", "new cases", "exact")),
    (
        "more-than",
        "It had more than 140,000 cases.",
        "more than 140,000",
        (140000, "count", "cases", "more_than"),
    ),
    ("nearly", "It took nearly 2,000 tests.", "nearly 2,000", (2000, "count", "tests", "nearly")),
    ("almost", "It took almost 30 days.", "almost 30 days", (30, "day", None, "nearly")),
    ("around", "It helped around 100 firms.", "around 100", (100, "count", "firms", "about")),
    ("at-least", "At least 20 teams came.", "At least 20", (20, "count", "teams", "at_least")),
    ("up-to", "Up to 500 yuan is paid.", "Up to 500 yuan", (500, "CNY", None, "up_to")),
    (
        "a-month",
        "More than a month has passed.",
        "More than a month",
        (1, "month", None, "more_than"),
    ),
    (
        "duration",
        "They fought for more than 40 days.",
        "more than 40 days",
        (40, "day", None, "more_than"),
    ),
    ("age", "A 70-year-old man recovered.", "70-year-old", (70, "year", "age", "exact")),
    ("quarantine", "After a 14-day quarantine.", "14-day", (14, "day", None, "exact")),
    (
        "classifier",
        "It gave 3,625 sets of research equipment from labs.",
        "3,625",
        (3625, "count", "sets of research equipment", "exact"),
    ),
    (
        "first-two",
        "In addition to the first two cities, more came.",
        "two",
        (2, "count", "cities", "exact"),
    ),
    (
        "no-more-than",
        "Each car may carry no more than 2 trainees.",
        "no more than 2",
        (2, "count", "trainees", "up_to"),
    ),
    (
        "not-more-than-money",
        "Rooms cost not more than 300 yuan a night.",
        "not more than 300 yuan",
        (300, "CNY", None, "up_to"),
    ),
    (
        "or-above",
        "Anyone at 37.3℃ or above must report.",
        "37.3℃ or above",
        (37.3, "celsius", None, "at_least"),
    ),
    ("or-more", "Teams of 5 or more people left.", "5 or more", (5, "count", "people", "at_least")),
    ("and-under", "Children of 14 and under.", "14 and under", (14, "count", None, "up_to")),
    (
        "consecutive",
        "No new cases for 26 consecutive days.",
        "26 consecutive days",
        (26, "day", None, "exact"),
    ),
    ("half-of", "It covers half of the interest.", "half", (0.5, "fraction", None, "exact")),
    (
        "percentage-points",
        "Exports rose 4.6 percentage points.",
        "4.6 percentage points",
        (4.6, "percent", None, "exact"),
    ),
    ("a-dozen", "It sent a dozen ventilators.", "a dozen", (12, "count", "ventilators", "exact")),
    ("aged", "A man aged 42 bought masks.", "aged 42", (42, "year", "age", "exact")),
    ("share", "One in five of them stayed.", "One in five", (0.2, "fraction", None, "exact")),
    (
        "larger-than",
        "Shops larger than 300 square meters close.",
        "larger than 300 square meters",
        (300, "square_metre", None, "more_than"),
    ),
    (
        "a-maximum-of",
        "It admits a maximum of 5,000 visitors.",
        "a maximum of 5,000",
        (5000, "count", "visitors", "up_to"),
    ),
    (
        "qualifier-in-brackets",
        "It cost 265 yuan (about 37 US dollars).",
        "about 37 US dollars",
        (37, "USD", None, "about"),
    ),
    (
        "glued-currency",
        "It set aside RMB20 million.",
        "RMB20 million",
        (20e6, "CNY", None, "exact"),
    ),
    (
        "nearly-a-share",
        "Nearly four in ten firms agreed.",
        "Nearly four in ten",
        (0.4, "fraction", None, "nearly"),
    ),
    ("aged-over", "Teachers aged over 50 stay.", "aged over 50", (50, "year", "age", "more_than")),
    (
        "aged-or-above",
        "Anyone aged 60 or above.",
        "aged 60 or above",
        (60, "year", "age", "at_least"),
    ),
    (
        "aged-from-to",
        "Residents aged from 18 to 60 may apply.",
        "aged from 18 to 60",
        (18, "year", "age", "exact"),
    ),
    ("two-dozen", "It sent two dozen masks.", "two dozen", (24, "count", "masks", "exact")),
    ("a-hundred", "A hundred people came.", "A hundred", (100, "count", "people", "exact")),
    (
        "working-days",
        "Apply within five working days.",
        "five working days",
        (5, "day", None, "exact"),
    ),
    (
        "money-after-a-road",
        "It fined a shop on Dongmen Road 200,000 yuan.",
        "200,000 yuan",
        (200000, "CNY", None, "exact"),
    ),
    (
        "nearly-half-of",
        "Nearly half of them are at home.",
        "Nearly half",
        (0.5, "fraction", None, "nearly"),
    ),
    (
        "hyphenated-unit-of-words",
        "It built a 4,000-square-meter warehouse.",
        "4,000-square-meter",
        (4000, "square_metre", None, "exact"),
    ),
    (
        "hyphenated-scale-and-currency",
        "The city set up a 1.5-billion-yuan fund for small firms.",
        "1.5-billion-yuan",
        (1_500_000_000, "CNY", None, "exact"),
    ),
    (
        "scale-hyphenated-to-currency",
        "It is a 10 million-yuan project.",
        "10 million-yuan",
        (10_000_000, "CNY", None, "exact"),
    ),
    (
        "odd-after-a-number",
        "Some 1,100-odd companies applied.",
        "Some 1,100-odd",
        (1100, "count", "companies", "about"),
    ),
    (
        "odd-before-a-unit",
        "The work took 20-odd days.",
        "20-odd days",
        (20, "day", None, "more_than"),
    ),
    (
        "qualified-hyphenated-scale",
        "Nearly 2-billion-yuan loans were granted.",
        "Nearly 2-billion-yuan",
        (2_000_000_000, "CNY", None, "nearly"),
    ),
]


@pytest.mark.parametrize(
    ("sentence", "quote", "expected"), [f[1:] for f in FIGURES], ids=[f[0] for f in FIGURES]
)
def test_figure_forms(sentence: str, quote: str, expected: tuple) -> None:
    text = f"Title\n\n{sentence}"
    art = parse(text, file_name="f.txt")
    figs = _figures(art)
    assert quote in figs, figs
    value, unit, counted, qualifier = expected
    assert figs[quote] == (float(value), unit, counted, qualifier)
    _spans_hold(art, text)


@pytest.mark.parametrize(
    ("sentence", "quote", "low", "high", "unit"),
    [
        ("It helps between 3,000 and 5,000 firms.", "between 3,000 and 5,000", 3000, 5000, "count"),
        ("Vouchers are worth between 30 and 50 yuan.", "between 30 and 50 yuan", 30, 50, "CNY"),
        ("Between three and five teams left.", "Between three and five", 3, 5, "count"),
    ],
    ids=["digits", "money", "words"],
)
def test_between_is_one_range_not_two_figures(
    sentence: str, quote: str, low: float, high: float, unit: str
) -> None:
    text = f"Title\n\n{sentence}"
    art = parse(text, file_name="b.txt")
    assert [(f["quote"], f["value"], f["value_max"], f["unit"]) for f in art.figures] == [
        (quote, float(low), float(high), unit)
    ]
    _spans_hold(art, text)


def test_out_of_gives_two_figures_counting_the_same_noun() -> None:
    figs = _figures(parse("Title\n\nSo 24 out of 28 districts reported.", file_name="o.txt"))
    assert figs["24"][2] == figs["28"][2] == "districts"


NOT_FIGURES = [
    ("covid-19", "COVID-19 spread."),
    ("ordinal-words", "The second and the first batch left."),
    ("ordinal-digits", "The 3rd batch left."),
    ("flight-number", "Passengers of flight CZ3456 and Flight 3721 left."),
    ("case-number", "Case 5 and patient No. 7 were discharged."),
    ("hospital-number", "Shenzhen No. 3 People's Hospital opened."),
    ("clock-times", "It opened at 10:30 and closed at 9 pm."),
    ("year-in-date", "On March 26, 2020 it opened."),
    ("bare-year", "In 2019, it opened."),
    ("day-of-date", "On Mar. 11 it opened."),
    ("iso-header", "Updated: 2020-02-16 13:02"),
    ("cleared-to-zeros", 'The goal of "cleared-to-zeros" was met.'),
    ("a-few", "A few days ago, a series of programs began."),
    ("ordinal-a-third", "A third batch of doctors left."),
    ("email", "Write to name67@163.com or li@126.com."),
    ("around-the-clock", "The hotline works 24/7."),
    ("slash-list", "Tests are valid for 12/24/48-hour periods."),
    ("level", "Shenzhen lowered its Level 2 response as force 7-8 winds blew."),
    ("clock-spellings", "Open 10:00am, 10 am, 10:00 a.m., 8 a.m. to 10 p.m. and 9.30pm."),
    ("covid-space", "COVID 19 spread."),
    ("phone", "Call 0755-88889999 for help."),
    ("one-of", "One of the doctors said no one left."),
    ("service-hotline", "Call the 12345 government service hotline or the 12320 health hotline."),
    ("year-ranges", "Between 2019 and 2020 it grew, and from 2019 to 2020 too."),
    ("clock-between", "It opens between 2 and 3 pm."),
    ("half-of-a-period", "In the first half of 2020 and the second half of March it grew."),
    ("half-an-hour", "It took half an hour at half-price."),
    ("list-marks", "(1) Firms must register. (2) Canteens stay shut."),
    ("grades", "Students in Grades 9 to 11 and Grade 3 return."),
    ("dozens-of", "Dozens of volunteers came."),
    ("aged-care", "Aged care homes opened."),
    ("street-numbers", "It is at 6030 Hongli Road and 2 Fuzhong Third Road."),
    ("postal-code", "Write to the office, Shenzhen 518035."),
    ("leading-zero", "The licence number ends in 0426."),
]


@pytest.mark.parametrize("sentence", [n[1] for n in NOT_FIGURES], ids=[n[0] for n in NOT_FIGURES])
def test_not_figures(sentence: str) -> None:
    art = parse(f"Title\n\nBody.\n\n{sentence}", file_name="n.txt")
    assert art.figures == []


def test_item_numbers_are_not_figures() -> None:
    art = _parse_fixture("fixture_feb_briefing.txt")
    assert all(f["quote"] not in ("1", "2", "3", "4") for f in art.figures)


def test_refers_to_is_the_single_date_of_the_sentence() -> None:
    art = _parse_fixture("fixture_feb_briefing.txt")
    refers = {f["quote"]: f["refers_to"] for f in art.figures}
    assert refers["97.5%"] == D(2020, 2, 15)  # "... 97.5% yesterday"
    assert refers["Eighty-three"] is None  # no date in the sentence (the title's does not count)


# -- dates -----------------------------------------------------------------------------------

DATES = [
    ("month-day", "On March 19 they left.", "March 19", D(2020, 3, 19), "month_day"),
    ("abbreviated", "On Mar. 11 they left.", "Mar. 11", D(2020, 3, 11), "month_day"),
    ("feb-abbreviated", "Since Feb. 24 they left.", "Feb. 24", D(2020, 2, 24), "month_day"),
    ("full-month", "On January 27 they left.", "January 27", D(2020, 1, 27), "month_day"),
    ("previous-year", "Since Dec 30 they worked.", "Dec 30", D(2019, 12, 30), "month_day"),
    ("explicit", "On March 26, 2020 they left.", "March 26, 2020", D(2020, 3, 26), "explicit"),
    ("weekday-past", "They met Tuesday.", "Tuesday", D(2020, 3, 17), "weekday_past"),
    ("weekday-next", "They will meet next Monday.", "Monday", D(2020, 3, 23), "weekday_next"),
    ("weekday-will", "They will meet on Tuesday.", "Tuesday", D(2020, 3, 24), "weekday_next"),
    ("yesterday", "It opened yesterday.", "yesterday", D(2020, 3, 19), "relative_day"),
    ("today", "Today it opened.", "Today", D(2020, 3, 20), "relative_day"),
    ("tomorrow", "It opens tomorrow.", "tomorrow", D(2020, 3, 21), "relative_day"),
    (
        "weekday-told-in-the-past",
        "It will add 20 clinics, the bureau announced Wednesday.",
        "Wednesday",
        D(2020, 3, 18),
        "weekday_past",
    ),
    (
        "said-on-weekday",
        "It said on Monday that it will open.",
        "Monday",
        D(2020, 3, 16),
        "weekday_past",
    ),
    (
        "passive-future",
        "The fair will be held on Tuesday.",
        "Tuesday",
        D(2020, 3, 24),
        "weekday_next",
    ),
    (
        "this-weekday-ahead",
        "Vouchers go out this Sunday.",
        "Sunday",
        D(2020, 3, 22),
        "weekday_next",
    ),
    ("this-weekday-gone", "It opened this Monday.", "Monday", D(2020, 3, 16), "weekday_past"),
]


@pytest.mark.parametrize(
    "sentence",
    [
        "It opens from 9 a.m. to 6 p.m., Monday to Friday.",
        "Desks are staffed Mon-Fri and Saturday through Sunday.",
        "Sales were 61.5% of the level of the same day last year.",
    ],
    ids=["weekday-span", "weekday-spans", "same-day-last-year"],
)
def test_no_date_in(sentence: str) -> None:
    art = parse(f"Some news\n\nUpdated: 2020-03-20\n\n{sentence}", file_name="d.txt")
    assert [d["quote"] for d in art.dates] == ["2020-03-20"]


@pytest.mark.parametrize(
    ("sentence", "quote", "date", "resolution"), [d[1:] for d in DATES], ids=[d[0] for d in DATES]
)
def test_date_forms(sentence: str, quote: str, date: dt.date, resolution: str) -> None:
    text = f"Some news\n\nUpdated: 2020-03-20\n\n{sentence}"  # Friday 2020-03-20
    art = parse(text, file_name="d.txt")
    got = {d["quote"]: (d["date"], d["resolution"]) for d in art.dates}
    assert got[quote] == (date, resolution)
    _spans_hold(art, text)


def test_reference_date_resolves_a_text_without_date() -> None:
    path = FIXTURES / "fixture_news_no_header.txt"
    art = parse(path.read_bytes(), file_name=path.name, reference_date=D(2020, 4, 9))
    assert [(d["quote"], d["date"]) for d in art.dates] == [("Tuesday", D(2020, 4, 7))]
    assert art.article["published"] is None  # a decision fills it, not the reference date
    unresolved = parse(path.read_bytes(), file_name=path.name)
    assert unresolved.dates == []
    assert any("cannot resolve 'Tuesday'" in w for w in unresolved.warnings)


# -- mentions --------------------------------------------------------------------------------


def test_mentions_fold_quotes_and_take_the_longest() -> None:
    text = (
        "Title\n\nThe Shenzhen Municipal People\u2019s Government and Shenzhen Municipal Human "
        "Resources and Social Security Bureau met the Municipal Housing and Construction "
        "Bureau, SHENZHEN   DAILY and sznews.com."
    )
    art = parse(text, file_name="m.txt")
    got = [(m["quote"], m["organization_id"]) for m in art.mentions]
    assert got == [
        ("Shenzhen Municipal People\u2019s Government", "shenzhen-government"),
        ("Shenzhen Municipal Human Resources and Social Security Bureau", "sz-hrss-bureau"),
        ("Municipal Housing and Construction Bureau", "sz-housing-construction-bureau"),
        ("SHENZHEN   DAILY", "shenzhen-daily"),
        ("sznews.com", "sznews"),
    ]
    _spans_hold(art, text)


def test_mentions_are_word_bounded() -> None:
    art = parse("Title\n\nShenzhen Dailyx and xShenzhen Daily.", file_name="m.txt")
    assert art.mentions == []


def test_registry_can_be_passed_in() -> None:
    from szdata._parse import Registry

    reg = Registry.from_names([("Barcelona City Council", "barcelona")])
    art = parse(
        "Title\n\nThe Barcelona  city council met Shenzhen Daily.", file_name="r.txt", registry=reg
    )
    assert [m["organization_id"] for m in art.mentions] == ["barcelona"]


@pytest.mark.parametrize(
    ("sentence", "quotes"),
    [
        ("Prices went from 30 to 50 yuan.", ["30 to 50 yuan"]),
        ("People aged from 18 upwards may apply.", ["18"]),
        ("It moved from 5 to 6 places, aged from 2 to 3.", ["5 to 6", "aged from 2 to 3"]),
    ],
    ids=["from-without-aged", "aged-from-without-a-range", "both"],
)
def test_from_opens_a_figure_only_after_aged_and_before_a_range(
    sentence: str, quotes: list[str]
) -> None:
    art = parse(f"Title\n\n{sentence}", file_name="a.txt")
    assert [f["quote"] for f in art.figures] == quotes
    _spans_hold(art, f"Title\n\n{sentence}")

"""``szdata._parse._quantities``: every form of ``figures.quote`` read back into a quantity."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szdata._disk._package import open_package
from szdata._parse._quantities import (
    EXACT,
    QUALIFIER_PHRASES,
    Quantity,
    UnitWords,
    exact_value,
    number_value,
    quick_value,
    read_quantity,
    to_float,
)
from tests.conftest import REPO

CASES = [
    ("more than 140,000", 140000, "more_than", None),
    ("250 million yuan", 250_000_000, "exact", "yuan"),
    ("over 1 billion yuan", 1_000_000_000, "more_than", "yuan"),
    ("2.6 million", 2_600_000, "exact", None),
    ("More than a month", 1, "more_than", "month"),
    ("more than 40 days", 40, "more_than", "days"),
    ("Six", 6, "exact", None),
    ("Seventeen", 17, "exact", None),
    ("Eighty-three", 83, "exact", None),
    ("one hundred and twenty", 120, "exact", None),
    ("zero", 0, "exact", None),
    ("41,300", 41300, "exact", None),
    ("5000", 5000, "exact", None),
    ("97.5%", 97.5, "exact", "%"),
    ("83 percent", 83, "exact", "percent"),
    ("83 per cent", 83, "exact", "per cent"),
    ("nearly 2,000", 2000, "nearly", None),
    ("Almost 30", 30, "nearly", None),
    ("about 3.5 hours", 3.5, "about", "hours"),
    ("around 500", 500, "about", None),
    ("at least 7 days", 7, "at_least", "days"),
    ("up to 200,000 yuan", 200000, "up_to", "yuan"),
    ("fewer than\u00a010", 10, "less_than", None),
    ("14-day", 14, "exact", "day"),
    ("70-year-old", 70, "exact", "year"),
    ("RMB 5 million", 5_000_000, "exact", "RMB"),
    ("24 out of 28", 24, "exact", None),
    ("a hundred", 100, "exact", None),
    ("no more than 300 yuan", 300, "up_to", "yuan"),
    ("Not more than 10 percent", 10, "up_to", "percent"),
    ("no less than 5 million yuan", 5_000_000, "at_least", "yuan"),
    ("37.3℃ or above", 37.3, "at_least", "℃"),
    ("5 or more", 5, "at_least", None),
    ("14 and under", 14, "up_to", None),
    ("more than 5 or more", 5, "more_than", None),
    ("26 consecutive days", 26, "exact", "days"),
    ("3 straight weeks", 3, "exact", "weeks"),
    ("4,000-square-meter", 4000, "exact", "square-meter"),
    ("1.5-billion-yuan", 1_500_000_000, "exact", "yuan"),
    ("1.5 billion-yuan", 1_500_000_000, "exact", "yuan"),
    ("more than 100-million-yuan", 100_000_000, "more_than", "yuan"),
    ("1,100-odd", 1100, "more_than", None),
    ("20-odd years", 20, "more_than", "years"),
    ("some 300-odd", 300, "about", None),
    ("more than half", 0.5, "more_than", "half"),
    ("aged 42", 42, "exact", "years"),
    ("Aged over 50", 50, "more_than", "years"),
]


@pytest.mark.parametrize(
    ("quote", "value", "qualifier", "unit_word"), CASES, ids=[c[0] for c in CASES]
)
def test_read_quantity(quote: str, value: float, qualifier: str, unit_word: str | None) -> None:
    assert read_quantity(quote) == Quantity(float(value), qualifier, unit_word)


BAD = [
    "",
    "   ",
    "cases",
    "COVID-19",
    "a 14-day",
    "1.5-billion",
    "1.5-billion yuan",
    "-odd",
    "1,100-oddly",
    "a",
    "more than",
    "second",
    "41,300 masks",
    "No. 3",
    "between 30",
    "between 50 and 30",
    "30 and 50",
    "26 consecutive",
    "or more",
    "half of",
    "five in one",
    "one in",
]


@pytest.mark.parametrize("quote", BAD, ids=[repr(q) for q in BAD])
def test_read_quantity_refuses_what_is_not_a_quantity(quote: str) -> None:
    with pytest.raises(ValueError, match="is not a quantity"):
        read_quantity(quote)


RANGES = [
    ("between 30 and 50 yuan", 30, 50, "yuan"),
    ("Between three and five", 3, 5, None),
    ("between 3,000 and 5,000", 3000, 5000, None),
    ("between 2 and 3 million", 2_000_000, 3_000_000, None),
    ("from 30 to 50", 30, 50, None),
]


@pytest.mark.parametrize(("quote", "low", "high", "unit_word"), RANGES, ids=[r[0] for r in RANGES])
def test_ranges_read_both_ends(quote: str, low: float, high: float, unit_word: str | None) -> None:
    assert read_quantity(quote) == Quantity(float(low), "exact", unit_word, float(high))


@pytest.mark.parametrize(
    ("quote", "share"), [("one in five", 0.2), ("3 in 10", 0.3), ("nearly one in six", 1 / 6)]
)
def test_a_share_is_a_fraction(quote: str, share: float) -> None:
    from szdata._parse._quantities import read_exact

    q = read_exact(quote)
    assert q.fraction and to_float(q.value) == share and q.value_max is None


def test_a_hyphenated_unit_of_several_words_is_its_unit() -> None:
    units = UnitWords.load()
    assert units.unit_of("square-meter") == units.unit_of("square meter")


def _figures() -> list[dict[str, str]]:
    with (REPO / "data" / "figures.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _figures(), ids=lambda r: r["figure_id"])
def test_every_committed_quote_reads_back_to_its_row(row: dict[str, str]) -> None:
    q = read_quantity(row["quote"])
    assert q.value == float(row["value"])
    assert q.qualifier == row["qualifier"]
    assert UnitWords.load().unit_of(q.unit_word) == row["unit"]


def test_qualifiers_are_the_schema_enum() -> None:
    enum = open_package().schema("figures").field("qualifier").enum
    assert set(QUALIFIER_PHRASES.values()) | {EXACT} == set(enum)


def test_unit_words_come_from_units_csv() -> None:
    units = UnitWords.load()
    assert units.unit_of("Yuan") == "CNY"
    assert units.unit_of("per\u00a0cent") == "percent"
    assert units.unit_of(None) == "count"
    assert set(units.by_word.values()) <= set(units.dimensions)
    with pytest.raises(KeyError, match="furlongs"):
        units.unit_of("furlongs")


def test_unit_words_follow_the_package(package_copy) -> None:
    path = package_copy / "data" / "curation" / "units.csv"
    text = path.read_text(encoding="utf-8").replace("days|day", "days|day|jours")
    path.write_text(text, encoding="utf-8")
    units = UnitWords.load(open_package(package_copy))
    assert read_quantity("3 jours", units=units) == Quantity(3.0, "exact", "jours")
    assert units.unit_of("jours") == "day"


def test_number_value_refuses_garbage() -> None:
    assert number_value("an") == 1.0
    with pytest.raises(ValueError, match="not a number"):
        number_value("1.2.3")
    with pytest.raises(ValueError, match="number words"):
        number_value("seven cats")


QUICK = [
    "17",
    "0017",
    "41,300",
    "1,2",
    "2.6",
    "0.1",
    "97.5",
    "4.1",
    "123456789012345678901",
    "9" * 400,
    "1" + "0" * 308 + ".5",
    "0." + "0" * 400 + "1",
    "Seventeen",
    "Eighty-three",
    "one hundred and twenty",
    "a",
    "an",
    "zero",
    "",
    "x",
    "1.2.3",
    ",",
    "1.",
    ".5",
    "seven cats",
    "\u0661\u0662",
    "\uff11\uff12",
    " 17",
    "1 7",
]


def _exact_float(number: str) -> float | None:
    try:
        return to_float(exact_value(number))
    except ValueError:
        return None


@pytest.mark.parametrize("number", QUICK)
def test_quick_value_is_the_exact_value_as_a_float(number: str) -> None:
    quick = quick_value(number)
    assert quick is None or quick == _exact_float(number)
    if number.isascii() and _exact_float(number) is not None:
        assert quick == _exact_float(number)


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"\A[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]{1,30})?\Z")
    | st.from_regex(r"\A[0-9]{1,40}(?:\.[0-9]{1,40})?\Z")
)
def test_quick_value_of_digits_is_the_nearest_float(number: str) -> None:
    assert quick_value(number) == to_float(exact_value(number))

"""``szdata.parse`` on bad input: a clear ParseError naming the file and line, or a warning;
and, on random text, nothing but ParseError, with every span exactly its quote."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szdata import ParseError
from szdata._core._normalize import FOLDS, fold
from szdata._parse import parse

BAD = [
    ("empty", b"", "the file is empty", 1),
    ("blank", b" \n\n \t\n", "the file is empty", 1),
    ("not-utf8", b"Title\n\nLatin-1 caf\xe9 text", "not UTF-8", 3),
    ("no-title-header-first", b"Writer: A | Editor: B\n\n1. Item.", "no title", 1),
    ("no-title-item-first", b"\n\n1. Shenzhen did a thing. (Source: X)", "no title", 3),
]


@pytest.mark.parametrize(("data", "message", "line"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_a_parse_error_naming_file_and_line(
    data: bytes, message: str, line: int
) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse(data, file_name="bad.txt")
    assert info.value.file == "bad.txt"
    assert info.value.line == line
    assert str(info.value).startswith(f"bad.txt:{line}: ")


def test_byte_order_mark_and_crlf_are_read() -> None:
    data = (
        "\ufeffDaily Briefing (Mar. 20)\r\n\r\nUpdated: 2020-03-20\r\n\r\n1. A 5 b. (Source: X)\r\n"
    )
    art = parse(data.encode("utf-8"), file_name="bom.txt")
    assert art.article["title"] == "Daily Briefing (Mar. 20)"
    assert art.article["kind"] == "briefing"
    assert art.article["bytes"] == len(data.encode("utf-8"))
    assert art.items[0]["source_printed"] == "X"
    text = data
    assert text[art.items[0]["start"] : art.items[0]["end"]] == "1. A 5 b. (Source: X)"


def test_empty_str_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse("   ", file_name="e.txt")


_ALPHABET = st.sampled_from(
    [
        *list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789.,:;()[]|-%$#'\"\n"),
        "\xa0",
        "’",
        "“",
        "”",
        "—",
        "\r",
        "\t",
        "\ufeff",
        "é",
        "深",
    ]
)
_FRAGMENTS = st.sampled_from(
    [
        "Daily Briefing on Fighting against COVID-19 (Mar. 20)",
        "Writer: ",
        " | Editor: ",
        "From: Shenzhen Daily",
        "Updated:2020-02-16 13:02",
        "Updated: 2020-02-30",
        "(Source: ",
        "[Source: Shenzhen TV]",
        "(Source:sznews.com)",
        "\n\n1. ",
        "\n\n2. ",
        "more than ",
        "a ",
        "Seventeen",
        "Eighty-three",
        " million yuan",
        "97.5%",
        "41,300",
        "zero",
        "Tuesday",
        "yesterday",
        "Dec 30",
        "Feb. 29",
        "March 26, 2020",
        "24 out of 28",
        "14-day",
        "70-year-old",
        "No. 3",
        "COVID-19",
        "Shenzhen\u2019s health commission",
        "Shenzhen Municipal People’s Government",
        "CPC Branch of Shenzhen Charity Federation",
    ]
)
_TEXTS = st.lists(st.one_of(_FRAGMENTS, st.text(_ALPHABET, max_size=12)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS)
def test_random_text_never_crashes_and_spans_are_exact(text: str) -> None:
    try:
        art = parse(text, file_name="fuzz.txt")
    except ParseError as exc:
        assert exc.file == "fuzz.txt"
        return
    assert art.article["chars"] == len(text)
    for table in ("figures", "dates", "mentions"):
        for row in art.rows(table):
            assert 0 <= row["start"] < row["end"] <= len(text)
            assert row["quote"] == text[row["start"] : row["end"]]
    for item in art.items:
        assert 0 <= item["start"] < item["end"] <= len(text)
        assert item["headline"] in text[item["start"] : item["end"]]
    ids = [
        r[k]
        for t, k in (("figures", "figure_id"), ("dates", "date_id"), ("mentions", "mention_id"))
        for r in art.rows(t)
    ]
    assert len(ids) == len(set(ids))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(data, file_name="bytes.txt")


_FOLDABLE = st.text(alphabet=st.sampled_from([*FOLDS, "a", " ", "'", "-", "\u00e9", "\u4e2d"]))


@given(text=st.one_of(st.text(max_size=200), _FOLDABLE))
def test_fold_is_one_translate_pass_and_one_char_for_one(text: str) -> None:
    folded = fold(text)
    assert folded == text.translate(str.maketrans(FOLDS))  # the plain definition
    assert len(folded) == len(text)
    assert all(f == FOLDS.get(c, c) for c, f in zip(text, folded, strict=True))

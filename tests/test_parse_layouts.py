"""The parser on each family of layouts and expressions of issue 13 (synthetic fixtures)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from szdata._curate._scores import fixture_scores
from szdata._parse import parse

FAMILIES = Path(__file__).parent / "fixtures" / "texts" / "families"
D = dt.date


def _parse(name: str):
    path = FAMILIES / name
    return parse(path.read_bytes(), file_name=path.name)


def _figures(art) -> dict[str, tuple]:
    return {
        f["quote"]: (f["value"], f["value_max"], f["unit"], f["counted"], f["qualifier"])
        for f in art.figures
    }


# -- labelled fixtures: every family scores 1.0 ----------------------------------------------


def test_labelled_fixtures_score_perfectly() -> None:
    scores = fixture_scores(FAMILIES)
    for table, score in scores.items():
        assert score.expected > 0, table
        assert (score.precision, score.recall) == (1.0, 1.0), (table, score)


def test_a_wrong_expectation_lowers_the_score(tmp_path: Path) -> None:
    for p in FAMILIES.iterdir():
        text = p.read_text(encoding="utf-8")
        if p.name == "fixture_site_repost.expected.json":
            text = text.replace('"value": 4100000000', '"value": 4099999999.9999995')
        (tmp_path / p.name).write_text(text, encoding="utf-8")
    score = fixture_scores(tmp_path)["figures"]
    assert score.matched == score.parsed - 1 and score.recall < 1.0


def test_no_labelled_fixture_is_an_error(tmp_path: Path) -> None:
    from szdata._core._errors import UsageError

    with pytest.raises(UsageError, match="no labelled fixture"):
        fixture_scores(tmp_path)


# -- headers and titles -------------------------------------------------------------------


def test_site_name_line_fields_on_separate_lines_and_repost_title() -> None:
    art = _parse("fixture_site_repost.txt").article
    assert art["title"].startswith("Coronavirus : Daily Briefing")
    assert (art["kind"], art["publisher_id"]) == ("briefing", "sz-foreign-affairs-office")
    assert (art["published"], art["title_date"]) == (D(2020, 2, 9), D(2020, 2, 9))


def test_dateline_with_byline() -> None:
    art = _parse("fixture_dateline_story.txt").article
    assert (art["writers"], art["source_printed"], art["publisher_id"]) == (
        "Li Hua",
        "Shenzhen Daily",
        "shenzhen-daily",
    )
    assert (art["published"], art["published_basis"]) == (D(2020, 4, 28), "header")


def test_empty_from_and_numbered_notice_is_a_briefing() -> None:
    art = _parse("fixture_entry_reminder.txt")
    assert art.article["source_printed"] is None and art.article["kind"] == "briefing"
    assert [i["source_organization_id"] for i in art.items] == [
        "sz-health-commission",
        "shenzhen-release",
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Daily Briefing on Fighting against COVID-19(February 23, 2020)", "briefing"),
        ("Shenzhen opens new clinics", "news"),
    ],
)
def test_title_forms(title: str, kind: str) -> None:
    art = parse(f"{title}\n\nUpdated: 2020-02-23\n\nBody 5 beds.", file_name="t.txt")
    assert art.article["kind"] == kind
    if kind == "briefing":
        assert art.article["title_date"] == D(2020, 2, 23)


def test_numbered_list_without_sources_is_news() -> None:
    art = parse("Tips\n\n1. Wear masks.\n\n2. Wash hands.", file_name="t.txt")
    assert art.article["kind"] == "news" and art.items == []


# -- items and sources ---------------------------------------------------------------------


def test_items_no_space_several_paragraphs_full_width_and_cut_sources() -> None:
    art = _parse("fixture_site_repost.txt")
    text = (FAMILIES / "fixture_site_repost.txt").read_text(encoding="utf-8")
    assert [(i["item_no"], i["source_printed"]) for i in art.items] == [
        (1, "Shenzhen Release"),
        (2, "SZTV"),
        (3, None),
    ]
    first, second = art.items[0], art.items[1]
    assert text[first["start"] : first["end"]].endswith(
        "【来源:深圳发布】"
    )  # the Chinese paragraph
    assert "above 37.3 degrees" in text[second["start"] : second["end"]]  # its body paragraph


def test_numbers_of_a_chinese_paragraph_are_not_figures() -> None:
    art = _parse("fixture_site_repost.txt")
    text = (FAMILIES / "fixture_site_repost.txt").read_text(encoding="utf-8")
    assert all(not any("\u4e00" <= c <= "\u9fff" for c in text[f["start"] - 3 : f["start"]])
               for f in art.figures)  # fmt: skip


# -- figures -------------------------------------------------------------------------------


def test_ranges_temperatures_fractions_hyphen_words_exact_values() -> None:
    figs = _figures(_parse("fixture_site_repost.txt"))
    assert figs["5-8℃"] == (5, 8, "celsius", None, "exact")
    assert figs["below 12℃"] == (12, None, "celsius", None, "less_than")
    assert figs["above 37.3 degrees"][4] == "more_than"
    assert figs["five-day"][:3] == (5, None, "day")
    assert figs["4.1 billion yuan"][0] == 4100000000
    assert figs["33.3 million yuan"][0] == 33300000
    assert figs["30 to 50"][:2] == (30, 50)
    story = _figures(_parse("fixture_dateline_story.txt"))
    assert story["one-fifth"][:3] == (0.2, None, "fraction")
    assert story["a third"][0] == pytest.approx(1 / 3)


def test_counted_stops_at_classifiers_verb_forms_and_dates() -> None:
    figs = _figures(_parse("fixture_site_repost.txt"))
    assert figs["two"][3] == "groups" and figs["3"][3] == "major types"
    assert _figures(_parse("fixture_dateline_story.txt"))["5.1 million"][3] is None


def test_labelled_non_figures() -> None:
    quotes = set(_figures(_parse("fixture_dateline_story.txt")))
    for bad in ("67", "163", "10", "00", "3456", "12", "2", "7", "8", "24", "48"):
        assert bad not in quotes, bad
    assert "24" not in _figures(_parse("fixture_site_repost.txt"))


# -- dates ---------------------------------------------------------------------------------


def test_ranges_modifiers_and_the_next_day() -> None:
    dates = [
        (d["quote"], d["date"], d["resolution"]) for d in _parse("fixture_dateline_story.txt").dates
    ]
    assert ("6", D(2020, 3, 6), "range_end") in dates
    assert ("the next day", D(2020, 3, 7), "relative_to_date") in dates
    assert ("Dec 5 last year", D(2019, 12, 5), "relative_year") in dates


def test_a_weekday_keeps_its_own_direction() -> None:
    text = "T\n\nUpdated: 2020-04-09\n\nOn Tuesday they met, and the next day they left."
    art = parse(text, file_name="w.txt")
    assert [d["resolution"] for d in art.dates if d["quote"] == "Tuesday"] == ["weekday_past"]


# -- registry ------------------------------------------------------------------------------


def test_longest_name_wins_and_acronyms_need_capitals() -> None:
    art = _parse("fixture_dateline_story.txt")
    assert {m["quote"] for m in art.mentions} >= {"WHO", "Shenzhen Third People’s Hospital"}
    assert all(m["quote"] != "who" for m in art.mentions)
    text = "T\n\nThe Foreign Affairs Office of Shenzhen Municipal People's Government met."
    ms = parse(text, file_name="m.txt").mentions
    assert [m["organization_id"] for m in ms] == ["sz-foreign-affairs-office"]


def test_a_date_outside_the_package_range_is_a_warning_not_a_row() -> None:
    text = "T\n\nUpdated: 2020-04-28\n\nOn June 5 last year, 20 beds were added."
    art = parse(text, file_name="y.txt")
    assert [d["quote"] for d in art.dates] == ["2020-04-28"]
    assert art.figures[0]["refers_to"] is None
    assert any("outside the dates the package records" in w for w in art.warnings)


def test_no_mention_inside_an_e_mail_address() -> None:
    art = parse("T\n\nWrite to edu@sz.gov.cn or see sz.gov.cn.", file_name="e.txt")
    assert [m["start"] for m in art.mentions] == [art.mentions[0]["start"]]
    assert art.mentions[0]["quote"] == "sz.gov.cn" and art.mentions[0]["start"] > 20

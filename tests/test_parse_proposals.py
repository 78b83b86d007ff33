"""``propose_organizations``: whole names the registry lacks, never fragments."""

from __future__ import annotations

from szdata._parse._proposals import propose_organizations


def test_whole_names_not_cut_at_of_or_and() -> None:
    text = (
        "Recently, the Foreign Affairs Office of Shenzhen Municipal Government and the "
        "Shenzhen Municipal Human Resources and Social Security Bureau met."
    )
    assert propose_organizations(text, []) == [
        "Foreign Affairs Office of Shenzhen Municipal Government",
        "Shenzhen Municipal Human Resources and Social Security Bureau",
    ]


def test_two_names_joined_by_and_are_two() -> None:
    text = "The Shenzhen Water Bureau and Shenzhen Port Authority agreed."
    assert propose_organizations(text, []) == ["Shenzhen Water Bureau", "Shenzhen Port Authority"]


def test_known_names_are_not_proposed_but_longer_ones_around_them_are() -> None:
    text = "Shenzhen Daily and the Shenzhen Daily Press Office met."
    known = [(0, 14), (23, 37)]
    assert propose_organizations(text, known) == ["Shenzhen Daily Press Office"]


def test_weekdays_and_months_open_no_name() -> None:
    text = "On Tuesday, the Pingshan Care Network said. In March Futian Sports Bureau met."
    assert propose_organizations(text, []) == ["Pingshan Care Network", "Futian Sports Bureau"]


def test_a_title_phrase_with_an_organization_word_inside_is_no_name() -> None:
    text = "Daily Briefing on Fighting against COVID-19. The Bureau of Commerce of Futian said."
    assert propose_organizations(text, []) == ["Bureau of Commerce of Futian"]


def test_a_run_of_openers_alone_proposes_nothing() -> None:
    assert propose_organizations("On Tuesday. The. In March, and", []) == []

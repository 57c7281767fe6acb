"""Chinese deadline phrases of the plan read as dates."""

from __future__ import annotations

from datetime import date

import pytest

from gis_service.rules.phrases import DeadlinePhraseError, parse_deadline_phrase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # End of a month, with or without 前 (before), and 月份 (in that month).
        ("2月底", date(2021, 2, 28)),
        ("2月底前", date(2021, 2, 28)),
        ("3月底前", date(2021, 3, 31)),
        ("4月底前", date(2021, 4, 30)),
        ("6月底前", date(2021, 6, 30)),
        ("6月底", date(2021, 6, 30)),
        ("11月底前", date(2021, 11, 30)),
        ("12月底前", date(2021, 12, 31)),
        ("12月末", date(2021, 12, 31)),
        ("1月底之前", date(2021, 1, 31)),
        ("8月份", date(2021, 8, 31)),
        ("9月份", date(2021, 9, 30)),
        ("2月份", date(2021, 2, 28)),
        ("十二月底", date(2021, 12, 31)),
        ("三月底前", date(2021, 3, 31)),
        ("2022年3月底", date(2022, 3, 31)),
        # The year.
        ("年底", date(2021, 12, 31)),
        ("年底前", date(2021, 12, 31)),
        ("年末", date(2021, 12, 31)),
        ("年内", date(2021, 12, 31)),
        ("今年底", date(2021, 12, 31)),
        ("今年年底前", date(2021, 12, 31)),
        ("2022年底", date(2022, 12, 31)),
        ("2022年内", date(2022, 12, 31)),
        ("上半年", date(2021, 6, 30)),
        ("下半年", date(2021, 12, 31)),
        # Quarters.
        ("一季度", date(2021, 3, 31)),
        ("二季度", date(2021, 6, 30)),
        ("三季度", date(2021, 9, 30)),
        ("四季度", date(2021, 12, 31)),
        ("第一季度", date(2021, 3, 31)),
        ("第二季度", date(2021, 6, 30)),
        ("第三季度末", date(2021, 9, 30)),
        ("第四季度", date(2021, 12, 31)),
        ("2季度", date(2021, 6, 30)),
        # Days.
        ("6月30日前", date(2021, 6, 30)),
        ("6月30日", date(2021, 6, 30)),
        ("5月1日", date(2021, 5, 1)),
        ("8月15号前", date(2021, 8, 15)),
        ("2021年6月30日", date(2021, 6, 30)),
        ("2022年1月5日前", date(2022, 1, 5)),
        ("2021-06-30", date(2021, 6, 30)),
        ("2021-6-3", date(2021, 6, 3)),
        ("2021/06/30", date(2021, 6, 30)),
        # Spans of years, the plan year counting as the first.
        ("利用3年时间", date(2023, 12, 31)),
        ("利用1年时间", date(2021, 12, 31)),
        ("利用三年时间", date(2023, 12, 31)),
        ("利用两年时间", date(2022, 12, 31)),
        ("3年内", date(2023, 12, 31)),
        ("5年内", date(2025, 12, 31)),
        ("十年内", date(2030, 12, 31)),
        # Full-width digits and surrounding whitespace.
        ("６月底前", date(2021, 6, 30)),
        ("  9月份\n", date(2021, 9, 30)),
        ("\u3000年底前\u3000", date(2021, 12, 31)),
        ("２０２１－０６－３０", date(2021, 6, 30)),
        ("利用３年时间", date(2023, 12, 31)),
        ("１２月３１日前", date(2021, 12, 31)),
    ],
)
def test_phrases_of_the_plan_year(text: str, expected: date) -> None:
    assert parse_deadline_phrase(text, 2021) == expected


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("2月底", 2024, date(2024, 2, 29)),  # leap year
        ("2月份", 2020, date(2020, 2, 29)),
        ("2月底前", 2100, date(2100, 2, 28)),  # divisible by 100: not a leap year
        ("2月底", 2000, date(2000, 2, 29)),  # divisible by 400: a leap year
        ("2月29日", 2024, date(2024, 2, 29)),
        ("年内", 2022, date(2022, 12, 31)),
        ("利用3年时间", 2022, date(2024, 12, 31)),
        ("2021-06-30", 2030, date(2021, 6, 30)),  # an explicit year wins
    ],
)
def test_the_year_comes_from_the_plan_unless_written(text: str, year: int, expected: date) -> None:
    assert parse_deadline_phrase(text, year) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "月底",
        "6月",  # the month alone could mean its start or its end
        "9月份前",  # before September, or by its end? refused rather than guessed
        "下半年前",
        "13月底",
        "0月底",
        "2月30日",
        "2月29日",  # 2021 is not a leap year
        "4月31日前",
        "6月0日",
        "2021-02-29",
        "2021-13-01",
        "2021-06/30",
        "利用0年时间",
        "0年内",
        "五季度",
        "近期",
        "尽快",
        "年底前完成",
        "6月底前 6月底前",
        "2021年",
        "June 30",
        "十十月底",
    ],
)
def test_anything_else_is_refused_quoting_the_text(text: str) -> None:
    with pytest.raises(DeadlinePhraseError) as caught:
        parse_deadline_phrase(text, 2021)
    assert f"“{text}”" in str(caught.value)
    assert caught.value.text == text


def test_the_error_is_a_value_error() -> None:
    assert issubclass(DeadlinePhraseError, ValueError)
    with pytest.raises(ValueError, match="2月30日"):
        parse_deadline_phrase("2月30日", 2021)


def test_an_invalid_day_says_so() -> None:
    with pytest.raises(DeadlinePhraseError, match="有效日期"):
        parse_deadline_phrase("2月30日", 2021)
    with pytest.raises(DeadlinePhraseError, match="无法识别"):
        parse_deadline_phrase("近期", 2021)

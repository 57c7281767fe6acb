"""Chinese deadline phrases of the plan (2月底, 6月底前, 9月份, 年内, 利用3年时间 …) as dates.

Every phrase means "by the end of" the period it names, as plan/README.md reads them: 9月份 is
the last day of September, 利用3年时间 the last day of the third year counting the plan's own.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Final


class DeadlinePhraseError(ValueError):
    """A text that is not a deadline phrase, or names a day that does not exist."""

    def __init__(self, text: str, reason: str = "无法识别的期限表述") -> None:
        super().__init__(f"{reason}：“{text}”")
        self.text = text


_DIGITS_ZH: Final[dict[str, int]] = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# A small number in Arabic or Chinese digits (月, 日, 年数 never exceed 99).
_NUM: Final = r"[0-9]{1,2}|[一二两三四五六七八九十]{1,3}"
# An explicit year, as in 2021年6月30日; when absent the plan's year applies.
_YEAR: Final = r"(?:(?P<year>[0-9]{4})年)?"
_DD: Final = r"[0-9]{1,2}"
# "By the end of": 底/末 with an optional 前 (before) that does not change the day.
_BY: Final = r"(?:前|之前)?"
_END: Final = rf"(?:(?:底|末){_BY})"

Handler = Callable[[re.Match[str], int], date]


def parse_deadline_phrase(text: str, year: int) -> date:
    """The date a deadline phrase means in the plan year; DeadlinePhraseError otherwise."""
    # NFKC turns full-width digits and dashes (６月底, ２０２１－０６－３０) into ASCII.
    phrase = unicodedata.normalize("NFKC", text).strip()
    for pattern, handler in _PHRASES:
        match = pattern.fullmatch(phrase)
        if match is None:
            continue
        try:
            return handler(match, year)
        except ValueError:
            # date() refuses 2月30日, 13月底, year 0 …: the phrase names no real day.
            raise DeadlinePhraseError(text, "期限不是有效日期") from None
    raise DeadlinePhraseError(text)


def _number(token: str) -> int:
    """An integer from Arabic digits or Chinese numerals up to 99 (三, 十二, 二十八)."""
    if token.isdigit():
        return int(token)
    tens, ten, units = token.partition("十")
    if not ten:
        return _digit_zh(token)
    return (_digit_zh(tens) if tens else 1) * 10 + (_digit_zh(units) if units else 0)


def _digit_zh(token: str) -> int:
    """One Chinese digit (一 … 九); ValueError for anything else, such as 十十."""
    if token not in _DIGITS_ZH:
        raise ValueError(f"not a Chinese digit: {token!r}")
    return _DIGITS_ZH[token]


def _year(match: re.Match[str], year: int) -> int:
    """The explicit year of the phrase if it has one, else the plan year."""
    explicit = match.groupdict().get("year")
    return int(explicit) if explicit else year


def _month_end(year: int, month: int) -> date:
    """The last day of a month (February respects leap years)."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_of_month(match: re.Match[str], year: int) -> date:
    """N月底, N月底前, N月末, N月份: the last day of month N."""
    return _month_end(_year(match, year), _number(match["month"]))


def _day(match: re.Match[str], year: int) -> date:
    """N月N日(前), 2021年6月30日, 2021-06-30: that very day."""
    return date(_year(match, year), _number(match["month"]), _number(match["day"]))


def _end_of_year(match: re.Match[str], year: int) -> date:
    """年底, 年底前, 年内, 2021年底: the last day of the year."""
    return date(_year(match, year), 12, 31)


def _first_half(match: re.Match[str], year: int) -> date:
    """上半年: the end of June."""
    return date(year, 6, 30)


def _end_of_quarter(match: re.Match[str], year: int) -> date:
    """一季度 … 四季度, 第一季度 …: the last day of the quarter."""
    return _month_end(year, 3 * _number(match["quarter"]))


def _within_years(match: re.Match[str], year: int) -> date:
    """利用N年时间, N年内: the end of the N-th year, the plan year being the first."""
    years = _number(match["years"])
    if years < 1:
        raise ValueError("a span of zero years")
    return date(year + years - 1, 12, 31)


# One line per phrase family; the first full match wins. Anything else is refused.
_PHRASES: Final[tuple[tuple[re.Pattern[str], Handler], ...]] = tuple(
    (re.compile(pattern), handler)
    for pattern, handler in (
        (rf"{_YEAR}(?P<month>{_NUM})月(?:{_END}|份)", _end_of_month),
        (rf"{_YEAR}(?P<month>{_NUM})月(?P<day>{_NUM})[日号]{_BY}", _day),
        (rf"(?P<year>[0-9]{{4}})(?P<s>[-/.])(?P<month>{_DD})(?P=s)(?P<day>{_DD}){_BY}", _day),
        (rf"(?:(?:今|本)年?|(?P<year>[0-9]{{4}}))?年(?:{_END}|内)", _end_of_year),
        (r"上半年", _first_half),
        (r"下半年", _end_of_year),
        (rf"第?(?P<quarter>[一二三四1-4])季度(?:{_END}|内)?", _end_of_quarter),
        (rf"(?:利用)?(?P<years>{_NUM})年(?:时间|内)", _within_years),
    )
)


def deadline_phrase(days_left: int | None, done: bool) -> str:
    """剩余N天 / 今日到期 / 逾期N天 / 已完成 / 无期限 for a parcel on the as-of date."""
    if done:
        return "已完成"
    if days_left is None:
        return "无期限"
    if days_left < 0:
        return f"逾期{-days_left}天"
    return "今日到期" if days_left == 0 else f"剩余{days_left}天"

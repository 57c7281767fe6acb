"""Due soon, overdue now, the 督办单 and the monthly look-back, as report sections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

from gis_service.ogc.html import display
from gis_service.reports.model import LEVEL_SHORT_ZH, Cell, Section
from gis_service.rules.levels import Level
from gis_service.rules.supervision import DUE_SOON_DAYS, Standing

ITEM_HEADERS: Final = ("编号", "名称", "类别", "阶段", "进度(%)", "期限")


def _item(item: Standing) -> tuple[Cell, ...]:
    """The columns every item list starts with."""
    state = item.state
    return (
        str(state.get("code")),
        str(state.get("name")),
        display("category", state.get("category"), dict(state)),
        display("stage", state.get("stage"), dict(state)),
        _progress(state.get("progress")),
        _deadline(item),
    )


def due_soon_section(items: Sequence[Standing]) -> Section:
    """Items due within the next 14 days."""
    return Section(
        key="due_soon",
        title_zh=f"三、未来{DUE_SOON_DAYS}天到期",
        headers=(*ITEM_HEADERS, "剩余天数", "等级", "责任单位", "责任人"),
        rows=tuple(
            (*_item(s), s.days_left, LEVEL_SHORT_ZH[s.level], *_responsible(s)) for s in items
        ),
        level_column=7,
        note_zh="" if items else f"未来{DUE_SOON_DAYS}天无到期事项。",
    )


def overdue_section(items: Sequence[Standing]) -> Section:
    """Items overdue on the report's day."""
    return Section(
        key="overdue",
        title_zh="四、当前逾期",
        headers=(*ITEM_HEADERS, "逾期天数", "责任单位", "责任人"),
        rows=tuple((*_item(s), s.days_overdue, *_responsible(s)) for s in items),
        note_zh=f"共{len(items)}项逾期未完成。" if items else "无逾期事项。",
    )


def supervision_section(
    groups: Mapping[str, Sequence[Standing]], since: Mapping[str, date], on: date
) -> Section:
    """The 督办单: red and orange items under their responsible unit."""
    rows: list[tuple[Cell, ...]] = []
    for unit, items in groups.items():
        for item in items:
            code = str(item.state.get("code"))
            started = since[code]
            rows.append(
                (
                    unit,
                    code,
                    str(item.state.get("name")),
                    LEVEL_SHORT_ZH[item.level],
                    str(item.state.get("responsible_person") or "—"),
                    item.days_overdue,
                    (on - started).days + 1,
                    started.isoformat(),
                    _deadline(item),
                    _progress(item.state.get("progress")),
                )
            )
    red = sum(1 for r in rows if r[3] == LEVEL_SHORT_ZH[Level.RED])
    return Section(
        key="supervision",
        title_zh="五、督办单",
        headers=(
            "责任单位",
            "编号",
            "名称",
            "等级",
            "责任人",
            "逾期天数",
            "持续天数",
            "进入该等级日期",
            "期限",
            "进度(%)",
        ),  # fmt: skip
        rows=tuple(rows),
        level_column=3,
        group_column=0,
        note_zh=f"红色（逾期）{red}项、橙色（临期或严重滞后）{len(rows) - red}项，"
        f"涉及{len(groups)}个责任单位；持续天数含报告日。",
    )


def lookback_section(
    then: Sequence[Standing], now: Mapping[str, Standing], then_day: date
) -> Section:
    """Items red or orange at the end of the month before, and where they stand now."""
    rows: list[tuple[Cell, ...]] = []
    for item in then:
        code = str(item.state.get("code"))
        later = now.get(code)
        rows.append(
            (
                code,
                str(item.state.get("name")),
                LEVEL_SHORT_ZH[item.level],
                LEVEL_SHORT_ZH[later.level] if later else "—",
                _progress(item.state.get("progress")),
                _progress(later.state.get("progress")) if later else None,
                display("stage", later.state.get("stage"), dict(later.state)) if later else "—",
                _outcome(item, later),
            )
        )
    return Section(
        key="lookback",
        title_zh=f"六、{then_day.month}月底红橙事项去向",
        headers=(
            "编号",
            "名称",
            "上月底等级",
            "现等级",
            "上月底进度(%)",
            "现进度(%)",
            "现阶段",
            "去向",
        ),  # fmt: skip
        rows=tuple(rows),
        level_column=3,
        note_zh=f"{then_day.isoformat()}为红色或橙色的事项共{len(rows)}项。",
    )


def _outcome(then: Standing, now: Standing | None) -> str:
    """What became of a pressed item: done, better, unchanged, or worse."""
    if now is None:
        return "已删除"
    if now.level is Level.GREEN:
        return "已完成"
    order = (Level.RED, Level.ORANGE, Level.YELLOW, Level.BLUE, Level.GREY)
    if order.index(now.level) > order.index(then.level):
        return "已好转"
    return "仍未解决" if now.level is then.level else "恶化"


def _responsible(item: Standing) -> tuple[Cell, Cell]:
    """Responsible unit and person."""
    unit, person = item.state.get("responsible_unit"), item.state.get("responsible_person")
    return (str(unit) if unit else None, str(person) if person else None)


def _deadline(item: Standing) -> str | None:
    """The deadline as ISO text."""
    deadline = item.state.get("deadline")
    return deadline.isoformat() if isinstance(deadline, date) else None


def _progress(value: object) -> int | None:
    """Progress as an int cell."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None

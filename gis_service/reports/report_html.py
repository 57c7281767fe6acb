"""The report as one self-contained HTML page (figures inlined), from a Jinja2 template.

Autoescape is on and the template is a package file: stored text only ever arrives as a
value to escape, never as template source.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from gis_service.reports.figures import CJK_FONTS
from gis_service.reports.model import SHORT_LEVEL_COLOURS, Report, Section, cell_text
from gis_service.rules.levels import LEVEL_COLOURS, Level

# A CSS font list made of our own constants (not data), so it may be written unescaped.
FONT_STACK: Final = Markup(", ".join(f'"{family}"' for family in CJK_FONTS) + ", sans-serif")
# Levels dark enough to carry white text.
WHITE_TEXT: Final = frozenset(
    short
    for short, colour in SHORT_LEVEL_COLOURS.items()
    if colour in {LEVEL_COLOURS[Level.RED], LEVEL_COLOURS[Level.BLUE], LEVEL_COLOURS[Level.GREEN]}
)


def render_report_html(report: Report) -> str:
    """The whole report as an HTML document."""
    return (
        report_templates()
        .get_template("report.html")
        .render(
            report=report,
            summary=summary(report),
            images={f.key: base64.b64encode(f.png).decode("ascii") for f in report.figures},
            group_sizes={s.key: _group_sizes(s) for s in report.sections},
            level_colours=SHORT_LEVEL_COLOURS,
            white_text=WHITE_TEXT,
            fonts=FONT_STACK,
            text=cell_text,
        )
    )


def summary(report: Report) -> list[tuple[str, str]]:
    """The four headline figures of the cover: KPIs met, changes, overdue, pressed units."""
    kpis = report.section("kpis").rows
    met = sum(1 for row in kpis if row[6] == "绿")
    pressed = report.section("supervision")
    units = len({row[0] for row in pressed.rows})
    return [
        (f"{met}/{len(kpis)}", "指标已达标"),
        (str(len(report.section("changes").rows)), "条变更记录"),
        (str(len(report.section("overdue").rows)), "项逾期未完成"),
        (f"{len(pressed.rows)}/{units}", "项督办 / 责任单位"),
    ]


def _group_sizes(section: Section) -> dict[object, int]:
    """How many rows each group of a grouped section holds."""
    sizes: dict[object, int] = {}
    if section.group_column is not None:
        for row in section.rows:
            key = row[section.group_column]
            sizes[key] = sizes.get(key, 0) + 1
    return sizes


@cache
def report_templates() -> Environment:
    """Jinja2 for the report templates; autoescape on for every template."""
    return Environment(
        loader=PackageLoader("gis_service", "templates/reports"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

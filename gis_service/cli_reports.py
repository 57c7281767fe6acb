"""`gis-service report weekly|monthly`: write a report's PDF, XLSX and HTML into reports/."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from gis_service.cli_users import command_session
from gis_service.rules.periods import Kind, Period, PeriodError, last_full_period, parse_period
from gis_service.settings import Settings


def add_report_commands(commands: Any) -> None:
    """Add the `report` command and its two kinds to the CLI's sub-parsers."""
    report = commands.add_parser("report", help="weekly or monthly report (PDF, XLSX, HTML)")
    kinds = report.add_subparsers(required=True, metavar="KIND")
    weekly = kinds.add_parser("weekly", help="周调度: one ISO week, as of its Sunday")
    weekly.add_argument("--week", help="ISO week like 2021-W26 (default: the last full week)")
    weekly.set_defaults(handler=cmd_report, kind="weekly")
    monthly = kinds.add_parser("monthly", help="月回头: one month, as of its last day")
    monthly.add_argument("--month", help="month like 2021-06 (default: the last full month)")
    monthly.set_defaults(handler=cmd_report, kind="monthly")
    for parser in (weekly, monthly):
        parser.add_argument("--out", type=Path, default=None, help="folder (GIS_REPORTS_DIR)")


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Build one report and print the files written and the time taken."""
    started = time.perf_counter()
    try:
        period = _period(args.kind, getattr(args, "week", None) or getattr(args, "month", None),
                         settings)  # fmt: skip
    except PeriodError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # matplotlib, Chromium and openpyxl: loaded by the report command only.
    from gis_service.reports.report_service import make_report

    with command_session(settings) as session:
        written = make_report(session, settings, period, folder=args.out)
    for path in written:
        print(f"{path} ({path.stat().st_size / 1024:.0f} KiB)")
    print(f"{period.stem}: {time.perf_counter() - started:.1f} s")
    return 0


def _period(kind: Kind, text: str | None, settings: Settings) -> Period:
    """The asked-for period, or the last full one before today."""
    if text:
        return parse_period(kind, text)
    return last_full_period(kind, settings.today_date())

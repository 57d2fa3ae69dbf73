"""The needs-assessment summary of an office or of the department, printed (PDF) and exported
(Excel). Both take a `Summary` from `queries.summary` and run no query of their own."""

import re

from ..core.exports import workbook_from_sheets
from ..core.pdf import build_pdf, figure_row, para, section, table
from .models import FORMATS
from .queries import Summary

TITLE = "Needs assessment summary"
NOT_SET = "—"

PEOPLE_HEADERS = ["Staff level", "Female", "Male", "Total"]
GAP_HEADERS = ["Rank", "Code", "Gap", "Category", "Thematic area", "Priority", "Times raised",
               "Levels"]
RESOURCE_HEADERS = ["Resource", "Findings", "Gaps"]
OFFICE_HEADERS = ["Acronym", "Office", "Nominated", "Sessions", "Women", "Men", "People met",
                  "Findings", "Gaps"]


def scope_label(summary: Summary) -> str:
    return str(summary.office) if summary.office else "All offices"


def subtitle(summary: Summary) -> str:
    return f"{scope_label(summary)}, plan cycle {summary.cycle.name}"


def filename(summary: Summary, ext: str) -> str:
    """needs-assessment-OO-2026-2027.pdf, needs-assessment-department-2026-2027.xlsx."""
    scope = summary.office.acronym if summary.office else "department"
    stem = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", part).strip("-")
                    for part in ("needs-assessment", scope, summary.cycle.name))
    return f"{stem}.{ext.lstrip('.')}"


def _held(summary: Summary) -> list[tuple[str, int]]:
    return [(f"{label}s", summary.sessions.get(key, 0))  # "Individual interviews", ...
            for key, label in FORMATS.items()]


def _outcome(summary: Summary) -> list[tuple[str, int]]:
    return [("Nominated", summary.nominated), ("Nominated and met", summary.nominated_met),
            ("Findings", summary.findings), ("Gaps raised", summary.gaps)]


def key_figures(summary: Summary) -> list[tuple[str, int | str]]:
    """(label, value) of the figures that open the printed summary."""
    share = NOT_SET if summary.female_share is None else f"{summary.female_share}%"
    return [*_held(summary), ("People met", summary.people_total),
            ("Women among people met", share), *_outcome(summary)]


def people_rows(summary: Summary) -> tuple[list[list], list]:
    """Rows by staff level and the totals row."""
    rows = [[r["level"], r["female"], r["male"], r["total"]] for r in summary.people]
    return rows, ["Total", summary.female, summary.male, summary.people_total]


def gap_rows(summary: Summary) -> list[list]:
    """The top gaps in the summary's order: priority, then frequency."""
    return [[rank, row.gap.code, row.gap.title, row.gap.category.name,
             row.gap.thematic_area.name if row.gap.thematic_area else NOT_SET,
             row.gap.priority_label, row.frequency, row.levels]
            for rank, row in enumerate(summary.top_gaps, start=1)]


def resource_rows(summary: Summary) -> list[list]:
    return [[r["label"], r["findings"], r["gaps"]] for r in summary.resources]


def office_rows(summary: Summary) -> list[list]:
    return [[r["office"].acronym, r["office"].name, r["nominated"], r["sessions"], r["female"],
             r["male"], r["people"], r["findings"], r["gaps"]] for r in summary.offices]


def _or_none(rows: list, flowable, what: str):
    return flowable if rows else para(f"No {what} recorded yet.")


def summary_pdf(summary: Summary, department_name: str) -> bytes:
    """The summary as a printable A4 report."""
    figures = [(value, label) for label, value in key_figures(summary)]
    people, totals = people_rows(summary)
    gaps, resources = gap_rows(summary), resource_rows(summary)
    story = [
        *section("Key figures", figure_row(figures)),
        *section("People met by sex and level",
                 table(PEOPLE_HEADERS, people, col_widths=[4, 1, 1, 1], numeric=(1, 2, 3),
                       totals=totals)),
        *section("Top gaps", _or_none(gaps, table(
            GAP_HEADERS, gaps, col_widths=[0.8, 0.95, 4.2, 1.9, 1.9, 1.15, 1.1, 1],
            numeric=(0, 6, 7)), "gaps")),
        *section("Requested resources",
                 table(RESOURCE_HEADERS, resources, col_widths=[4, 1, 1], numeric=(1, 2))),
    ]
    if summary.office is None:
        offices = office_rows(summary)
        story += section("By office", _or_none(offices, table(
            OFFICE_HEADERS, offices, col_widths=[1.3, 4, 1.35, 1.2, 1.1, 1, 1.2, 1.15, 1],
            numeric=range(2, 9)), "offices"))
    return build_pdf(TITLE, story, subtitle=subtitle(summary), author=department_name,
                     header_left=department_name)


def summary_workbook(summary: Summary) -> bytes:
    """The summary as an Excel workbook, one sheet per table, numbers as numbers."""
    figures = [("Office", scope_label(summary)), ("Plan cycle", summary.cycle.name),
               *_held(summary), ("Sessions held", summary.sessions_total),
               ("People met", summary.people_total), ("Women", summary.female),
               ("Men", summary.male), ("Women among people met (%)", summary.female_share),
               *_outcome(summary)]
    people, totals = people_rows(summary)
    sheets = [("Summary", ["Figure", "Value"], figures),
              ("People met", PEOPLE_HEADERS, [*people, totals]),
              ("Top gaps", GAP_HEADERS, gap_rows(summary)),
              ("Resources", RESOURCE_HEADERS, resource_rows(summary))]
    if summary.office is None:
        sheets.append(("By office", OFFICE_HEADERS, office_rows(summary)))
    return workbook_from_sheets(sheets)

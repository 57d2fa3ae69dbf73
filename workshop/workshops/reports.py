"""A workshop's printed and exported documents: the agenda (PDF and iCalendar), the attendance
sheet to sign on paper, the evaluation summary, and Excel workbooks of attendance and of
evaluations.

Each function takes model objects (and figures from `services`) and returns bytes; the views
decide the download's name (`filename`) and response. Only the attendance functions look
anything up themselves, and only when they are not given the people (`invited_people`) and
figures (`services.participation`).
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from icalendar import Calendar, Event
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..assessment.models import Nomination
from ..core.exports import workbook_from_sheets
from ..core.models import utcnow
from ..core.pdf import (
    FONT,
    FONT_BOLD,
    FRAME_PADDING,
    MARGIN,
    STYLES,
    build_pdf,
    figure_row,
    markup,
    para,
    section,
    table,
)
from ..extensions import db
from . import services
from .models import ATTENDANCE, USEFULNESS, AgendaItem, Attendance, Invitation, Workshop
from .services import EvaluationFigures, Participation

NOT_SET = "—"
SEPARATOR = " · "
GAP_TITLE_LENGTH = 60  # a gap's title is cut to this in the agenda's narrow column
DAYS_PER_SHEET = 4  # signature columns on one landscape page; more days continue on the next

AGENDA_HEADERS = ["Time", "Session", "Module", "Facilitator", "Gaps addressed"]
USEFULNESS_HEADERS = ["Answer", "Responses", "Per cent"]
SESSION_HEADERS = ["Session", "When", "Responses", "Average rating (of 4)", "Found it useful"]
DAY_HEADERS = ["Day", "Date", "Present", "Women", "Men", "Left early"]

BULLET = ParagraphStyle("bullet", parent=STYLES["body"], leftIndent=12, bulletIndent=2)
# A hanging indent as wide as a gap's code ("G-03 "), for titles that wrap.
_CODE_WIDTH = stringWidth("G-00", FONT_BOLD, 8) + stringWidth(" ", FONT, 8)
GAP_STYLE = ParagraphStyle("gap", parent=STYLES["cell"], leftIndent=_CODE_WIDTH,
                           firstLineIndent=-_CODE_WIDTH)


# -- words for dates, times and places ---------------------------------------------------------


def long_date(day: date) -> str:
    """14 April 2026."""
    return f"{day.day} {day:%B %Y}"


def date_range(start: date, end: date) -> str:
    """14–15 April 2026, 30 April – 1 May 2026, 30 December 2026 – 2 January 2027."""
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"


def day_date(workshop: Workshop, day: int) -> date:
    return workshop.start_date + timedelta(days=day - 1)


def day_label(workshop: Workshop, day: int) -> str:
    """Day 1 · Tuesday 14 April 2026."""
    when = day_date(workshop, day)
    return f"Day {day}{SEPARATOR}{when:%A} {long_date(when)}"


def time_span(item: AgendaItem) -> str:
    """09:00–10:30."""
    return f"{item.starts_at:%H:%M}–{item.ends_at:%H:%M}"


def place(workshop: Workshop) -> str:
    """The office the workshop is for, or "Pilot workshop"."""
    return str(workshop.office) if workshop.office is not None else "Pilot workshop"


def subtitle(workshop: Workshop) -> str:
    """OO workshop · Operations Office (OO) · 14–15 April 2026 · Venue."""
    parts = [workshop.title, place(workshop),
             date_range(workshop.start_date, workshop.end_date), workshop.venue]
    return SEPARATOR.join(p for p in parts if p)


def facilitator_names(workshop: Workshop) -> str:
    return ", ".join(u.name for u in workshop.facilitators) or "to be confirmed"


def percent(value: int | None) -> str:
    return NOT_SET if value is None else f"{value}%"


def filename(workshop: Workshop, kind: str, ext: str) -> str:
    """agenda-OO-2026-04-14.pdf for an office's workshop, pilot-attendance-2026-03-02.xlsx
    for the pilot."""
    parts = [kind, workshop.office.acronym] if workshop.office is not None else ["pilot", kind]
    stem = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", part).strip("-") for part in parts)
    return f"{stem}-{workshop.start_date.isoformat()}.{ext.lstrip('.')}"


# -- the agenda --------------------------------------------------------------------------------


def _gap_line(gap) -> str:
    title = gap.title
    if len(title) > GAP_TITLE_LENGTH:
        title = title[:GAP_TITLE_LENGTH - 1].rstrip() + "…"
    return f"{gap.code} {title}"


def _gap_cell(gaps) -> Flowable | str:
    """One gap a line, its code in bold and a wrapped title indented under itself, so that
    where one gap ends and the next begins shows."""
    if not gaps:
        return NOT_SET
    lines = [Paragraph(f"<b>{markup(g.code)}</b> {markup(_gap_line(g)[len(g.code) + 1:])}",
                       GAP_STYLE) for g in gaps]
    return Table([[line] for line in lines], colWidths=["100%"], hAlign="LEFT", style=[
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -2), 2),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 0)])


def _sessions_by_day(workshop: Workshop) -> dict[int, list[AgendaItem]]:
    """Every day of the workshop (empty ones too), with its sessions in order."""
    days: dict[int, list[AgendaItem]] = {d: [] for d in range(1, workshop.days + 1)}
    for item in workshop.agenda:
        days.setdefault(item.day, []).append(item)
    return dict(sorted(days.items()))


def agenda_rows(items: Iterable[AgendaItem]) -> list[list]:
    return [[time_span(item), item.title, item.module.code if item.module else NOT_SET,
             item.facilitator or NOT_SET,
             _gap_cell(item.gaps)]
            for item in items]


def agenda_pdf(workshop: Workshop, department_name: str, uncovered: Sequence | None = None
               ) -> bytes:
    """The agenda as a printable A4 page: facilitators, then each day's sessions with their
    times, module, facilitator and the gaps of the register they address.

    `uncovered`, when given (say `services.uncovered_gaps(workshop)`), adds the high-priority
    gaps that no session addresses: a note for the organisers, not for participants."""
    story: list[Flowable] = [para(f"Facilitators: {facilitator_names(workshop)}")]
    for day, items in _sessions_by_day(workshop).items():
        content = (table(AGENDA_HEADERS, agenda_rows(items), col_widths=[1.9, 4, 1.2, 2, 4.6])
                   if items else para("No sessions planned for this day."))
        story += section(day_label(workshop, day), content)
    if uncovered:
        story += section("High-priority gaps no session addresses",
                         *[para(f"{g.code} {g.title}") for g in uncovered])
    return build_pdf("Workshop agenda", story, subtitle=subtitle(workshop),
                     author=department_name, header_left=department_name)


def agenda_text(workshop: Workshop) -> str:
    """The agenda as plain text, day by day (for a calendar entry)."""
    lines = [workshop.title, place(workshop),
             date_range(workshop.start_date, workshop.end_date)
             + (f", {workshop.venue}" if workshop.venue else ""),
             f"Facilitators: {facilitator_names(workshop)}"]
    for day, items in _sessions_by_day(workshop).items():
        lines += ["", day_label(workshop, day)]
        for item in items:
            module = f" ({item.module.code})" if item.module else ""
            by = f" – {item.facilitator}" if item.facilitator else ""
            lines.append(f"{time_span(item)}  {item.title}{module}{by}")
        if not items:
            lines.append("No sessions planned.")
    return "\n".join(lines)


def workshop_ics(workshop: Workshop, url: str | None = None) -> bytes:
    """The workshop as an iCalendar file: one all-day event over its days (DTEND is the day
    after the last, as RFC 5545 wants), the agenda as its description. The UID stays the same
    when the workshop changes, so importing the file again updates the event."""
    calendar = Calendar()
    calendar.add("prodid", "-//Workshop//Gender action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"workshop-{workshop.id}@workshop")
    stamp = workshop.updated_at or utcnow()
    event.add("dtstamp", stamp.replace(tzinfo=UTC))
    event.add("dtstart", workshop.start_date)
    event.add("dtend", workshop.end_date + timedelta(days=1))
    event.add("summary", workshop.title)
    if workshop.venue:
        event.add("location", workshop.venue)
    description = agenda_text(workshop)
    if url:
        description += f"\n\n{url}"
        event.add("url", url)
    event.add("description", description)
    event.add("transp", "OPAQUE")  # participants are busy those days
    calendar.add_component(event)
    return calendar.to_ical()


# -- invited people and attendance ---------------------------------------------------------------


@dataclass
class Invited:
    """An invited person as the attendance documents show them."""

    name: str
    job_title: str
    level: str
    sex: str
    functional_area: str
    days: dict[int, str] = field(default_factory=dict)  # day -> present, absent, left_early


def invited_people(workshop: Workshop) -> list[Invited]:
    """Everyone invited to the workshop with their attendance, sorted by name (two queries)."""
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.workshop_id == workshop.id).options(
            selectinload(Invitation.nomination).selectinload(Nomination.level),
            selectinload(Invitation.nomination).selectinload(Nomination.functional_area))).all()
    marks: dict[int, dict[int, str]] = {}
    for invitation_id, day, status in db.session.execute(
            select(Attendance.invitation_id, Attendance.day, Attendance.status)
            .join(Invitation).where(Invitation.workshop_id == workshop.id)):
        marks.setdefault(invitation_id, {})[day] = status
    people = []
    for invitation in invitations:
        person = invitation.nomination
        people.append(Invited(
            name=person.name, job_title=person.job_title or "",
            level=person.level.name if person.level else "", sex=person.sex_label,
            functional_area=person.functional_area.name if person.functional_area else "",
            days=marks.get(invitation.id, {})))
    return sorted(people, key=lambda p: (p.name.casefold(), p.name))


def _chunks(days: list[int], size: int) -> list[list[int]]:
    return [days[i:i + size] for i in range(0, len(days), size)] or [[]]


SIGNATURE_PADDING = 10  # above and below the name: rows of about 10 mm, room to sign
# No., name, job title, level, sex in millimetres: room for "Senior management" on one line;
# the days share what is left of the landscape page, at least 30 mm each.
PERSON_COLUMNS = [9, 44, 38, 32, 14]
SHEET_WIDTH = (landscape(A4)[0] - 2 * MARGIN - 2 * FRAME_PADDING) / mm


def attendance_sheet_pdf(workshop: Workshop, department_name: str,
                         people: Sequence[Invited] | None = None) -> bytes:
    """The sheet participants sign on paper, A4 landscape: every invited person by name, with
    an empty signature box per day. The header row repeats on every page; a workshop of more
    than four days continues its later days on further pages."""
    people = invited_people(workshop) if people is None else people
    story: list[Flowable] = [para("Please sign in the box of each day you attend.")]
    groups = _chunks(list(range(1, workshop.days + 1)), DAYS_PER_SHEET)
    for n, days in enumerate(groups):
        if n:
            story.append(PageBreak())
        if len(groups) > 1:
            which = f"Days {days[0]}–{days[-1]}" if len(days) > 1 else f"Day {days[0]}"
            story.append(para(which, "heading"))
        headers = ["No.", "Name", "Job title", "Level", "Sex",
                   *[f"Day {d}\n{day_date(workshop, d):%a} {day_date(workshop, d).day} "
                     f"{day_date(workshop, d):%b}\nSignature" for d in days]]
        rows = [[i, p.name, p.job_title, p.level, p.sex, *[""] * len(days)]
                for i, p in enumerate(people, start=1)]
        day_width = (SHEET_WIDTH - sum(PERSON_COLUMNS)) / max(len(days), 1)
        sheet = table(headers, rows, col_widths=[*PERSON_COLUMNS, *[day_width] * len(days)],
                      numeric=(0,))
        sheet.setStyle([("TOPPADDING", (0, 1), (-1, -1), SIGNATURE_PADDING),
                        ("BOTTOMPADDING", (0, 1), (-1, -1), SIGNATURE_PADDING),
                        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                        # White rows, no zebra: signatures in ink show best on white.
                        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white])])
        story.append(sheet if rows else para("Nobody has been invited yet."))
    story.append(Spacer(0, 6 * mm))
    story.append(para(f"{len(people)} invited. Facilitators: {facilitator_names(workshop)}",
                      "small"))
    return build_pdf("Attendance sheet", story, subtitle=subtitle(workshop), landscape=True,
                     author=department_name, header_left=department_name)


def _participation_figures(figures: Participation) -> list[tuple[str, int | None]]:
    return [("Invited", figures.invited), ("Attended at least one day", figures.attended),
            ("Women", figures.female), ("Men", figures.male),
            ("Women among participants (%)", figures.female_share),
            ("Present every day", figures.both_days),
            ("Present every day, of those invited (%)", figures.all_days_share),
            ("Nominated", figures.nominated),
            ("Present every day, of those nominated (%)", figures.nominated_all_days_share)]


def attendance_workbook(workshop: Workshop, people: Sequence[Invited] | None = None,
                        figures: Participation | None = None) -> bytes:
    """Attendance as an Excel workbook: "Attendance" (one row per invited person, one status
    column per day), "Participation" (the figures), "By day" and "By level"."""
    people = invited_people(workshop) if people is None else people
    figures = services.participation(workshop) if figures is None else figures
    days = range(1, workshop.days + 1)
    headers = ["Name", "Job title", "Sex", "Level", "Functional area",
               *[f"Day {d} ({day_date(workshop, d).isoformat()})" for d in days]]
    rows = [[p.name, p.job_title, p.sex, p.level, p.functional_area,
             *[ATTENDANCE.get(p.days.get(d, ""), "") for d in days]] for p in people]
    by_day = [[d["day"], day_date(workshop, d["day"]), d["present"], d["female"], d["male"],
               d["left_early"]] for d in figures.days]
    by_level = [[r["level"], r["female"], r["male"], r["total"]] for r in figures.by_level]
    return workbook_from_sheets([
        ("Attendance", headers, rows),
        ("Participation", ["Figure", "Value"], _participation_figures(figures)),
        ("By day", DAY_HEADERS, by_day),
        ("By level", ["Staff level", "Women", "Men", "Total"], by_level),
    ])


# -- evaluations ---------------------------------------------------------------------------------


def usefulness_rows(figures: EvaluationFigures) -> list[list]:
    return [[label, figures.usefulness.get(key, 0), percent(figures.share(key))]
            for key, label in USEFULNESS.items()]


def _average(value: float | None) -> str:
    return NOT_SET if value is None else f"{value:.1f}"


def _comment_list(texts: Iterable[str]) -> list[Flowable]:
    """Comments as written, sorted (not in the order they came in, which could tell who wrote
    them), identical ones once with their count."""
    counts = Counter(t.strip() for t in texts if t and t.strip())
    if not counts:
        return [para("No comments.")]
    items = []
    for text in sorted(counts, key=lambda t: (t.casefold(), t)):
        times = f" ({counts[text]} responses)" if counts[text] > 1 else ""
        items.append(Paragraph(markup(text) + markup(times), BULLET,
                               bulletText="•"))
    return items


def evaluation_pdf(workshop: Workshop | None, figures: EvaluationFigures, department_name: str,
                   participation: Participation | None = None,
                   comments: Sequence[tuple[str, str]] | None = None) -> bytes:
    """The evaluation summary of one workshop, or of several (`workshop` None, figures over
    all of them): responses, how useful participants found it, the share who found it very
    useful or useful, and each session's ratings; for one workshop its `participation` too,
    when given.

    Responses are anonymous, and the free-text answers are left out by default: a short
    comment can give away who wrote it in a small group. Pass `comments`, the (keep, change)
    texts of the responses, to print them as "What to keep" and "What to change": verbatim,
    sorted rather than in the order they came, identical ones once with their count, and
    never next to the usefulness or ratings of the response they came with.
    """
    story: list[Flowable] = []
    if participation is not None:
        story += section("Participation", figure_row([
            (participation.invited, "Invited"),
            (participation.attended, "Attended at least one day"),
            (percent(participation.female_share), "Women among participants"),
            (percent(participation.all_days_share), "Invited, present every day")]))
        if workshop is not None and participation.days:
            story.append(Spacer(0, 6))
            story.append(table(DAY_HEADERS, [
                [f"Day {d['day']}", long_date(day_date(workshop, d["day"])), d["present"],
                 d["female"], d["male"], d["left_early"]] for d in participation.days],
                col_widths=[1, 2.4, 1, 1, 1, 1], numeric=(2, 3, 4, 5)))
    if not figures.responses:
        story += section("Responses", para("No responses have been received yet."))
    else:
        share = figures.useful_share
        story += section("Responses", figure_row([
            (figures.responses, "Responses"),
            (percent(share), "found it very useful or useful")], per_row=2),
            Spacer(0, 6),
            para(f"{share} per cent found it very useful or useful "
                 f"({figures.useful} of {figures.responses} responses)."))
        question = "How useful was the workshop?" if workshop is not None else \
            "How useful were the workshops?"
        story += section(question, table(
            USEFULNESS_HEADERS, usefulness_rows(figures), col_widths=[4, 1.2, 1.2],
            numeric=(1, 2), totals=["Total", figures.responses, ""]))
        story += _session_section(workshop, figures)
    if comments is not None:
        story += section("What to keep", *_comment_list(c[0] for c in comments))
        story += section("What to change", *_comment_list(c[1] for c in comments))
    title = subtitle(workshop) if workshop is not None else "All workshops"
    return build_pdf("Workshop evaluation", story, subtitle=title, author=department_name,
                     header_left=department_name)


def _session_section(workshop: Workshop | None, figures: EvaluationFigures) -> list[Flowable]:
    if not figures.sessions:
        return []
    several = workshop is None or any(s["item"].workshop_id != workshop.id
                                      for s in figures.sessions)
    rows = []
    for s in figures.sessions:
        item = s["item"]
        row = [item.title, f"Day {item.day}, {time_span(item)}", s["responses"],
               _average(s["average"]), percent(s["useful_share"])]
        rows.append([item.workshop.title, *row] if several else row)
    headers = ["Workshop", *SESSION_HEADERS] if several else SESSION_HEADERS
    # "Day 1, 09:00–10:30" on one line, "Average rating (of 4)" on two.
    widths = [2.1, 3.5, 2.7, 1.3, 1.7, 1.3] if several else [4.2, 2.5, 1.3, 1.6, 1.3]
    numbers = range(len(headers) - 3, len(headers))
    return [*section("Sessions", table(headers, rows, col_widths=widths, numeric=numbers)),
            Spacer(0, 3), para("Sessions are rated from 4 (very useful) to 1 (not useful); "
                               "found it useful: rated 3 or 4.", "small")]


def evaluations_workbook(workshops: Sequence[Workshop],
                         figures_by_workshop: Mapping[int, EvaluationFigures]) -> bytes:
    """Evaluations as an Excel workbook: "Usefulness" (one row per workshop, and one for all
    of them when there are several) and "Sessions" (one row per session). `figures_by_workshop`
    maps a workshop's id to its figures (`services.evaluation_figures([id])`); a workshop
    without figures counts no responses."""
    usefulness, sessions = [], []
    totals = dict.fromkeys(USEFULNESS, 0)
    for workshop in workshops:
        figures = figures_by_workshop.get(workshop.id) or EvaluationFigures(0, {}, [])
        counts = [figures.usefulness.get(key, 0) for key in USEFULNESS]
        for key, n in zip(USEFULNESS, counts, strict=True):
            totals[key] += n
        usefulness.append([workshop.title, _scope(workshop), workshop.start_date,
                           figures.responses, *counts, figures.useful_share])
        for s in figures.sessions:
            item = s["item"]
            if item.workshop_id == workshop.id:
                sessions.append([workshop.title, item.day, time_span(item), item.title,
                                 item.module.code if item.module else "", s["responses"],
                                 s["average"], s["useful_share"]])
    if len(workshops) > 1:
        total = EvaluationFigures(sum(totals.values()), totals, [])
        usefulness.append(["All workshops", "", None, total.responses, *totals.values(),
                           total.useful_share])
    return workbook_from_sheets([
        ("Usefulness", ["Workshop", "Office", "Start date", "Responses",
                        *USEFULNESS.values(), "% useful"], usefulness),
        ("Sessions", ["Workshop", "Day", "Time", "Session", "Module", "Responses",
                      "Average (of 4)", "% useful"], sessions),
    ])


def _scope(workshop: Workshop) -> str:
    return workshop.office.acronym if workshop.office is not None else "Pilot"

"""Demo data of the workshops: the curriculum, the pilot that tuned it and the office workshops.

For the current cycle the consultants publish a first curriculum of eight modules and run the
pilot workshop on it during the cycle's pilot milestone, with some fifteen nominees from the
five offices. The pilot's evaluations and the facilitators' observations lead to three
revisions, published as version 2. Each office then holds its own two-day workshop during the
office-workshops milestone, on an agenda that version 2 proposes from the office's gaps; most of
its nominees come, and eight to eleven of them answer the anonymous evaluation.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..admin.models import GapCategory, Office, PlanCycle, ThematicArea
from ..assessment.models import Nomination
from ..auth.models import User
from ..core.hooks import demo_step
from ..extensions import db
from .models import CurriculumVersion, Workshop
from .services import (
    close_evaluation,
    evaluation_figures,
    invite,
    open_evaluation,
    publish_version,
    record_attendance,
    record_revision,
    save_module,
    save_workshop,
    start_revision,
    submit_evaluation,
)

# -- the curriculum -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    """A module of the standard curriculum, as first published."""

    code: str
    title: str
    objectives: str
    method: str
    minutes: int
    categories: tuple[str, ...]
    areas: tuple[str, ...]
    optional: bool = False


EVERY_AREA = ("Prevention", "Participation", "Protection", "Relief and recovery", "Normative")

CURRICULUM = (
    Module("M1", "Gender concepts and resolution 1325",
           "Tell sex from gender and equality from mainstreaming; say what resolution 1325 and "
           "the resolutions that followed it ask of peacekeeping, and why it is operational "
           "work rather than a side issue.",
           "Presentation, then a plenary discussion on the situation of women and girls in two "
           "current missions.", 90, ("Knowledge",), ("Normative",)),
    Module("M2", "The department's gender policy and the Gender Unit",
           "Know what the policy statement commits each office to, what the Gender Unit and the "
           "gender focal points do, and where to find guidance and help.",
           "Presentation by the Gender Adviser, questions and answers.", 60,
           ("Knowledge", "Institutional"), ("Normative",)),
    Module("M3", "Gender analysis in mission planning",
           "Ask who is affected and how, for women, men, girls and boys, at each step of "
           "planning; use the gender checklist on an assessment, a concept of operations or a "
           "report.",
           "Short presentation of the tools, then a case study in groups on a mission "
           "concept.", 120, ("Skills", "Tools"), ("Prevention",)),
    Module("M4", "Sex-disaggregated data and reporting",
           "Know which figures to break down by sex and age, how to collect them in the field "
           "and how to write them into reports to the Council.",
           "Presentation with examples of reports before and after, and a short exercise on a "
           "report template.", 60, ("Tools",), ("Prevention",)),
    Module("M5", "Leadership, accountability and gender balance",
           "Turn commitments into objectives that managers answer for in compacts and "
           "appraisals; look at what keeps women out of senior, military and police posts and "
           "what managers can change.",
           "Panel with a senior manager of the office, then discussion.", 60,
           ("Institutional",), ("Participation",)),
    Module("M6", "Working with women's organisations",
           "Map the women's groups of a mission area, plan how to consult them and bring what "
           "they say into planning, without putting anyone at risk.",
           "Role play of a first meeting with a women's network, then group discussion.", 90,
           ("Skills",), ("Participation",)),
    Module("M7", "Protection from sexual violence and SEA",
           "Know the standards on SEA and the mission's role in preventing sexual violence.",
           "Case study and presentation.", 90, ("Guidance",), ("Protection",), optional=True),
    Module("M8", "Drafting the office work plan",
           "Draft the office's objectives, activities and indicators against the gaps the "
           "needs assessment found, each activity tagged with a thematic area and a strategy, "
           "ready for the focal point to complete and submit.",
           "Group work on the office's own register, facilitated; groups present their draft "
           "in plenary at the end of the day.", 210, ("Institutional",), EVERY_AREA),
)

# What the pilot changed (module code -> new values), what it says and why.
REVISIONS = (
    ("M3", {"minutes": 180,
            "method": "Short presentation of the tools, then a three-hour group exercise: each "
                      "group analyses a real mission concept with the checklist and writes "
                      "three tasks for its own function, and the groups compare their results."},
     "Gender analysis in mission planning extended from two to three hours, with a group "
     "exercise on a real mission concept that ends in tasks for one's own function.",
     "The pilot evaluations rated the session below most others and asked for practice "
     "(\"more time for the exercise, we never finished the case\"); the facilitators observed "
     "that none of the four groups finished the case study in the time given."),
    ("M1", {"minutes": 60,
            "method": "Quiz on the pre-reading in pairs, then a plenary discussion of what "
                      "resolution 1325 asks of each office."},
     "Gender concepts and resolution 1325 shortened from 90 to 60 minutes: a quiz on the "
     "pre-reading replaces the lecture, leaving the time to the gender-analysis exercise.",
     "Pilot comments said the opening session repeated the reading sent beforehand, and the "
     "facilitators saw that most participants already knew the basic concepts."),
    ("M7", {"title": "Preventing sexual violence, exploitation and abuse: what to do and "
                     "where to report",
            "objectives": "Know the standards of conduct on sexual exploitation and abuse, "
                          "the channels for reporting it (the supervisor, conduct and "
                          "discipline, investigators) and what happens to a report; know what "
                          "missions do to prevent sexual and gender-based violence and to "
                          "refer survivors."},
     "The optional protection module renamed and its objectives rewritten: acronyms spelled "
     "out, and the reporting channels and what happens to a report named.",
     "Several pilot participants wrote that they did not know what \"SEA\" stood for, and "
     "support staff asked where to report; the facilitators noted that the title and "
     "objectives used acronyms without explaining them."),
)

# -- the pilot ----------------------------------------------------------------------------------

PILOT_PICKS = (1, 4, -2)  # which nominations of each office go to the pilot: all levels
PILOT_ANSWERS = (4, 7, 2, 0)  # very useful, useful, somewhat useful, not useful
PILOT_TONE = {"M1": -0.4, "M2": -0.2, "M3": -0.3, "M4": 0.0, "M5": -0.1, "M6": 0.3,
              "M7": 0.2, "M8": 0.4}
PILOT_KEEP = (
    "The case studies from real missions.",
    "Working in mixed groups with colleagues from other offices.",
    "The session on women's organisations: now I know whom to call.",
    "Drafting actions for our own office on the second day.",
)
PILOT_CHANGE = (
    "More time for the gender analysis exercise; we never finished the case.",
    "The first session repeated the reading we received beforehand.",
    "Explain the acronyms. I did not know what SEA meant until the afternoon.",
    "Give us figures on women in our own missions and posts.",
    "Less presentation in the morning, more exercises.",
)
PILOT_OBSERVATIONS = (
    "Fifteen invited from the five offices, senior managers included; fourteen came on the "
    "first day. The gender-analysis case study ran out of time: none of the four groups "
    "reached the tasks for their own function, and the evaluations ask for more practice. "
    "Most participants already knew the concepts of the opening session from the pre-reading. "
    "Support staff did not know the acronym SEA and asked where to report; the title and "
    "objectives of the protection module need plain words. The work-plan session worked well "
    "with mixed-office groups; office workshops should keep a full afternoon for it."
)

# -- the office workshops -----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """How an office's workshop went."""

    answers: tuple[int, int, int, int]  # very useful, useful, somewhat useful, not useful
    tone: float  # added to every session rating
    venue: str
    observations: str
    keep: tuple[str, ...]
    change: tuple[str, ...]
    called_away: int = 0  # more people leaving early or missing both days


RUNS = {
    "OO": Run((6, 4, 1, 0), 0.1, "Conference room 4, headquarters",
              "The Assistant Secretary-General opened the workshop and stayed for the "
              "gender-analysis exercise. The integrated operational teams worked on a real "
              "mission concept and drafted four objectives for the office's work plan, the "
              "first on assessment missions.",
              ("The exercise on a real mission concept.", "The checklist we can use from "
               "Monday.", "Having the Assistant Secretary-General in the room."),
              ("Send the materials a week earlier.", "Two days are tight for the work plan.")),
    "OMS": Run((5, 4, 1, 0), 0.0, "Training room, Logistics Support Division",
               "Human resources and conduct and discipline staff carried the discussion on "
               "reporting sexual exploitation and abuse; logistics officers asked for camp "
               "design standards. Three objectives drafted; budget figures still missing.",
               ("The session on where to report misconduct.", "Figures on women in field "
                "posts."),
               ("More on logistics and procurement, less on concepts.",
                "A follow-up session for the budget staff.")),
    "MILDIV": Run((2, 5, 2, 0), -0.3, "Military Planning Service briefing room",
                  "Attendance dropped on the second day: two officers were called to a force "
                  "generation meeting and left at lunch. Participants found some examples too "
                  "civilian; the force requirements exercise, taken from their own work, went "
                  "best. Two objectives drafted, on women officers and on induction.",
                  ("The exercise on force requirements.", "Hearing from a military observer "
                   "back from the field."),
                  ("Use cases from force headquarters, not only civilian ones.",
                   "Hold it away from the office: people were called out to meetings.",
                   "Shorter presentations."), called_away=1),
    "PD": Run((6, 4, 0, 0), 0.2, "Conference room 2, headquarters",
              "The Police Adviser asked for procedures rather than awareness, and the groups "
              "drafted the outline of standard procedures for sexual and gender-based violence "
              "cases. Field officers' experience of women's desks enriched the protection "
              "module. Four objectives drafted.",
              ("The protection module and the field officers' stories.", "Drafting our own "
               "procedures in the work-plan session."),
              ("More time for the work plan.", "Invite host-state police partners next "
               "time.")),
    "PBPS": Run((4, 4, 1, 0), 0.0, "Best Practices Section meeting room",
                "Trainers and policy officers took the gender-analysis exercise apart to reuse "
                "it in their own courses. The section offered to host the collection of good "
                "practices. Three objectives drafted, one on after-action reviews.",
                ("The gender-analysis exercise: we will reuse it.", "Short presentations, "
                 "long discussions."),
                ("Give trainers the facilitation notes.", "More on evaluation methods.")),
}
OTHER_RUN = RUNS["OO"]
BASE_TONE = {"M1": 0.0, "M2": -0.2, "M3": 0.3, "M4": 0.1, "M5": -0.1, "M6": 0.2, "M7": 0.3,
             "M8": 0.4}
SHIFT = {"very_useful": 0.6, "useful": 0.0, "somewhat_useful": -0.8, "not_useful": -1.5}
CONSULTANTS = ("consultant@example.org", "consultant2@example.org", "consultant3@example.org")
ADVISER = "gender.adviser@example.org"


# -- helpers ------------------------------------------------------------------------------------


def _weekdays(cycle: PlanCycle, stage: str, weeks_in: int) -> list[date]:
    """Weekdays of the cycle's milestone for `stage` (or some weeks into the cycle)."""
    milestone = next((m for m in cycle.milestones if m.stage == stage), None)
    if milestone is not None:
        first, last = milestone.dates
    else:
        first = cycle.start_date + timedelta(weeks=weeks_in)
        last = first + timedelta(weeks=6)
    first, last = max(first, cycle.start_date), min(last, cycle.end_date - timedelta(days=1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5] or [first]


def _starts(days: list[date], weekdays: tuple[int, ...]) -> list[date]:
    """Days of `days` on `weekdays` whose next day is in `days` too: two-day workshops."""
    have = set(days)
    for wanted in (weekdays, (0, 1, 2, 3)):
        starts = [d for d in days if d.weekday() in wanted and d + timedelta(days=1) in have]
        if starts:
            return starts
    return [days[0]]


def _base(office: Office, index: int) -> tuple[str, int]:
    """The demo office an office copies (its acronym without the copy number) and the copy."""
    match = re.fullmatch(r"(.*?)(\d*)", office.acronym)
    if match.group(1) in RUNS:
        return match.group(1), int(match.group(2) or 1)
    return list(RUNS)[index % len(RUNS)], index // len(RUNS) + 1


def _answers(counts: tuple[int, int, int, int]) -> list[str]:
    """The usefulness answers, mixed in a fixed order."""
    answers = [kind for kind, n in zip(("very_useful", "useful", "somewhat_useful",
                                        "not_useful"), counts, strict=True) for _ in range(n)]
    step = 5 if len(answers) % 5 else 7
    return [answers[(i * step) % len(answers)] for i in range(len(answers))]


def _ratings(workshop: Workshop, n: int, answer: str, tone: dict[str, float],
             extra: float) -> dict[int, int | None]:
    """A respondent's rating of each session: the module's appeal, the answer's mood and a
    fixed wobble; now and then a session left unrated."""
    ratings = {}
    for j, item in enumerate(workshop.agenda):
        if (n + j) % 11 == 10:
            ratings[item.id] = None
            continue
        code = item.module.code if item.module is not None else ""
        wobble = ((n * 7 + j * 3) % 5 - 2) * 0.3
        value = 3.0 + tone.get(code, 0.0) + SHIFT[answer] + wobble + extra
        ratings[item.id] = max(1, min(4, round(value)))
    return ratings


def _evaluate(workshop: Workshop, label: str, answers: list[str], tone: dict[str, float],
              extra: float, keep: tuple[str, ...], change: tuple[str, ...]) -> int:
    """Open the evaluation, send the responses, close it; the number of responses."""
    open_evaluation(workshop)
    for n, answer in enumerate(answers):
        submit_evaluation(
            workshop, f"demo-{label}-{n + 1}", usefulness=answer,
            ratings=_ratings(workshop, n, answer, tone, extra),
            keep=keep[(n // 3) % len(keep)] if n % 3 == 0 else "",
            change=change[(n // 4) % len(change)] if n % 4 == 1 else "")
    close_evaluation(workshop)
    return len(answers)


def _came(marks: dict[int, dict[int, str]], day: int) -> int:
    return sum(1 for days in marks.values() if days[day] in ("present", "left_early"))


# -- the step -----------------------------------------------------------------------------------


def _curriculum(ids: dict[str, dict[str, int]]) -> CurriculumVersion:
    """Version 1, as the consultants designed it from the needs assessment."""
    first = start_revision()
    for module in CURRICULUM:
        save_module(None, first, code=module.code, title=module.title,
                    duration_minutes=module.minutes, objectives=module.objectives,
                    method=module.method, optional=module.optional,
                    category_ids=[ids["categories"][c] for c in module.categories],
                    thematic_area_ids=[ids["areas"][a] for a in module.areas])
    publish_version(first, "The standard curriculum of the two-day workshop, as designed from "
                           "the needs assessment, for the pilot.")
    return first


def _revise(pilot: Workshop, author: User | None) -> CurriculumVersion:
    """Version 2: the pilot's lessons, each change recorded with its reason."""
    second = start_revision()
    modules = {m.code: m for m in second.modules}
    for code, values, change, reason in REVISIONS:
        module = modules[code]
        now = {"title": module.title, "objectives": module.objectives,
               "method": module.method, "minutes": module.duration_minutes, **values}
        save_module(module, second, code=code, title=now["title"],
                    duration_minutes=now["minutes"], objectives=now["objectives"],
                    method=now["method"], optional=module.optional,
                    category_ids=[c.id for c in module.categories],
                    thematic_area_ids=[a.id for a in module.thematic_areas])
        record_revision(second, module_code=code, change=change, reason=reason,
                        workshop_id=pilot.id, recorded_by=author)
    publish_version(second, "The curriculum after the pilot: more practice in gender "
                            "analysis, a shorter opening, plain words in the protection "
                            "module.")
    return second


@demo_step(30)
def demo_workshops(scale: int, on: date) -> str:
    """The curriculum and its revision, the pilot and one workshop per office, evaluated."""
    cycle = db.session.scalar(select(PlanCycle).where(PlanCycle.status == "active"))
    if cycle is None:
        return "Workshops: no active cycle, nothing added."
    offices = db.session.scalars(select(Office).where(Office.active).order_by(Office.id)).all()
    nominations: dict[int, list[Nomination]] = {}
    for nomination in db.session.scalars(select(Nomination).where(
            Nomination.cycle_id == cycle.id).order_by(Nomination.office_id, Nomination.id)):
        nominations.setdefault(nomination.office_id, []).append(nomination)
    users = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.in_((*CONSULTANTS, ADVISER))))}
    team = [users[e] for e in CONSULTANTS if e in users]
    if not offices or not nominations or not team:
        return "Workshops: no offices, nominations or consultants, nothing added."
    loaded = [*db.session.scalars(select(GapCategory)), *db.session.scalars(select(ThematicArea))]
    ids = {"categories": {c.name: c.id for c in loaded if isinstance(c, GapCategory)},
           "areas": {a.name: a.id for a in loaded if isinstance(a, ThematicArea)}}
    author = team[0]

    first = _curriculum(ids)

    # The pilot, on two weekdays early in its milestone, with nominees of the first offices.
    pilot_days = _weekdays(cycle, "pilot", 9)
    pilot_start = _starts(pilot_days, (1,))[0]
    pilot = save_workshop(
        None, cycle_id=cycle.id, kind="pilot", title="Pilot workshop on gender mainstreaming",
        start_date=pilot_start, venue="Conference room 7, headquarters",
        facilitator_ids=[u.id for u in (*team[:2], users.get(ADVISER)) if u is not None],
        status="held", observations=PILOT_OBSERVATIONS)
    guests = []
    for office in offices[:5]:
        people = nominations.get(office.id, [])
        guests += list(dict.fromkeys(people[i] for i in PILOT_PICKS if -len(people) <= i
                                     < len(people)))
    invitations = invite(pilot, [p.id for p in guests])
    marks = {}
    for n, invitation in enumerate(invitations):
        day1 = "absent" if n == 7 else "present"
        day2 = "absent" if n in (7, 12) else "left_early" if n == 3 else "present"
        marks[invitation.id] = {1: day1, 2: day2}
    record_attendance(pilot, marks)
    answers = _answers(PILOT_ANSWERS)[:_came(marks, 2)]
    pilot_responses = _evaluate(pilot, "pilot", answers, PILOT_TONE, 0.0, PILOT_KEEP,
                                PILOT_CHANGE)

    second = _revise(pilot, author)

    # One workshop per office on version 2, spread over the office-workshops milestone.
    starts = _starts(_weekdays(cycle, "office_workshops", 15), (0, 2))
    used: dict[date, int] = {}
    parallel = responses = 0
    workshops = []
    for index, office in enumerate(offices):
        people = nominations.get(office.id)
        if not people:
            continue
        base, copy = _base(office, index)
        run = RUNS.get(base, OTHER_RUN)
        kind = list(RUNS).index(base)
        start = starts[(kind * len(starts) // len(RUNS) + kind % 2 + copy - 1) % len(starts)]
        busy = used.get(start, 0)
        used[start] = busy + 1
        parallel += bool(busy)
        facilitators = [team[(kind + busy + i) % len(team)] for i in range(min(2, len(team)))]
        workshop = save_workshop(
            None, cycle_id=cycle.id, kind="office", office_id=office.id,
            title=f"Gender mainstreaming workshop: {office.name}", start_date=start,
            venue=run.venue, facilitator_ids=[u.id for u in facilitators], status="held",
            observations=run.observations)
        skip = len(people) - 3 if len(people) >= 12 else None  # on leave, not invited
        invited = invite(workshop, [p.id for i, p in enumerate(people) if i != skip])
        last = len(invited) - 1
        marks = {}
        for n, invitation in enumerate(invited):
            day1, day2 = "present", "present"
            if n == 0:  # the head of office opens the second day, then leaves
                day2 = "left_early"
            elif n == 1 or (run.called_away and n == 5):
                day2 = "absent"
            elif n == last:
                day1 = "absent"  # on mission, back for the second day
            elif run.called_away and n in (2, 4):
                day2 = "left_early"
            if run.called_away and n == 5:
                day1 = "absent"
            marks[invitation.id] = {1: day1, 2: day2}
        record_attendance(workshop, marks)
        answers = _answers(run.answers)[:_came(marks, 2)]
        responses += _evaluate(workshop, office.acronym.lower(), answers, BASE_TONE, run.tone,
                               run.keep, run.change)
        workshops.append((workshop.id, start))

    share = evaluation_figures([pilot.id, *(w for w, _ in workshops)]).useful_share
    dates = sorted(d for _, d in workshops)
    line = (f"Workshops {cycle.name}: curriculum v{first.number} ({len(first.modules)} modules) "
            f"and v{second.number} ({len(second.modules)} modules, {len(second.revisions)} "
            f"revisions after the pilot); pilot {pilot.start_date:%d}-{pilot.end_date:%d %b} "
            f"with {len(invitations)} invited and {pilot_responses} evaluations; "
            f"{len(workshops)} office workshops")
    if dates:
        line += f" from {dates[0]:%d %b} to {dates[-1] + timedelta(days=1):%d %b %Y}"
    line += f", {responses} evaluations; {share} % of all found them very useful or useful."
    if parallel:
        line += (f" ({parallel} office workshops run alongside another: the milestone has too "
                 "few weekdays for this scale.)")
    return line

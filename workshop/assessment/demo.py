"""Demo data of the needs assessment: the week the consultants spent in the offices.

For the current cycle, every office nominates ten to fourteen people of all functions and levels;
the consultants hold three or four sessions per office on the days of the cycle's needs-assessment
milestone (interviews with a head of office, group discussions with named or anonymous staff),
and each finding is filed under one of some eighteen department-wide gaps, so that the register
shows which needs several offices share.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..admin.models import FunctionalArea, GapCategory, Office, PlanCycle, StaffLevel, ThematicArea
from ..auth.models import User
from ..core.hooks import demo_step
from ..extensions import db
from .models import Finding, Gap
from .services import FindingInput, group_findings, save_nomination, save_session, update_gap

# -- what the assessment found: the gap themes --------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A need several offices may raise: one gap of the department's register."""

    title: str
    category: str
    thematic: str
    area: str | None
    priority: str
    resources: tuple[str, ...]
    description: str
    helps: str = ""


THEMES = {
    "checklist": Theme(
        "No gender checklist for planning, assessment and reporting", "Tools", "Normative",
        "Political affairs", "high", ("checklists", "guidance"),
        "Mission concepts, assessment terms of reference and reports are drafted without a "
        "standard set of questions on the situation of women and girls, so gender is added at "
        "the end, if at all.",
        "A one-page checklist per planning document, with examples from existing missions."),
    "concepts": Theme(
        "Gender concepts and resolution 1325 understood only by specialists", "Knowledge",
        "Normative", None, "high", ("training", "information"),
        "Most staff outside the gender specialists cannot say what resolution 1325 or the "
        "gender policy statement expects of them in their own job.",
        "A short briefing for all staff and a plain-language note on the policy statement."),
    "analysis": Theme(
        "Staff cannot turn a gender analysis into tasks of their own", "Skills", "Normative",
        "Policy, evaluation and training", "high", ("training", "tools"),
        "Officers accept that gender matters but do not know how to analyse the different "
        "effects of a conflict or an operation on women and men, or what to do with the result.",
        "Practical exercises built on real mission cases, and a worked example per function."),
    "accountability": Theme(
        "Managers are not held to account for gender results", "Institutional", "Normative",
        "Personnel and administration", "high", ("guidance",),
        "Gender objectives are missing from senior managers' compacts, office work plans and "
        "performance appraisals, so the work depends on individual goodwill.",
        "Model objectives and indicators that can go into compacts and appraisals."),
    "police": Theme(
        "No standard procedures for police work on sexual and gender-based violence",
        "Guidance", "Protection", "Police", "high", ("guidance", "checklists", "training"),
        "Mission police and the host-state police they support handle cases of sexual and "
        "gender-based violence case by case, without agreed procedures for reporting, "
        "interviewing survivors or referral.",
        "Standard operating procedures and a statement-taking checklist, with training."),
    "misconduct": Theme(
        "Unclear channels for reporting sexual exploitation and abuse", "Guidance",
        "Protection", "Personnel and administration", "high", ("guidance", "information"),
        "Staff, contingents and people in host communities are unsure where and how to report "
        "suspected sexual exploitation and abuse, and worry about what happens to those who do.",
        "One page on who to tell and what happens next, posted in every mission."),
    "data": Theme(
        "Reports and statistics are not broken down by sex", "Tools", "Prevention",
        "Political affairs", "medium", ("tools", "guidance"),
        "Field reports, crime figures and staffing statistics rarely say how many women and "
        "men are concerned, which hides trends that early warning and planning need.",
        "Report templates with sex-disaggregated fields and a note on why they matter."),
    "focal_points": Theme(
        "Gender focal points without time, mandate or backing", "Institutional", "Normative",
        "Personnel and administration", "medium", ("guidance", "information"),
        "Where offices have a gender focal point, the role comes on top of a full-time job, "
        "with no terms of reference, no time set aside and little contact with managers.",
        "Standard terms of reference and a network of focal points across the department."),
    "recruitment": Theme(
        "Few women in senior posts and on rosters for civilian field posts", "Institutional",
        "Participation", "Personnel and administration", "medium", ("information", "tools"),
        "Women are scarce on shortlists for senior mission posts and leave field posts sooner "
        "than men; rosters are not searched with the balance in mind.",
        "Roster figures by sex and grade, and outreach to networks of women candidates."),
    "deployment": Theme(
        "Few women among the military and police officers that countries contribute",
        "Institutional", "Participation", "Military", "medium", ("information", "guidance"),
        "Contributing countries put forward very few women officers, and force and police "
        "requirements do not ask for mixed teams where the mandate would need them.",
        "Requirements that ask for women officers, and figures shared with contributors."),
    "ddr": Theme(
        "Disarmament and reintegration planning overlooks women and girls", "Guidance",
        "Relief and recovery", "Disarmament, demobilisation and reintegration", "medium",
        ("guidance", "checklists"),
        "Programmes count combatants and weapons, and miss women and girls who served armed "
        "groups as cooks, porters, wives or fighters.",
        "Eligibility criteria and a planning checklist that name women and girls."),
    "women_groups": Theme(
        "Little contact with local women's organisations", "Skills", "Participation",
        "Political affairs", "medium", ("information", "tools"),
        "Mission planners and field personnel seldom consult women's groups; officers say they "
        "do not know whom to contact or how to reach women in the community.",
        "A directory of women's organisations per mission and tips for meeting them."),
    "induction": Theme(
        "Pre-deployment and induction training treat gender in passing", "Knowledge",
        "Protection", "Policy, evaluation and training", "medium", ("training",),
        "Standard modules give gender one short session, often lecture-only, and contingents "
        "arrive with very different levels of preparation.",
        "A revised module with scenarios, and a check that contributing countries use it."),
    "facilities": Theme(
        "Camps and equipment planned for an all-male workforce", "Institutional",
        "Participation", "Logistics and field support", "medium", ("guidance", "checklists"),
        "Accommodation, ablutions, security lighting and equipment scales assume men, which "
        "makes it harder to deploy women and to keep them safe.",
        "Design standards for camps and a review of equipment scales."),
    "lessons": Theme(
        "Good practice on gender is neither collected nor shared", "Tools", "Normative",
        "Policy, evaluation and training", "medium", ("information", "tools"),
        "Missions try useful things, such as women's desks or mixed engagement teams, but the "
        "department has no place to record them and after-action reviews do not ask.",
        "A searchable collection of practices and a gender question in every after-action "
        "review."),
    "procurement": Theme(
        "Local procurement does not reach businesses run by women", "Guidance",
        "Relief and recovery", "Logistics and field support", "low", ("guidance", "information"),
        "Tenders are advertised in ways that women-owned local businesses do not see, and "
        "nobody tracks who wins local contracts.",
        "Advertising guidance for local tenders and figures on who wins them."),
    "outreach": Theme(
        "Public information rarely speaks to or about women", "Skills", "Participation",
        "Public information", "low", ("guidance", "checklists"),
        "Radio programmes, websites and campaigns seldom feature women or reach them, and the "
        "intranet has no single page of gender guidance for staff.",
        "An editorial checklist and a gender page on the intranet."),
    "mine_action": Theme(
        "Mine action does not ask women and men about their different risks", "Knowledge",
        "Protection", "Mine action", "low", ("guidance", "information"),
        "Clearance priorities and risk education are set without asking women, who use "
        "different fields, paths and water points than men.",
        "Survey questions for women and men, and risk-education material showing both."),
}

# -- what each office did: nominations and sessions ---------------------------------------------

LEVELS = {
    "SM": "Senior management",
    "P": "Professional",
    "GS": "General service",
    "FN": "Field and national staff",
}
POL, MIL, POLICE = "Political affairs", "Military", "Police"
LAW, DDR, MINES = ("Rule of law and judicial affairs",
                   "Disarmament, demobilisation and reintegration", "Mine action")
LOG, ADMIN, INFO = ("Logistics and field support", "Personnel and administration",
                    "Public information")
POLICY = "Policy, evaluation and training"


@dataclass(frozen=True)
class Person:
    """A nomination: name, sex (f/m), level key, functional area, job title."""

    name: str
    sex: str
    level: str
    area: str
    job: str
    email: bool = False
    by: str | None = None  # who nominated them, when not the office's usual channel


@dataclass(frozen=True)
class Found:
    """A finding as the consultants wrote it down in one session."""

    theme: str
    title: str
    description: str = ""
    priority: str | None = None  # the theme's when None; never above it
    area: str | None = None  # the theme's functional area when None
    quote: str = ""
    own_gap: bool = False  # first recorded as a gap of its own, grouped afterwards


@dataclass(frozen=True)
class Meeting:
    """A session: who took part (indices of nominations, anonymous counts), what was found."""

    format: str
    topics: str
    notes: str
    people: tuple[int, ...] = ()
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    pair: bool = False  # two consultants present
    confidential: bool = False
    findings: tuple[Found, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What one office of the department contributed to the assessment."""

    nominated_by: str
    people: tuple[Person, ...]
    meetings: tuple[Meeting, ...]


OO = Plan("Executive Office", (
    Person("Kwame Asante", "m", "SM", POL, "Assistant Secretary-General for Operations", True),
    Person("Helena Virtanen", "f", "SM", POL, "Director, Africa Division", True),
    Person("Rosa Delgado", "f", "P", POL, "Senior Political Affairs Officer, integrated "
           "operational team", True),
    Person("Tariq Rahman", "m", "P", POL, "Political Affairs Officer, Asia and Middle East "
           "Division", by="Director's office"),
    Person("Mei Lin Tan", "f", "P", POL, "Planning Officer, integrated mission planning", True),
    Person("Daniel Kowalski", "m", "P", LAW, "Judicial Affairs Officer"),
    Person("Chipo Moyo", "f", "P", DDR, "Disarmament, Demobilisation and Reintegration "
           "Officer", True),
    Person("Erik Lindqvist", "m", "P", MINES, "Programme Officer, mine action"),
    Person("Yasmin Farouk", "f", "GS", POL, "Team Assistant, Africa Division"),
    Person("Patrick O'Neill", "m", "GS", INFO, "Information Assistant"),
    Person("Sunita Rao", "f", "GS", ADMIN, "Administrative Assistant, front office",
           by="Gender focal point"),
    Person("Jean-Baptiste Ndayisenga", "m", "FN", POL, "National Political Affairs Officer, "
           "field mission"),
    Person("Amal Haidar", "f", "FN", INFO, "Public Information Officer, field mission", True),
), (
    Meeting("individual", "Leadership of the office; integrated mission planning; staffing of "
            "senior posts",
            "The Assistant Secretary-General supports the action plan and wants desk officers "
            "in the workshop. He notes that directors report on many things, but not on "
            "gender.", people=(0,), pair=True, findings=(
                Found("accountability", "Directors never asked to report on gender",
                      "Gender is absent from the compacts of directors and team leaders, so it "
                      "slips whenever deadlines press.",
                      quote="What the Under-Secretary-General asks about gets done. Gender is "
                            "not on that list yet."),
                Found("recruitment", "Shortlists for heads and deputy heads of mission "
                      "rarely include women",
                      "Candidates for senior mission posts come from networks that are mostly "
                      "male."))),
    Meeting("group", "Technical assessment missions; mission concepts; reporting to the "
            "Security Council",
            "Five officers of the integrated operational teams. Lively discussion; several "
            "asked for examples from missions that have done this well.",
            people=(2, 3, 4, 5, 6), pair=True, findings=(
                Found("checklist", "Assessment missions go out without gender questions",
                      "Terms of reference for technical assessment missions say nothing about "
                      "women, so the teams do not look.",
                      quote="We add a paragraph on women at the end because someone asks for "
                            "it, not because the assessment looked."),
                Found("data", "Reports to the Council seldom give figures for women and men",
                      "Figures on displaced people, victims or participants in elections are "
                      "usually given as totals."),
                Found("analysis", "Planners unsure how to apply a gender analysis to a mission "
                      "concept", area=POL),
                Found("ddr", "Reintegration planning counts fighters only",
                      "Women who supported armed groups fall outside the caseload."),
                Found("women_groups", "No list of women's groups to consult before a mission "
                      "is planned"))),
    Meeting("group", "Daily work of support and field staff; what they know of resolution "
            "1325; where they look for help",
            "Anonymous discussion with assistants and field staff on mission assignment.",
            counts={"GS": (3, 2), "FN": (2, 1)}, findings=(
                Found("concepts", "Support staff have heard of resolution 1325, not what it "
                      "asks of them", area=ADMIN),
                Found("focal_points", "Nobody could name the office's gender focal point",
                      priority="low"),
                Found("outreach", "Mission radio and websites rarely carry stories by or "
                      "about women"))),
    Meeting("group", "Mine action; the field view of the office's guidance",
            "Two field officers and the mine action programme officer, joined by two "
            "professional staff who preferred not to be named.",
            people=(7, 11, 12), counts={"P": (1, 1)}, findings=(
                Found("mine_action", "Clearance priorities set without asking women",
                      "Women use different paths and water points, but surveys talk to "
                      "village elders, all men."),
                Found("checklist", "Desk officers lack a short list of points for reviewing "
                      "mission reports", priority="medium"))),
))

OMS = Plan("Director's office", (
    Person("Catherine Boyle", "f", "SM", LOG, "Assistant Secretary-General for Mission "
           "Support", True),
    Person("Viktor Novak", "m", "SM", LOG, "Director, Logistics Support Division", True),
    Person("Adaeze Okonkwo", "f", "P", ADMIN, "Human Resources Officer, field personnel", True),
    Person("Marco Bianchi", "m", "P", LOG, "Engineering Officer"),
    Person("Hannah Schmidt", "f", "P", ADMIN, "Conduct and Discipline Officer", True,
           by="Executive Office"),
    Person("Ahmed Benali", "m", "P", LOG, "Procurement Officer"),
    Person("Luis Fernández", "m", "P", ADMIN, "Budget Officer"),
    Person("Grace Achieng", "f", "GS", ADMIN, "Human Resources Assistant"),
    Person("Paul Lefebvre", "m", "GS", LOG, "Supply Assistant"),
    Person("Nasrin Karimi", "f", "GS", LOG, "Movement Control Assistant", True),
    Person("Joseph Kamara", "m", "FN", LOG, "Chief Transport Officer, field mission"),
    Person("Isabel Santos", "f", "FN", ADMIN, "Human Resources Assistant, field mission",
           by="Gender focal point"),
), (
    Meeting("individual", "Support policies for missions; staffing; conditions of service",
            "The Assistant Secretary-General wants figures on women in field posts before the "
            "workshop and offered her front office to collect them.", people=(0,), findings=(
                Found("recruitment", "Women leave field posts sooner than men and few reach "
                      "senior support posts",
                      quote="We track vacancy rates to the decimal point, but nobody asks how "
                            "many of the people we hire are women."),
                Found("accountability", "Support managers have no gender objective in their "
                      "appraisals", area=ADMIN))),
    Meeting("group", "Recruitment and rosters; conduct and discipline; budget preparation",
            "Human resources, conduct and discipline and budget staff, headquarters and "
            "field.", people=(2, 4, 6, 7, 11), pair=True, findings=(
                Found("recruitment", "Rosters for field posts not searched with the balance "
                      "in mind", "Nobody checks the share of women before a roster is sent "
                      "to a mission."),
                Found("misconduct", "Staff unsure where to report suspected sexual "
                      "exploitation and abuse",
                      quote="People stop me in the corridor because they do not know whether "
                            "to go to their supervisor, the investigators or us."),
                Found("focal_points", "Focal point role added to a full-time job",
                      "No time is set aside and the role has no written terms of reference."),
                Found("concepts", "Budget staff see no link between gender and their work",
                      priority="medium", area=ADMIN))),
    Meeting("group", "Working conditions in field missions; welfare; reporting misconduct",
            "Anonymous group of assistants and field staff. Two participants described "
            "incidents they had not reported; details are kept in the confidential notes.",
            counts={"GS": (4, 2), "FN": (1, 2)}, confidential=True, findings=(
                Found("misconduct", "Field staff fear reprisals if they report colleagues",
                      quote="You report it, and then you still have to share the car with "
                            "him for the next six months."),
                Found("facilities", "Some camps lack safe accommodation and ablutions for "
                      "women"))),
    Meeting("group", "Logistics planning for new missions; engineering; local procurement",
            "Logistics, engineering and procurement officers with a field transport chief.",
            people=(1, 3, 5, 8, 9, 10), pair=True, findings=(
                Found("facilities", "Camp layouts and equipment lists assume an all-male "
                      "contingent"),
                Found("procurement", "Local tenders never reach businesses run by women"),
                Found("checklist", "Logistics plans for new missions have no gender checks",
                      priority="medium", area=LOG),
                Found("data", "No single source for mission staffing figures by sex and "
                      "grade", area=ADMIN))),
))

MILDIV = Plan("Office of the Military Adviser", (
    Person("Arjun Mehta", "m", "SM", MIL, "Military Adviser", True),
    Person("Sarah Whitfield", "f", "SM", MIL, "Chief, Military Planning Service", True),
    Person("Kofi Boateng", "m", "P", MIL, "Military Planning Officer"),
    Person("Ana Lucía Paredes", "f", "P", MIL, "Force Generation Officer", True),
    Person("Dmitri Volkov", "m", "P", MIL, "Military Planning Officer"),
    Person("Fatou Sow", "f", "P", POLICY, "Training Officer, military component"),
    Person("Hiroshi Tanaka", "m", "P", MIL, "Current Military Operations Officer"),
    Person("Leila Nasser", "f", "GS", ADMIN, "Administrative Assistant",
           by="Executive Office"),
    Person("Thomas Berg", "m", "GS", MIL, "Operations Assistant"),
    Person("Naledi Khumalo", "f", "FN", MIL, "Military Observer, field mission", True),
    Person("Ravi Pillai", "m", "FN", MIL, "Staff Officer, force headquarters"),
), (
    Meeting("individual", "Force generation; the military role in protecting civilians",
            "The Military Adviser sees women officers as an operational need, not only a "
            "matter of numbers, and will raise it with contributing countries.",
            people=(0,), pair=True, findings=(
                Found("deployment", "Contributing countries offer very few women officers",
                      quote="We can only deploy the officers capitals put forward, and the "
                            "lists that reach us are nearly all men."),
                Found("induction", "Contingents arrive with very different gender "
                      "preparation", area=MIL))),
    Meeting("group", "Military planning; force requirements; concepts of operations",
            "Planning and force generation officers.", people=(1, 2, 3, 4, 6), pair=True,
            findings=(
                Found("checklist", "Concepts of operations ignore threats facing women and "
                      "girls", area=MIL),
                Found("analysis", "Planners not trained to turn a gender analysis into "
                      "military tasks", area=MIL),
                Found("deployment", "Force requirements never ask for mixed patrol or search "
                      "teams"),
                Found("facilities", "Equipment scales do not provide for women in "
                      "contingents", priority="low", area=MIL))),
    Meeting("group", "What staff officers know of resolution 1325; where guidance comes from",
            "Anonymous group of staff officers and assistants.",
            counts={"P": (1, 3), "GS": (2, 1)}, findings=(
                Found("concepts", "Military staff see gender as a civilian matter", area=MIL),
                Found("misconduct", "Commanders not told clearly of allegations against "
                      "their troops", area=MIL),
                Found("lessons", "Practice of contingents with women engagement teams not "
                      "written down", area=MIL))),
    Meeting("individual", "Experience as a military observer; contact with local women",
            "Interview with a military observer on leave at headquarters.", people=(9,),
            findings=(
                Found("women_groups", "Military observers have no channel to meet local "
                      "women's groups", area=MIL,
                      quote="In the villages the men came to talk to us. The women stayed "
                            "away unless one of us was a woman."),
                Found("induction", "Mission induction said little about the situation of "
                      "local women", area=MIL),
                Found("data", "Patrol reports do not record whether women or men were met",
                      area=MIL))),
))

PD = Plan("Office of the Police Adviser", (
    Person("Astrid Nilsen", "f", "SM", POLICE, "Police Adviser", True),
    Person("Emmanuel Ochieng", "m", "SM", POLICE, "Deputy Police Adviser", True),
    Person("Carlos Mendoza", "m", "P", POLICE, "Police Planning Officer"),
    Person("Priya Natarajan", "f", "P", POLICE, "Police Officer, selection and recruitment",
           True),
    Person("Stefan Horvath", "m", "P", POLICE, "Police Officer, mission management"),
    Person("Halima Yusuf", "f", "P", LAW, "Criminal Justice Adviser", True),
    Person("Mohammed Al-Sayed", "m", "P", POLICE, "Formed Police Unit Coordinator"),
    Person("Claire Martin", "f", "GS", ADMIN, "Programme Assistant"),
    Person("Goran Ilić", "m", "GS", ADMIN, "Administrative Assistant"),
    Person("Beatriz Costa", "f", "FN", POLICE, "Police Officer, sexual and gender-based "
           "violence unit, field mission", True, by="Gender focal point"),
    Person("Abdoulaye Traoré", "m", "FN", POLICE, "National Police Liaison Officer"),
    Person("Ngozi Eze", "f", "FN", POLICE, "Community Policing Officer, field mission"),
), (
    Meeting("individual", "Police reform mandates; women in police components",
            "The Police Adviser wants the workshop to produce procedures, not only awareness.",
            people=(0,), findings=(
                Found("deployment", "Too few women among the police officers countries "
                      "nominate", area=POLICE),
                Found("police", "Mission police handle sexual violence cases without agreed "
                      "procedures"))),
    Meeting("group", "Police planning; selection of officers; support to host-state police",
            "Planning, selection and criminal justice staff.", people=(1, 2, 3, 4, 5, 6),
            pair=True, findings=(
                Found("police", "Host-state police get no help to set up units for victims "
                      "of sexual violence"),
                Found("induction", "Selection tests for police officers skip gender and "
                      "sexual violence", area=POLICE),
                Found("data", "Crime figures from missions do not separate victims by sex "
                      "and age", area=POLICE, own_gap=True),
                Found("focal_points", "No gender focal point in the police planning team",
                      area=POLICE))),
    Meeting("group", "Community policing; the view of assistants and national staff",
            "Anonymous group. One participant described a complaint that went nowhere; kept "
            "in the confidential notes.", counts={"GS": (2, 1), "FN": (2, 2)},
            confidential=True, findings=(
                Found("concepts", "Staff unsure what resolution 1325 means for daily "
                      "policing", area=POLICE),
                Found("misconduct", "People in the community do not know how to complain "
                      "about mission personnel",
                      quote="A woman in the market asked me who she could tell. I did not "
                            "know what to answer her."),
                Found("women_groups", "Community policing forums seldom include women's "
                      "groups", area=POLICE))),
    Meeting("group", "Field work with survivors of sexual violence; women's desks",
            "Three field officers on a headquarters visit, joined by two national officers "
            "who took part without being named.", people=(9, 10, 11), counts={"FN": (1, 1)},
            findings=(
                Found("police", "No checklist for officers taking statements from survivors"),
                Found("lessons", "Field innovations such as women's desks are not shared",
                      area=POLICE),
                Found("analysis", "Police advisers not trained to assess how crime affects "
                      "women and men differently", priority="medium", area=POLICE))),
))

PBPS = Plan("Section chief", (
    Person("Margaret Owusu", "f", "SM", POLICY, "Chief, Peacekeeping Best Practices Section",
           True),
    Person("Julian Weber", "m", "SM", POLICY, "Chief, Integrated Training Service", True),
    Person("Soo-jin Park", "f", "P", POLICY, "Best Practices Officer", True),
    Person("Olusegun Adeyemi", "m", "P", POLICY, "Policy Officer, guidance development"),
    Person("Elena Popescu", "f", "P", POLICY, "Training Officer", True),
    Person("Matteo Conti", "m", "P", POLICY, "Evaluation Officer"),
    Person("Rachel Cohen", "f", "P", INFO, "Knowledge Management Officer",
           by="Executive Office"),
    Person("Sipho Dlamini", "m", "GS", POLICY, "Research Assistant"),
    Person("Lucy Wanjiru", "f", "GS", ADMIN, "Administrative Assistant"),
    Person("Karim Mansour", "m", "GS", INFO, "Web Content Assistant"),
), (
    Meeting("individual", "Guidance development; the lessons-learned system",
            "The section chief offered to host the collection of good practices once the "
            "action plan is adopted.", people=(0,), pair=True, findings=(
                Found("lessons", "No place to collect and search gender practice from "
                      "missions",
                      quote="Missions do clever things on gender and we hear about them by "
                            "chance, years later."),
                Found("accountability", "Mission evaluations do not assess gender results",
                      area=POLICY))),
    Meeting("group", "Training curricula; guidance drafting; evaluation",
            "Policy, training, evaluation and knowledge management officers.",
            people=(2, 3, 4, 5, 6), pair=True, findings=(
                Found("induction", "Standard training modules give gender one short "
                      "session"),
                Found("analysis", "Trainers need practical gender analysis exercises, not "
                      "only concepts"),
                Found("checklist", "Guidance drafters have no checklist to review new "
                      "policies for gender", area=POLICY),
                Found("lessons", "After-action reviews never ask about women and men "
                      "affected"))),
    Meeting("group", "Support to the section; access to information",
            "Anonymous group of assistants and two professional staff.",
            counts={"GS": (3, 2), "P": (1, 1)}, findings=(
                Found("concepts", "Assistants were never briefed on the gender policy "
                      "statement", priority="medium", area=ADMIN),
                Found("outreach", "The intranet has no page gathering gender guidance",
                      area=INFO),
                Found("ddr", "Reintegration guidance under revision says little on women "
                      "and girls", area=POLICY))),
    Meeting("individual", "Induction of headquarters staff; training materials",
            "Interview with the chief of the training service.", people=(1,), findings=(
                Found("induction", "Induction of new headquarters staff leaves gender out"),
                Found("focal_points", "Focal points' terms of reference are out of date",
                      priority="low"),
                Found("mine_action", "Mine action training material shows only men",
                      area=POLICY))),
))

PLANS = {"OO": OO, "OMS": OMS, "MILDIV": MILDIV, "PD": PD, "PBPS": PBPS}
ORDER = list(PLANS.values())

CONSULTANTS = ("consultant@example.org", "consultant2@example.org", "consultant3@example.org",
               "gender.adviser@example.org")
SLOTS = (time(9, 0), time(10, 30), time(13, 30), time(15, 0))  # each ends by 17:00


# -- the schedule -------------------------------------------------------------------------------


def _days(cycle: PlanCycle) -> list[date]:
    """Weekdays of the cycle's needs-assessment milestone (or of a month after its start)."""
    milestone = next((m for m in cycle.milestones if m.stage == "needs_assessment"), None)
    if milestone is not None:
        first, last = milestone.dates
    else:
        first, last = cycle.start_date + timedelta(days=42), cycle.start_date + timedelta(days=70)
    first, last = max(first, cycle.start_date), min(last, cycle.end_date)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5] or [first]


class Timetable:
    """Books sessions into the slots of the milestone's weekdays so that no consultant is in
    two places at once; when there are more sessions than slots (very large scales), a session
    goes where the fewest others already are."""

    def __init__(self, days: list[date], people: list[User]):
        self.days, self.people = days, people
        self.load: Counter[tuple[int, int, int]] = Counter()  # (day, slot, consultant) -> n
        self.double_booked = 0

    def book(self, first_day: int, taken: set[tuple[int, int]], wanted: int,
             turn: int) -> tuple[datetime, list[User]]:
        """A slot from `first_day` on that the office has not used yet (`taken`), with the
        `wanted` consultants (taken in turn from `turn`) least busy at that time."""
        n, k = len(self.days), len(self.people)
        wanted = min(wanted, k)
        order = [(turn + i) % k for i in range(k)]
        best = None
        for step in range(n):
            day = (first_day + step) % n
            for slot in range(len(SLOTS)):
                if (day, slot) in taken:
                    continue
                chosen = sorted(order, key=lambda c: self.load[day, slot, c])[:wanted]
                clash = sum(self.load[day, slot, c] for c in chosen)
                if best is None or clash < best[0]:
                    best = (clash, day, slot, chosen)
                if not clash:
                    break
            if best is not None and not best[0]:
                break
        if best is None:  # the office has used every slot of a very short milestone
            best = (1, first_day % n, 0, order[:wanted])
        clash, day, slot, chosen = best
        self.double_booked += bool(clash)
        taken.add((day, slot))
        self.load.update((day, slot, c) for c in chosen)
        return (datetime.combine(self.days[day], SLOTS[slot]),
                [self.people[c] for c in chosen])

    def held(self) -> list[date]:
        return sorted({self.days[day] for day, _, _ in self.load})


# -- helpers ------------------------------------------------------------------------------------


def _by_name(model, keep: list) -> dict[str, int]:
    """Ids of a reference list's entries by name; `keep` holds the entries themselves, so that
    they stay in the session's identity map (it keeps only weak references) and the services'
    checks of each id do not query again."""
    items = db.session.scalars(select(model)).all()
    keep.extend(items)
    return {item.name: item.id for item in items}


def _email(name: str, copy: int) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    first, _, last = plain.partition(" ")
    local = ".".join(re.sub(r"[^a-z-]", "", part) for part in (first, last.replace(" ", "")))
    return f"{local}{copy if copy > 1 else ''}@example.org"


def _plan_of(office: Office, index: int) -> tuple[Plan, int]:
    """The plan an office follows and which copy of the department it belongs to."""
    match = re.fullmatch(r"(.*?)(\d*)", office.acronym)
    plan = PLANS.get(match.group(1))
    if plan is None:
        return ORDER[index % len(ORDER)], index // len(ORDER) + 1
    return plan, int(match.group(2) or 1)


# -- the step -----------------------------------------------------------------------------------


@demo_step(20)
def demo_assessment(scale: int, on: date) -> str:
    """Nominations, sessions, findings and the gap register of the current cycle."""
    cycle = db.session.scalar(select(PlanCycle).where(PlanCycle.status == "active"))
    if cycle is None:
        return "Needs assessment: no active cycle, nothing added."
    users = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.in_(CONSULTANTS)))}
    consultants = [users[e] for e in CONSULTANTS if e in users]
    offices = db.session.scalars(select(Office).where(Office.active).order_by(Office.id)).all()
    if not consultants or not offices:
        return "Needs assessment: no consultants or offices, nothing added."
    loaded: list = []  # reference entries and gaps, held for the identity map
    levels, areas = _by_name(StaffLevel, loaded), _by_name(FunctionalArea, loaded)
    categories, thematic = _by_name(GapCategory, loaded), _by_name(ThematicArea, loaded)

    days = _days(cycle)
    weeks = max(1, len(days) // 5)
    timetable = Timetable(days, consultants)
    gaps: dict[str, int] = {}  # theme -> the gap its findings go to
    strays: list[tuple[Finding, str]] = []  # findings first filed apart, grouped at the end
    nominated = sessions = findings = 0

    for index, office in enumerate(offices):
        plan, copy = _plan_of(office, index)
        people = []
        for person in plan.people:
            people.append(save_nomination(
                None, cycle_id=cycle.id, office_id=office.id, name=person.name,
                sex="female" if person.sex == "f" else "male",
                level_id=levels[LEVELS[person.level]],
                email=_email(person.name, copy) if person.email else None,
                functional_area_id=areas[person.area], job_title=person.job,
                nominated_by=person.by or plan.nominated_by))
        nominated += len(people)

        kind = ORDER.index(plan)
        first_day = (kind + 5 * ((copy - 1) % weeks)) % len(days)
        taken: set[tuple[int, int]] = set()
        for number, meeting in enumerate(plan.meetings):
            held_at, present = timetable.book(first_day, taken, 2 if meeting.pair else 1,
                                              turn=kind + number + copy)
            inputs, themes = [], []
            for found in meeting.findings:
                theme = THEMES[found.theme]
                priority = found.priority or theme.priority
                apart = found.own_gap and copy == 1
                inputs.append(FindingInput(
                    category_id=categories[theme.category], title=found.title,
                    priority=priority, description=found.description,
                    functional_area_id=areas[found.area or theme.area] if (
                        found.area or theme.area) else None,
                    thematic_area_id=thematic[theme.thematic], resources=list(theme.resources),
                    resources_detail=theme.helps, quote=found.quote,
                    gap_id=None if apart else gaps.get(found.theme)))
                themes.append((found.theme, apart))
            session = save_session(
                None, cycle_id=cycle.id, office_id=office.id, held_at=held_at,
                format=meeting.format, consultant_ids=[c.id for c in present],
                participant_ids=[people[i].id for i in meeting.people],
                headcounts={levels[LEVELS[key]]: n for key, n in meeting.counts.items()},
                topics=meeting.topics, notes=meeting.notes,
                notes_confidential=meeting.confidential, findings=inputs,
                recorded_by=present[0])
            for finding, (theme, apart) in zip(session.findings, themes, strict=True):
                if apart:
                    strays.append((finding, theme))
                elif theme not in gaps:
                    gaps[theme] = finding.gap_id
                    loaded.append(finding.gap)
            sessions += 1
            findings += len(inputs)

    # The consultants' review of the register: findings first filed as gaps of their own join
    # the gap that says the same thing, and each gap gets the wording of its theme.
    for finding, theme in strays:
        if theme in gaps and finding.gap_id != gaps[theme]:
            group_findings([finding], target=db.session.get(Gap, gaps[theme]))
        else:
            gaps.setdefault(theme, finding.gap_id)
    for key, gap_id in gaps.items():
        theme = THEMES[key]
        update_gap(db.session.get(Gap, gap_id), title=theme.title,
                   category_id=categories[theme.category], priority=theme.priority,
                   description=theme.description, thematic_area_id=thematic[theme.thematic],
                   functional_area_id=areas[theme.area] if theme.area else None)

    held = timetable.held()
    line = (f"Needs assessment {cycle.name}: {nominated} nominations, {sessions} sessions "
            f"from {held[0]:%d %b} to {held[-1]:%d %b %Y}, {findings} findings in "
            f"{len(gaps)} gaps.")
    if timetable.double_booked:
        line += (f" ({timetable.double_booked} sessions share a consultant's slot: the "
                 "milestone has too few days for this scale.)")
    return line

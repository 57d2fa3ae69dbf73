"""Demo data of the office work plans: what each office set out to do after its workshop.

For the current cycle every office drafts a plan of two to four objectives and eight to fifteen
activities, each with one or two indicators, tagged with a thematic area and a strategy, costed
(some amounts not known yet, some nil because the work is done by staff in post) and linked to
the gaps the office raised in the needs assessment. Every plan is approved by the end of the
work-plans milestone, each by its own road: the Office of Operations' plan was returned once
with a comment on an activity, fixed and approved at its second version; Mission Support's was
approved as first sent; the Military Division's was approved a little late, as first sent;
the Police Division's came back with comments on three activities and on a need it left
unanswered, was fixed point by point and approved at its second version; the Best Practices
Section's was approved as first sent.

Some activities of different offices look alike on purpose (both divisions write up a practice
with the Best Practices Section; Mission Support and the Police Division both post material on
reporting misconduct; two offices train planners in gender analysis), and no office plans to
hold managers to account for gender results or to provide goods and services, so that the
departmental plan has overlaps and gaps to show.

At larger scales each copy of an office (OO2, OMS2, ...) tells the same story as the office it
copies.
"""

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from ..admin.models import Office, PlanCycle, Strategy, ThematicArea
from ..assessment.demo import THEMES
from ..assessment.queries import register
from ..auth.models import User
from ..core.hooks import demo_step
from ..extensions import db
from .models import PlanComment, PlanVersion, WorkPlan
from .services import (
    ActivityInput,
    IndicatorInput,
    add_comment,
    approve_plan,
    plan_for,
    return_plan,
    save_activity,
    save_indicator,
    save_objective,
    submit_plan,
)

ADVISER = "gender.adviser@example.org"

# Thematic areas and implementation strategies, as the reference lists name them.
PREVENTION, PARTICIPATION, PROTECTION = "Prevention", "Participation", "Protection"
RELIEF, NORMATIVE = "Relief and recovery", "Normative"
POLICY, ADVOCACY, CAPACITY = "Policy development", "Advocacy", "Capacity-building"
PARTNERS = "Partnership and networking"


# -- what the plans say -------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """An indicator: its statement, unit, baseline and target values, and how it is checked.
    The baseline is dated at the start of the activity, the target at its end."""

    statement: str
    unit: str
    baseline: str
    target: str
    verification: str
    by_sex: bool = False
    direction: str = "increase"

    @property
    def kind(self) -> str:
        return "qualitative" if self.unit == "text" else "quantitative"


@dataclass(frozen=True)
class Task:
    """An activity. `months` count from the cycle's first month (1) to its last (24); costs
    are US dollars, None when not known yet; `themes` name the needs-assessment gaps it
    answers (keys of the assessment demo's themes)."""

    title: str
    description: str
    expected: str
    area: str
    strategy: str
    responsible: str
    months: tuple[int, int]
    core: int | None
    extra: int | None
    themes: tuple[str, ...]
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Aim:
    """An objective and the activities that serve it."""

    title: str
    description: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Remark:
    """A comment on the plan (`task` None), on one of its activities (by title) or on one of
    that activity's indicators (by position)."""

    body: str
    task: str | None = None
    indicator: int | None = None


@dataclass(frozen=True)
class Fix:
    """What the office changed in an activity after the plan came back, and what it said:
    `changes` replace fields of the Task, `measures` fields of its indicators (by position),
    `measure` is an indicator added."""

    task: str
    changes: dict
    reply: str
    measures: dict = field(default_factory=dict)
    measure: Measure | None = None


@dataclass(frozen=True)
class Review:
    """Where the plan stands: `outcome` draft, submitted, returned or approved; the days of
    the work-plans milestone on which it was submitted and decided; the Gender Unit's
    remarks with the decision; for a plan returned once and then approved, the fixes."""

    outcome: str
    submitted: int = 0
    decided: int = 0
    remarks: tuple[Remark, ...] = ()
    note: str = ""  # the Gender Unit's word on the plan as a whole with the decision
    fixes: tuple[Fix, ...] = ()
    resubmitted: int = 0
    approved: int = 0
    approval_note: str = ""


@dataclass(frozen=True)
class OfficePlan:
    aims: tuple[Aim, ...]
    review: Review = field(default_factory=lambda: Review("draft"))


M, T = Measure, Task

OO = OfficePlan((
    Aim("Mission planning and assessment take account of women and girls",
        "Every assessment, concept and plan the office drafts asks how the situation differs "
        "for women, men, girls and boys, and acts on the answer.", (
            T("Add gender questions to the terms of reference of technical assessment missions",
              "Agree with the integrated operational teams a short set of questions on the "
              "situation of women and girls that every assessment mission must answer, and "
              "write them into the standard terms of reference.",
              "Assessment teams come back with information on women and girls that planners "
              "can use.", NORMATIVE, POLICY, "Integrated operational teams, with the gender "
              "focal point", (8, 11), 0, 0, ("checklist",), (
                  M("Assessment missions whose terms of reference include the gender "
                    "questions", "percent", "10", "100",
                    "Terms of reference on file with the integrated operational teams"),)),
            T("Issue a one-page gender checklist for mission concepts and reports",
              "Draft, test on two current missions and issue a checklist for desk officers "
              "reviewing mission concepts and reports to the Security Council.",
              "Desk officers review planning documents against the same short list of "
              "points.", NORMATIVE, POLICY, "Gender focal point and the Africa Division",
              (9, 13), 8000, None, ("checklist", "analysis"), (
                  M("Checklist issued in English and French", "yes_no", "no", "yes",
                    "Checklist published on the office's intranet page"),
                  M("Mission concepts reviewed with the checklist", "percent", "0", "80",
                    "Review sheets attached to the concepts"))),
            T("Coach operational planners to turn a gender analysis into tasks",
              "Half-day clinics in which a team works through a gender analysis of its own "
              "mission concept with the Gender Unit, once per team and again before each "
              "mandate renewal.",
              "Planners can say what the analysis means for the tasks of the mission.",
              PREVENTION, CAPACITY, "Gender Unit with the Director, Africa Division", (10, 20),
              15000, 30000, ("analysis",), (
                  M("Desk officers who took part in a clinic", "number", "0", "40",
                    "Attendance lists of the clinics", by_sex=True),
                  M("Mission concepts with a section on the situation of women and girls",
                    "percent", "20", "80", "Desk review of concepts issued"))),
            T("Consult women's organisations before a mission concept is drafted",
              "Build a directory of women's organisations per mission area and meet them "
              "during every assessment mission.",
              "The priorities of local women reach the mission's concept.", PARTICIPATION,
              PARTNERS, "Integrated operational teams", (10, 24), 0, 45000, ("women_groups",),
              (M("Assessment missions that met women's organisations", "percent", "15",
                 "75", "Mission reports"),)),
        )),
    Aim("Reports to the Security Council give figures for women and men",
        "Figures on the people a mission serves are broken down by sex and age wherever they "
        "can be.", (
            T("Revise the report template to ask for figures by sex and age",
              "Add fields for women and men, girls and boys to the template missions use for "
              "the Secretary-General's reports, with a note on why they matter.",
              "Missions send figures broken down by sex and age as a matter of course.",
              PREVENTION, POLICY, "Reporting unit, Office of the Assistant Secretary-General",
              (8, 10), 0, 0, ("data",), (
                  M("Revised template in use", "yes_no", "no", "yes",
                    "Template issued to missions"),)),
            T("Review the gender content of mission reports each quarter",
              "Read the quarter's reports against the checklist and send each director a "
              "short note on what is missing.",
              "Directors see where their reports fall short and by how much.", PREVENTION,
              POLICY, "Gender focal point", (10, 24), 6000, None, ("data", "checklist"), (
                  M("Reports to the Council that give sex-disaggregated figures", "percent",
                    "30", "70", "Quarterly review notes"),
                  M("Quarterly review notes sent to directors", "number", "0", "6",
                    "Notes on file"))),
        )),
    Aim("Staff know what the policy asks of them, and more women lead missions",
        "Every staff member knows what the policy asks of their function, and shortlists for "
        "senior posts are not all-male.", (
            T("Brief all staff of the office on resolution 1325 and the policy statement",
              "One-hour briefings by division, with a plain-language note on what the policy "
              "statement asks of each function.",
              "Staff can say what the resolution asks of them in their own work.", NORMATIVE,
              ADVOCACY, "Gender focal point", (9, 11), 3500, 0, ("concepts", "focal_points"), (
                  M("Staff briefed", "number", "0", "120", "Attendance lists"),)),
            T("Put at least one woman on every shortlist for heads and deputy heads of mission",
              "Search the rosters and the networks of women candidates before each "
              "shortlist is sent to the Secretary-General.",
              "More women lead missions.", PARTICIPATION, POLICY,
              "Assistant Secretary-General's office", (7, 24), 0, None, ("recruitment",), (
                  M("Shortlists for senior mission posts with at least one woman", "percent",
                    "40", "100", "Shortlists on file"),
                  M("Women among heads and deputy heads of mission", "percent", "18", "25",
                    "Senior appointments list"))),
        )),
    Aim("Reintegration, mine action and public information reach women and girls",
        "Programmes the office plans count and consult women and girls, not only men.", (
            T("Name women and girls associated with armed groups in reintegration criteria",
              "Revise the eligibility criteria of the two reintegration programmes being "
              "planned so that cooks, porters and wives of fighters are not left out.",
              "Women and girls who served armed groups can join reintegration programmes.",
              RELIEF, POLICY, "Disarmament, demobilisation and reintegration officer", (10, 18),
              0, 20000, ("ddr",), (
                  M("Programme documents that name women and girls in their criteria", "number",
                    "1", "4", "Programme documents"),)),
            T("Ask women and men separately in mine action surveys",
              "Add questions for women to community surveys, with women surveyors where "
              "needed, so that clearance priorities reflect the paths and water points women "
              "use.",
              "Clearance priorities reflect the risks women and men face.", PROTECTION,
              POLICY, "Mine action programme officer", (12, 22), None, 60000,
              ("mine_action",), (
                  M("Community surveys that interview women separately", "percent", "10",
                    "60", "Survey reports"),
                  M("People reached by risk education", "number", "0", "2000",
                    "Risk-education reports", by_sex=True))),
            T("Feature women's voices on mission radio and websites",
              "Agree with mission public information a monthly programme or story by or about "
              "local women.",
              "Women in host communities hear and see themselves in the mission's outreach.",
              PARTICIPATION, ADVOCACY, "Public information focal point", (11, 24), 2000, 12000,
              ("outreach",), (
                  M("Radio programmes and web stories featuring women", "number", "4", "24",
                    "Broadcast logs and web analytics"),)),
        )),
), Review(
    "approved", submitted=4, decided=9,
    remarks=(Remark("The briefings are a good start, but a count of people briefed will not "
                    "tell us whether they took anything away. Please count women and men, "
                    "and add a way to see whether staff know what the policy asks of them.",
                    task="Brief all staff of the office on resolution 1325 and the policy "
                         "statement"),),
    note="A clear plan that answers the gaps the office raised. One change before approval: "
         "see the comment on the staff briefings.",
    fixes=(
        Fix("Brief all staff of the office on resolution 1325 and the policy statement",
            {"description": "One-hour briefings by division, with a plain-language note on "
                            "what the policy statement asks of each function, and a short "
                            "survey three months later.",
             "core": 4500},
            "Done: the briefings now count women and men, and a short survey three months "
            "later checks what staff remember.", measures={0: {"by_sex": True}},
            measure=M("Staff who can name what the policy asks of their function", "percent",
                      "20", "70", "Survey three months after the briefings", by_sex=True)),
    ),
    resubmitted=15, approved=19, approval_note="Approved. Thank you for the quick revision."))

OMS = OfficePlan((
    Aim("Women are recruited to field posts and stay",
        "Mission support knows how many women it employs, where and at what grade, and acts "
        "on the figures.", (
            T("Publish staffing figures by sex and grade for every mission each quarter",
              "Produce from the personnel system a quarterly table of staff by mission, "
              "category, grade and sex, shared with heads of mission support.",
              "Managers see the balance of their mission at a glance.", PARTICIPATION,
              ADVOCACY, "Field Personnel Division", (8, 24), 10000, 0, ("data", "recruitment"),
              (M("Quarterly staffing reports by sex and grade published", "number", "0", "6",
                 "Reports on the intranet"),)),
            T("Check the share of women on every roster before it goes to a mission",
              "Add a step to roster management: when fewer than a third of the candidates are "
              "women, search the roster again and the outreach lists.",
              "Missions receive balanced lists of candidates.", PARTICIPATION, POLICY,
              "Human resources officers, field personnel", (9, 24), 0, 0, ("recruitment",), (
                  M("Rosters sent with at least a third of women candidates", "percent", "22",
                    "60", "Roster transmittals"),
                  M("Women among new field appointments", "percent", "29", "36",
                    "Personnel system"))),
            T("Reach networks of women candidates for senior support posts",
              "Advertise senior support vacancies through professional networks of women in "
              "logistics, finance and engineering, and hold two outreach sessions a year.",
              "More women apply for senior support posts.", PARTICIPATION, PARTNERS,
              "Human resources officers with the Director's office", (10, 20), 12000, 25000,
              ("recruitment",), (
                  M("Women among applicants for senior support posts", "percent", "17", "30",
                    "Recruitment system"),)),
        )),
    Aim("Everyone knows where to report sexual exploitation and abuse, and can do so safely",
        "Staff, contingents and people in host communities know whom to tell, and those who "
        "report are protected.", (
            T("Post a one-page guide on reporting misconduct in every mission",
              "Write and translate a single page on who to tell and what happens next, and "
              "post it in offices, camps and community centres.",
              "Staff and community members know where to report.", PROTECTION, ADVOCACY,
              "Conduct and Discipline Unit", (8, 10), 18000, None, ("misconduct",), (
                  M("Missions where the guide is posted in local languages", "number", "0",
                    "16", "Mission confirmations"),
                  M("Staff who know where to report", "percent", "35", "80",
                    "Staff survey", by_sex=True))),
            T("Train conduct and discipline focal points to protect those who report",
              "A two-day course on receiving complaints, keeping them confidential and "
              "preventing reprisals, held in three regions.",
              "Those who report are protected from reprisals.", PROTECTION, CAPACITY,
              "Conduct and Discipline Unit", (11, 20), 22000, 40000, ("misconduct",), (
                  M("Focal points trained", "number", "0", "60", "Course records",
                    by_sex=True),)),
            T("Write terms of reference for gender focal points and set time aside",
              "Standard terms of reference, with a fifth of the focal point's time set aside "
              "and written into their work plan.",
              "Focal points have the time and backing to do the job.", NORMATIVE, POLICY,
              "Human resources policy unit", (9, 12), 0, 0, ("focal_points",), (
                  M("Focal points with written terms of reference", "percent", "0", "100",
                    "Terms of reference on file"),)),
            T("Brief budget and finance staff on gender in resource planning",
              "A session with the budget officers on how gender activities are costed and "
              "where they appear in mission budgets.",
              "Budget proposals show the resources for gender work.", NORMATIVE, CAPACITY,
              "Budget officer", (14, 15), 2000, 0, ("concepts",), (
                  M("Budget and finance staff briefed", "number", "0", "25",
                    "Attendance list", by_sex=True),)),
        )),
    Aim("Camps, equipment and local purchases serve women as well as men",
        "Field support is planned for a mixed workforce and reaches local businesses run by "
        "women.", (
            T("Add standards for women's accommodation, ablutions and lighting to camp designs",
              "Revise the camp design standards so that every new camp plans separate "
              "ablutions, lockable accommodation and lit paths.",
              "Women can be deployed to new camps safely.", PARTICIPATION, POLICY,
              "Engineering Section", (10, 18), None, 0, ("facilities",), (
                  M("Camp design standards revised", "yes_no", "no", "yes",
                    "Standards issued"),
                  M("New camps that meet the standards", "percent", "0", "100",
                    "Engineering inspections"))),
            T("Review equipment scales for women in contingents",
              "Check uniforms, body armour and field equipment scales with contributing "
              "countries, and propose changes where they assume men only.",
              "Equipment fits the women who use it.", PARTICIPATION, POLICY,
              "Logistics Support Division", (15, 22), 5000, None, ("facilities",), (
                  M("Equipment scales reviewed", "number", "0", "12", "Review notes"),)),
            T("Advertise local tenders where businesses run by women will see them",
              "Use women's business associations and local radio to announce tenders, and "
              "record who wins local contracts.",
              "More local contracts go to businesses run by women.", RELIEF, PARTNERS,
              "Procurement Division", (12, 24), 4000, 15000, ("procurement",), (
                  M("Local contracts won by businesses run by women", "percent", "3", "10",
                    "Procurement records"),)),
            T("Add gender checks to logistics plans for new missions",
              "Three questions in the logistics planning template: who will live in the "
              "camps, who will use the services, who will supply them.",
              "Logistics plans for new missions provide for women from the start.", NORMATIVE,
              POLICY, "Logistics planning team", (9, 12), 0, 0, ("checklist",), (
                  M("Logistics plans with the gender checks completed", "percent", "0", "100",
                    "Plans on file"),)),
        )),
), Review("approved", submitted=7, decided=13,
          remarks=(Remark("Well costed and clearly linked to the needs assessment; the "
                          "procurement activity is a good example for other offices."),)))

MILDIV = OfficePlan((
    Aim("More women officers in military components",
        "Contributing countries are asked for women officers, and the division shows them "
        "where they are needed.", (
            T("Ask for women officers in every force requirement",
              "Add to the force requirements for each unit and staff post a request for "
              "women officers, with the reasons drawn from the mission's tasks.",
              "Contributing countries put forward more women.", PARTICIPATION, POLICY,
              "Force Generation Service", (8, 24), 0, 0, ("deployment",), (
                  M("Force requirements that ask for women officers", "percent", "10", "100",
                    "Force requirements issued"),
                  M("Women among military observers and staff officers", "percent", "4", "10",
                    "Deployment figures"))),
            T("Share figures on women deployed with contributing countries twice a year",
              "Brief the military advisers of contributing countries on the numbers of women "
              "deployed, by country and by mission.",
              "Contributors see how they compare and where women are needed.", PARTICIPATION,
              PARTNERS, "Office of the Military Adviser", (12, 24), 3000, 0, ("deployment",), (
                  M("Briefings to contributors with figures by sex", "number", "0", "4",
                    "Briefing notes"),)),
            T("Require mixed engagement and search teams where the mandate calls for them",
              "Write into concepts of operations the tasks that need women in the team: "
              "searches, checkpoints, engagement with communities.",
              "Missions field mixed teams where women must be met by women.", PROTECTION,
              POLICY, "Military Planning Service", (10, 16), 0, None,
              ("deployment", "checklist"), (
                  M("Concepts of operations that require mixed teams", "number", "0", "5",
                    "Concepts of operations"),)),
        )),
    Aim("Military planning takes account of the threats women and girls face",
        "Military plans and reports show what the force does for the safety of women and "
        "girls.", (
            T("Add a gender annex to the template for military concepts of operations",
              "An annex that sets out threats to women and girls and the tasks that follow "
              "from them.",
              "Every new concept of operations addresses threats to women and girls.",
              PROTECTION, POLICY, "Military Planning Service", (9, 13), 0, 0,
              ("checklist", "analysis"), (
                  M("Concepts of operations with a gender annex", "percent", "0", "100",
                    "Concepts of operations"),)),
            T("Train military planners to turn a gender analysis into tasks",
              "A three-day course built on force headquarters cases, run with a contributing "
              "country's staff college.",
              "Planners write military tasks from a gender analysis.", PREVENTION, CAPACITY,
              "Military Planning Service with the Integrated Training Service", (11, 20), 14000,
              35000, ("analysis",), (
                  M("Planning officers trained", "number", "0", "25", "Course records",
                    by_sex=True),)),
            T("Record in patrol reports whether women and men were met",
              "Add two fields to the patrol report template and ask force headquarters to use "
              "them.",
              "Force headquarters knows whether patrols reach women.", PREVENTION, POLICY,
              "Current Military Operations Service", (10, 18), 0, 0, ("data",), (
                  M("Missions whose patrol reports record women and men met", "number", "0",
                    "8", "Patrol reports"),)),
            T("Tell commanders promptly of allegations against their troops",
              "Agree with Conduct and Discipline a ten-day limit for notifying a contingent "
              "commander and the contributing country.",
              "Commanders act on allegations without delay.", PROTECTION, POLICY,
              "Office of the Military Adviser", (9, 12), 0, 0, ("misconduct",), (
                  M("Allegations notified to the commander within ten days", "percent", "40",
                    "95", "Case records"),)),
        )),
    Aim("Contingents arrive prepared",
        "Troops know before they deploy what the mandate asks of them for women and girls.", (
            T("Revise the gender module of pre-deployment training with scenarios",
              "Replace the lecture with three scenarios from current missions, and send the "
              "module to contributing countries' training centres.",
              "Contingents arrive with the same grounding in the mandate's gender tasks.",
              PROTECTION, CAPACITY, "Integrated Training Service with the division", (10, 16),
              9000, 20000, ("induction", "concepts"), (
                  M("Revised module issued", "yes_no", "no", "yes", "Module on file"),
                  M("Contributing countries using the revised module", "number", "0", "20",
                    "Training centre reports"))),
            T("Brief staff officers before deployment on working with local women",
              "Add to the staff officers' induction a session with a military observer back "
              "from the field on how to reach local women's groups.",
              "Staff officers know how to reach women in the communities they serve.",
              PARTICIPATION, CAPACITY, "Office of the Military Adviser", (12, 24), None, 15000,
              ("women_groups", "induction"), (
                  M("Staff officers briefed", "number", "0", "150", "Induction records",
                    by_sex=True),)),
            T("Write down the practice of women engagement teams with the Best Practices "
              "Section",
              "With the Best Practices Section, record how three contingents used engagement "
              "teams of women and what came of it.",
              "Other contingents can learn from what worked.", NORMATIVE, POLICY,
              "Military Planning Service", (14, 20), 0, 6000, ("lessons",), (
                  M("Practice notes published", "number", "0", "2",
                    "Notes in the practice collection"),)),
        )),
), Review("approved", submitted=50, decided=55))

PD = OfficePlan((
    Aim("Mission police follow standard procedures for sexual and gender-based violence",
        "Cases are handled the same way in every mission, with survivors at the centre.", (
            T("Draft standard operating procedures for police components on sexual violence",
              "Procedures for receiving reports, interviewing survivors, collecting evidence "
              "and referring survivors to services, tested in two missions.",
              "Police components handle cases the same way in every mission.", PROTECTION,
              POLICY, "Police planning team", (8, 14), 10000, 30000, ("police",), (
                  M("Procedures issued", "yes_no", "no", "yes", "Procedures on file"),
                  M("Missions applying the procedures", "number", "0", "9",
                    "Mission police reports"))),
            T("Issue a checklist for taking statements from survivors",
              "A pocket checklist, in the languages of the missions, drawn from the "
              "procedures.",
              "Officers take statements without harming survivors.", PROTECTION, POLICY,
              "Police planning team", (9, 12), 3000, 0, ("police",), (
                  M("Checklist issued in the missions' languages", "yes_no", "no", "yes",
                    "Checklist on file"),)),
            T("Support host-state police to set up units for survivors",
              "Advice, training and equipment for specialised units in host-state police "
              "services, with partners funding the premises.",
              "Survivors can report to trained host-state officers.", PROTECTION, PARTNERS,
              "Police advisers in missions", (12, 24), None, 250000, ("police",), (
                  M("Host-state units for survivors set up with mission support", "number",
                    "2", "6", "Mission police reports"),)),
            T("Train mission police in interviewing survivors",
              "A five-day course for officers of the units that handle sexual violence cases.",
              "Survivors are interviewed by trained officers.", PROTECTION, CAPACITY,
              "Police Division with the Integrated Training Service", (13, 22), 20000, 60000,
              ("police", "analysis"), (
                  M("Officers trained", "number", "0", "300", "Course records", by_sex=True),)),
        )),
    Aim("More women in police components",
        "Police-contributing countries put forward women officers and formed units with women.",
        (
            T("Ask police-contributing countries for women officers and mixed formed units",
              "Raise the share of women in every request for officers and at the annual "
              "meeting of police contributors.",
              "More women serve in mission police.", PARTICIPATION, PARTNERS,
              "Selection and recruitment section", (8, 24), 0, 0, ("deployment",), (
                  M("Women among deployed police officers", "percent", "8", "15",
                    "Deployment figures"),
                  M("Formed police units with women", "number", "1", "4",
                    "Deployment figures"))),
            T("Add gender and sexual violence questions to selection tests",
              "Questions in the assessment for mission service, with a pass mark.",
              "Officers selected know the basics before they deploy.", PROTECTION, POLICY,
              "Selection and recruitment section", (10, 13), 0, 0, ("induction",), (
                  M("Selection tests with the new questions", "percent", "0", "100",
                    "Assessment records"),)),
            T("Name a gender focal point in the police planning team",
              "A planning officer with terms of reference and a tenth of their time.",
              "Gender has a voice in police planning.", NORMATIVE, POLICY, "Police Adviser",
              (8, 9), 0, 0, ("focal_points",), (
                  M("Focal point named with terms of reference", "yes_no", "no", "yes",
                    "Terms of reference"),)),
        )),
    Aim("Women in host communities can reach the police",
        "Community policing listens to women, and people know how to complain about mission "
        "personnel.", (
            T("Include women's groups in community policing forums",
              "Invite women's organisations to the forums each mission holds with "
              "communities, at times and places women can attend.",
              "Forums hear the safety concerns of women.", PARTICIPATION, PARTNERS,
              "Community policing officers", (11, 24), 0, 8000, ("women_groups",), (
                  M("Forums with women's groups taking part", "percent", "20", "70",
                    "Forum minutes"),)),
            T("Publish crime figures by sex and age of victims",
              "Ask missions for crime statistics that separate victims by sex and age, and "
              "publish them twice a year.",
              "Trends in crimes against women become visible.", PREVENTION, POLICY,
              "Police planning team", (10, 24), 0, None, ("data",), (
                  M("Missions publishing crime figures by sex and age", "number", "1", "9",
                    "Published statistics"),)),
            T("Post leaflets on reporting misconduct by mission police in every mission",
              "Leaflets and radio spots, with the Conduct and Discipline Unit, on where and "
              "how to complain about mission police.",
              "People in host communities know how to complain.", PROTECTION, ADVOCACY,
              "Police Division with the Conduct and Discipline Unit", (12, 18), 8000, None,
              ("misconduct",), (
                  M("Missions with a complaints campaign", "number", "0", "9",
                    "Campaign material"),)),
            T("Write down the practice of women's police desks with the Best Practices "
              "Section",
              "Record how women's desks in police stations work and share it with the other "
              "missions' police.",
              "Missions copy what worked elsewhere.", NORMATIVE, POLICY,
              "Police Division with the Best Practices Section", (14, 20), 0, 5000,
              ("lessons",), (
                  M("Practice notes shared", "number", "0", "3", "Practice collection"),)),
        )),
), Review(
    "approved", submitted=18, decided=26,
    remarks=(Remark("What does the 250,000 cover, and who funds the premises? Please split "
                    "what the mission pays from what partners pay.",
                    task="Support host-state police to set up units for survivors"),
             Remark("Give the source and the date of the 8 per cent baseline, so that the "
                    "target can be checked later.",
                    task="Ask police-contributing countries for women officers and mixed "
                         "formed units", indicator=0),
             Remark("The procedures and the training run in parallel; training should start "
                    "once the procedures are issued.",
                    task="Train mission police in interviewing survivors")),
    note="A strong plan on procedures. Three points to settle before approval (see the "
         "comments on the activities), and one gap: nothing yet answers the need the "
         "assessment found on what resolution 1325 means for daily policing.",
    fixes=(
        Fix("Support host-state police to set up units for survivors",
            {"description": "Advice and training for specialised units in host-state police "
                            "services, paid by the missions; partners fund the premises and "
                            "equipment.",
             "core": 40000, "extra": 210000},
            "Split: the missions pay 40,000 for advice and training; partners fund the "
            "premises and equipment, 210,000, as extra-budgetary money."),
        Fix("Ask police-contributing countries for women officers and mixed formed units", {},
            "The 8 per cent is the share of women among deployed police officers in the "
            "Division's deployment figures for the month the activity starts; the indicator "
            "now says so.",
            measures={0: {"verification": "Monthly deployment figures of the Police "
                                          "Division; the baseline is the figure for the "
                                          "month the activity starts"}}),
        Fix("Train mission police in interviewing survivors", {"months": (15, 24)},
            "The course now starts the month after the procedures are issued."),
        Fix("Add gender and sexual violence questions to selection tests",
            {"description": "Questions in the assessment for mission service on what "
                            "resolution 1325 means for daily policing and on sexual "
                            "violence, with a pass mark.",
             "themes": ("induction", "concepts")},
            "The selection tests now ask what resolution 1325 means for daily policing, "
            "which answers the need the assessment found."),
    ),
    resubmitted=38, approved=45,
    approval_note="Approved. The split of the costs and the later start of the training "
                  "settle the points raised."))

PBPS = OfficePlan((
    Aim("Good practice on gender is collected and shared",
        "What missions learn about gender is written down, found and used.", (
            T("Set up a searchable collection of gender practices from missions",
              "A catalogue on the intranet, searchable by thematic area and level, fed by "
              "mission submissions and reviewed by a panel.",
              "Staff find what worked elsewhere before they plan.", NORMATIVE, PARTNERS,
              "Best practices officer", (9, 18), 25000, None, ("lessons",), (
                  M("Practices published in the collection", "number", "0", "30",
                    "The collection"),)),
            T("Add a gender question to the after-action review template",
              "One question on how women and men were affected and what the mission did "
              "about it.",
              "Every after-action review says something about women and men.", NORMATIVE,
              POLICY, "Best practices officer", (8, 10), 0, 0, ("lessons",), (
                  M("After-action reviews that answer the gender question", "percent", "0",
                    "90", "Reviews on file"),)),
            T("Put a page gathering gender guidance on the intranet",
              "One page linking the policy statement, the checklists, the training material "
              "and the contacts of focal points.",
              "Staff find gender guidance in one place.", NORMATIVE, ADVOCACY,
              "Knowledge management officer", (9, 11), 1500, 0, ("outreach",), (
                  M("Visits to the page", "number", "0", "2000", "Web analytics"),)),
        )),
    Aim("Training and guidance carry gender into every function",
        "Courses teach gender by practice, and new guidance is checked before it is "
        "issued.", (
            T("Replace the gender lecture in standard training modules with exercises",
              "Rewrite the gender session of the standard modules around the analysis "
              "exercise tested in the workshops.",
              "Trainees practise a gender analysis rather than hear about it.", NORMATIVE,
              CAPACITY, "Integrated Training Service", (10, 18), 12000, 18000,
              ("induction", "analysis"), (
                  M("Standard modules with a practical gender exercise", "number", "1", "8",
                    "Modules issued"),)),
            T("Give trainers facilitation notes for the gender analysis exercise",
              "Notes, timings and model answers, so that any trainer can run the exercise.",
              "Trainers run the exercise with confidence.", PREVENTION, CAPACITY,
              "Training officer", (11, 14), 2500, 0, ("analysis",), (
                  M("Trainers using the notes", "number", "0", "40", "Trainer survey",
                    by_sex=True),)),
            T("Review new guidance with a gender checklist before it is issued",
              "Every draft policy and guideline goes through the checklist before "
              "clearance.",
              "New guidance addresses women and men.", NORMATIVE, POLICY,
              "Policy and guidance team", (9, 24), 0, 0, ("checklist",), (
                  M("New guidance documents reviewed with the checklist", "percent", "0",
                    "100", "Clearance records"),)),
            T("Brief new staff on resolution 1325 and the policy statement at induction",
              "A half-hour session in the monthly induction programme.",
              "New staff know the policy from their first week.", NORMATIVE, ADVOCACY,
              "Integrated Training Service", (10, 24), 0, 0, ("concepts", "induction"), (
                  M("New staff briefed", "number", "0", "200", "Induction records",
                    by_sex=True),)),
            T("Show women deminers and survivors in mine action training material",
              "Review the photographs, examples and case studies of the mine action modules.",
              "Training material shows the women who work in and are affected by mine "
              "action.", PROTECTION, POLICY, "Training officer", (15, 20), 3000, None,
              ("mine_action",), (
                  M("Mine action modules reviewed", "number", "0", "4", "Modules issued"),)),
        )),
    Aim("Evaluations assess gender results",
        "Evaluations of missions and programmes say what was achieved for women and men.", (
            T("Add gender criteria to the terms of reference of mission evaluations",
              "Standard criteria and questions, with evaluators briefed on them.",
              "Evaluations report on gender results.", NORMATIVE, POLICY, "Evaluation officer",
              (10, 14), 0, 0, ("checklist",), (
                  M("Evaluations whose terms of reference include gender criteria", "percent",
                    "10", "100", "Terms of reference"),)),
            T("Revise the reintegration guidance with a section on women and girls",
              "Contribute a section on women and girls associated with armed groups to the "
              "guidance under revision.",
              "Reintegration guidance names women and girls.", RELIEF, POLICY,
              "Policy officer, guidance development", (12, 18), 0, 4000, ("ddr",), (
                  M("Revised guidance issued with the section", "yes_no", "no", "yes",
                    "Guidance on file"),)),
        )),
), Review("approved", submitted=40, decided=47,
          remarks=(Remark("Approved. The practice collection and the notes for trainers will "
                          "serve every office."),)))

PLANS = {"OO": OO, "OMS": OMS, "MILDIV": MILDIV, "PD": PD, "PBPS": PBPS}


# -- helpers ------------------------------------------------------------------------------------


def demo_office(office: Office, index: int) -> tuple[str, int]:
    """The demo office an office copies (its acronym without the copy number) and the copy."""
    match = re.fullmatch(r"(.*?)(\d*)", office.acronym)
    if match.group(1) in PLANS:
        return match.group(1), int(match.group(2) or 1)
    return list(PLANS)[index % len(PLANS)], index // len(PLANS) + 1


def _month(cycle: PlanCycle, number: int, end: bool = False) -> date:
    """The first (or last) day of the cycle's `number`th month, kept within the cycle."""
    year = cycle.start_date.year + (cycle.start_date.month - 1 + number - 1) // 12
    month = (cycle.start_date.month - 1 + number - 1) % 12 + 1
    day = date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return max(cycle.start_date, min(day, cycle.end_date))


def activity_input(task: Task, cycle: PlanCycle, refs: dict[str, int],
                   gaps: dict[str, int]) -> ActivityInput:
    """The activity `task` describes, dated within `cycle`; `refs` are the ids of thematic
    areas and strategies by name, `gaps` the office's gaps by theme."""
    money = {k: None if v is None else Decimal(v) for k, v in (("core", task.core),
                                                                 ("extra", task.extra))}
    return ActivityInput(
        title=task.title, description=task.description,
        thematic_area_id=refs[task.area], strategy_id=refs[task.strategy],
        expected_result=task.expected, responsible=task.responsible,
        starts_on=_month(cycle, task.months[0]), ends_on=_month(cycle, task.months[1], True),
        cost_core=money["core"], cost_extra=money["extra"],
        gap_ids=tuple(dict.fromkeys(gaps[t] for t in task.themes if t in gaps)))


def indicator_input(measure: Measure, starts_on: date, ends_on: date) -> IndicatorInput:
    """The indicator `measure` describes, its baseline dated `starts_on`, its target
    `ends_on`."""
    return IndicatorInput(
        statement=measure.statement, kind=measure.kind, unit=measure.unit,
        baseline_value=measure.baseline, baseline_date=starts_on,
        target_value=measure.target, target_date=ends_on, verification=measure.verification,
        sex_disaggregated=measure.by_sex, direction=measure.direction)


def office_gaps(cycle_id: int, office_id: int) -> dict[str, int]:
    """The office's gaps of the register by the theme whose wording they carry."""
    titles = {theme.title: key for key, theme in THEMES.items()}
    return {titles[row.gap.title]: row.gap.id for row in register(cycle_id, office_id)
            if row.gap.title in titles}


class Clock:
    """Days of one of the cycle's milestones (the work plans' unless told; without it, some
    months into the cycle), as times in office hours, never on or after `on`."""

    def __init__(self, cycle: PlanCycle, on: date, stage: str = "work_plans",
                 month: int = 7):
        milestone = next((m for m in cycle.milestones if m.stage == stage), None)
        self.first = milestone.dates[0] if milestone else _month(cycle, month)
        self.last = max(self.first, min(on - timedelta(days=1), cycle.end_date))

    def at(self, day: int, hour: int) -> datetime:
        when = min(self.first + timedelta(days=day), self.last)
        while when.weekday() > 4 and when > self.first:  # a weekday, the milestone allowing
            when -= timedelta(days=1)
        return datetime.combine(when, time(hour, 0))


# -- the step -----------------------------------------------------------------------------------


def _draft(plan: WorkPlan, content: OfficePlan, cycle: PlanCycle, refs: dict[str, int],
           gaps: dict[str, int]) -> dict[str, object]:
    """Objectives, activities and indicators; the activities by title."""
    activities = {}
    for aim in content.aims:
        objective = save_objective(None, plan, title=aim.title, description=aim.description)
        for task in aim.tasks:
            data = activity_input(task, cycle, refs, gaps)
            activity = save_activity(None, objective, data)
            for measure in task.measures:
                save_indicator(None, activity, indicator_input(measure, data.starts_on,
                                                               data.ends_on))
            activities[task.title] = activity
    return activities


def _remark(plan: WorkPlan, author, remark: Remark, activities: dict) -> PlanComment:
    activity = activities.get(remark.task)
    indicator = activity.indicators[remark.indicator] if (
        activity is not None and remark.indicator is not None) else None
    return add_comment(plan, author, remark.body,
                       activity_id=activity.id if activity is not None else None,
                       indicator_id=indicator.id if indicator is not None else None)


def _apply(fix: Fix, content: OfficePlan, cycle: PlanCycle, refs: dict[str, int],
           gaps: dict[str, int], activities: dict):
    """Change the activity as the fix says; its indicators follow its new dates."""
    task = next(t for a in content.aims for t in a.tasks if t.title == fix.task)
    fixed = replace(task, **fix.changes)
    activity = activities[fix.task]
    data = activity_input(fixed, cycle, refs, gaps)
    save_activity(activity, activity.objective, data)
    for position, (indicator, measure) in enumerate(zip(activity.indicators, task.measures,
                                                        strict=False)):
        changed = replace(measure, **fix.measures.get(position, {}))
        if changed != measure or fixed.months != task.months:
            save_indicator(indicator, activity, indicator_input(changed, data.starts_on,
                                                                data.ends_on))
    if fix.measure is not None:
        save_indicator(None, activity, indicator_input(fix.measure, data.starts_on,
                                                       data.ends_on))
    return activity


def _review(plan: WorkPlan, content: OfficePlan, cycle: PlanCycle, refs: dict[str, int],
            gaps: dict[str, int], activities: dict, focal, adviser, clock: Clock,
            times: dict) -> None:
    """Take the plan through the review as far as its story goes; note when each step
    happened in `times` (plans, versions and comments by id)."""
    review = content.review
    if review.outcome == "draft":
        return
    stamps = times.setdefault("plan", {}).setdefault(plan.id, {})
    versions, comments = times.setdefault("version", {}), times.setdefault("comment", {})
    version = submit_plan(plan, focal)
    stamps["submitted_at"] = versions[version] = clock.at(review.submitted, 10)
    if review.outcome == "submitted":
        return
    decided = clock.at(review.decided, 15)
    for remark in review.remarks:
        comments[_remark(plan, adviser, remark, activities)] = decided
    if review.outcome == "approved" and not review.fixes:
        approve_plan(plan, adviser)
        stamps["decided_at"] = decided
        return
    if review.note:
        comments[add_comment(plan, adviser, review.note)] = decided
    return_plan(plan, adviser, "")
    stamps["decided_at"] = decided
    if not review.fixes:
        return
    resubmitted = clock.at(review.resubmitted, 11)
    for fix in review.fixes:
        activity = _apply(fix, content, cycle, refs, gaps, activities)
        comments[add_comment(plan, focal, fix.reply, activity_id=activity.id)] = resubmitted
    version = submit_plan(plan, focal)
    stamps["submitted_at"] = versions[version] = resubmitted
    approved = clock.at(review.approved, 16)
    if review.approval_note:
        comments[add_comment(plan, adviser, review.approval_note)] = approved
    approve_plan(plan, adviser)
    stamps["decided_at"] = approved


def _backdate(times: dict) -> None:
    """Put the review on the days it happened, in three statements and without touching the
    audit trail (which records when the demo ran)."""
    plans = [{"id": plan_id, "submitted_at": values.get("submitted_at"),
              "decided_at": values.get("decided_at")}
             for plan_id, values in times.get("plan", {}).items()]
    if plans:
        db.session.execute(update(WorkPlan), plans)
    for model, key in ((PlanVersion, "version"), (PlanComment, "comment")):
        rows = [{"id": record.id, "created_at": when}
                for record, when in times.get(key, {}).items()]
        if rows:
            db.session.execute(update(model), rows)


@demo_step(40)
def demo_work_plans(scale: int, on: date) -> str:
    """A work plan per office for the current cycle, each at its own point of the review."""
    cycle = db.session.scalar(select(PlanCycle).where(PlanCycle.status == "active"))
    if cycle is None:
        return "Work plans: no active cycle, nothing added."
    offices = db.session.scalars(select(Office).where(Office.active).order_by(Office.id)).all()
    if not offices:
        return "Work plans: no offices, nothing added."
    bases = [demo_office(office, index) for index, office in enumerate(offices)]
    emails = [f"focal.{office.acronym.lower()}@example.org" for office in offices]
    users = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.in_([*emails, ADVISER])))}
    adviser = users.get(ADVISER)
    # The reference entries are held here so that the services' checks find them in the
    # session's identity map instead of asking the database for each activity.
    loaded = [*db.session.scalars(select(ThematicArea)), *db.session.scalars(select(Strategy))]
    refs = {item.name: item.id for item in loaded}
    clock = Clock(cycle, on)
    gaps_of: dict[str, dict[str, int]] = {}  # the same themes for every copy of an office
    times: dict = {}
    counts = {"objectives": 0, "activities": 0, "indicators": 0, "linked": 0}
    states: dict[str, int] = {}
    for office, email, (base, _copy) in zip(offices, emails, bases, strict=True):
        plan = plan_for(cycle.id, office.id)
        if plan.objectives or plan.versions:
            continue  # someone has started this office's plan already
        content = PLANS[base]
        if base not in gaps_of:
            gaps_of[base] = office_gaps(cycle.id, office.id)
        gaps = gaps_of[base]
        activities = _draft(plan, content, cycle, refs, gaps)
        _review(plan, content, cycle, refs, gaps, activities, users.get(email), adviser,
                clock, times)
        counts["objectives"] += len(content.aims)
        counts["activities"] += len(activities)
        counts["indicators"] += sum(len(a.indicators) for a in activities.values())
        counts["linked"] += sum(bool(a.gaps) for a in activities.values())
        states[plan.status] = states.get(plan.status, 0) + 1
    _backdate(times)
    db.session.flush()
    if not states:
        return "Work plans: every office has a plan already, nothing added."
    shown = ", ".join(f"{states[s]} {s}" for s in ("approved", "submitted", "returned", "draft")
                      if s in states)
    return (f"Work plans {cycle.name}: {sum(states.values())} plans ({shown}), "
            f"{counts['objectives']} objectives, {counts['activities']} activities "
            f"({counts['linked']} linked to gaps of the register), "
            f"{counts['indicators']} indicators.")

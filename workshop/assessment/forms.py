"""Forms of the needs assessment: nominations, the one-page session form, gaps and merges."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import MultiCheckboxField, OptionalIntSelectField, strip
from .models import FORMATS, PRIORITIES, RESOURCE_KINDS, SEXES
from .services import MAX_HEADCOUNT


class NominationForm(FlaskForm):
    """A person an office nominates for the assessment and the workshop."""

    name = StringField("Full name", validators=[DataRequired("Give the person's name."),
                                                Length(max=120)], filters=[strip])
    sex = RadioField("Sex", choices=dict(SEXES), validators=[DataRequired("Choose female or "
                                                                          "male.")])
    level_id = OptionalIntSelectField("Staff level", choices=[])
    functional_area_id = OptionalIntSelectField("Functional area", choices=[])
    job_title = StringField("Job title", validators=[Length(max=200)], filters=[strip])
    email = EmailField("E-mail", validators=[Optional(), Length(max=255)], filters=[strip],
                       description="Optional; used for invitations to the workshop.")
    nominated_by = StringField("Nominated by", validators=[Length(max=120)], filters=[strip],
                               description="Who put the person forward, such as the head of "
                                           "office.")
    submit = SubmitField("Save nomination")


def _count(label: str):
    return IntegerField(label, validators=[Optional(), NumberRange(
        min=0, max=MAX_HEADCOUNT, message=f"Give a number from 0 to {MAX_HEADCOUNT:,}.")],
        render_kw={"min": 0, "max": MAX_HEADCOUNT})


class HeadcountForm(Form):
    """Women and men of one staff level who took part without being named."""

    level_id = HiddenField()
    women = _count("Women")
    men = _count("Men")


class FindingForm(Form):
    """One finding of the session form."""

    id = HiddenField()
    category_id = OptionalIntSelectField("Gap category", choices=[])
    title = StringField("Title", validators=[Length(max=200)], filters=[strip],
                        description="A short title: what is missing or needed.")
    description = TextAreaField("Description", validators=[Length(max=5000)],
                                render_kw={"rows": 2})
    priority = SelectField("Priority", choices=dict(PRIORITIES), default="medium")
    thematic_area_id = OptionalIntSelectField("Thematic area", choices=[])
    functional_area_id = OptionalIntSelectField("Functional area", choices=[])
    resources = MultiCheckboxField("What would help", choices=dict(RESOURCE_KINDS))
    resources_detail = StringField("Resources or information in detail",
                                   validators=[Length(max=2000)], filters=[strip])
    quote = TextAreaField("Anonymised quote", validators=[Length(max=2000)],
                          render_kw={"rows": 2},
                          description="Optional. Leave out names and anything that identifies "
                                      "the speaker.")
    gap_id = OptionalIntSelectField("Gap in the register", choices=[],
                                    description="A new gap, or a gap already raised that says "
                                                "the same thing.")
    remove = BooleanField("Remove this finding")

    def is_blank(self) -> bool:
        """True for a row nothing was typed into (left over from "add a finding")."""
        return not (self.id.data or self.title.data or self.description.data or
                    self.quote.data or self.category_id.data)


class SessionForm(FlaskForm):
    """An assessment session with the people met and its findings, on one page."""

    held_on = DateField("Date", validators=[DataRequired("Give the date of the session.")])
    held_time = TimeField("Start time", validators=[DataRequired("Give the time the session "
                                                                 "started.")])
    format = RadioField("Format", choices=dict(FORMATS), default="group")
    consultant_ids = MultiCheckboxField("Consultants present", coerce=int, choices=[],
                                        validators=[DataRequired("Tick the consultants who "
                                                                 "held the session.")])
    participant_ids = MultiCheckboxField("Nominated people who took part", coerce=int,
                                         choices=[])
    headcounts = FieldList(FormField(HeadcountForm))
    topics = TextAreaField("Topics discussed", validators=[Length(max=5000)],
                           render_kw={"rows": 2})
    notes = TextAreaField("Notes", validators=[Length(max=20000)], render_kw={"rows": 4})
    notes_confidential = BooleanField("Notes are confidential",
                                      description="Only consultants and the Gender Unit read "
                                                  "notes; confidential notes are also kept out "
                                                  "of exports and the audit trail.")
    findings = FieldList(FormField(FindingForm), min_entries=1)
    submit = SubmitField("Save session")


class GapForm(FlaskForm):
    """How a gap reads in the register."""

    title = StringField("Title", validators=[DataRequired("Give the gap a short title."),
                                             Length(max=200)], filters=[strip])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    category_id = OptionalIntSelectField("Gap category", choices=[])
    priority = SelectField("Priority", choices=dict(PRIORITIES))
    thematic_area_id = OptionalIntSelectField("Thematic area", choices=[])
    functional_area_id = OptionalIntSelectField("Functional area", choices=[])
    submit = SubmitField("Save gap")


class MergeForm(FlaskForm):
    """Other gaps whose findings move into this one."""

    gap_ids = MultiCheckboxField("Gaps that say the same thing", coerce=int, choices=[])
    submit = SubmitField("Merge into this gap")


class OfficeChoiceForm(FlaskForm):
    """The office a new session is recorded for."""

    office_id = OptionalIntSelectField("Office", choices=[])
    submit = SubmitField("Continue")

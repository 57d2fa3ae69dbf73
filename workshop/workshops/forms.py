"""Forms of the workshops stage."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import MultiCheckboxField, OptionalIntSelectField, strip
from .models import KINDS, USEFULNESS, WORKSHOP_STATUSES


class ModuleForm(FlaskForm):
    """A module of the curriculum."""

    code = StringField("Code", validators=[DataRequired("Give the module a short code."),
                                           Length(max=10)], filters=[strip],
                       description="Stays the same from one version to the next, such as M3.")
    title = StringField("Title", validators=[DataRequired("Give the module a title."),
                                             Length(max=200)], filters=[strip])
    objectives = TextAreaField("Objectives", validators=[Length(max=5000)],
                               render_kw={"rows": 3})
    method = TextAreaField("Method", validators=[Length(max=5000)], render_kw={"rows": 2},
                           description="How it is taught: presentation, case study, group "
                                       "exercise…")
    duration_minutes = IntegerField("Duration in minutes", validators=[
        DataRequired("Give the duration in minutes."),
        NumberRange(1, 480, "Give a duration from 1 to 480 minutes.")])
    category_ids = MultiCheckboxField("Gap categories it answers", coerce=int, choices=[])
    thematic_area_ids = MultiCheckboxField("Thematic areas it answers", coerce=int, choices=[])
    optional = BooleanField("Optional: included in an office's agenda only when the office "
                            "raised a high-priority gap it answers")
    position = IntegerField("Order", validators=[Optional(), NumberRange(0, 999)])
    submit = SubmitField("Save module")


class RevisionForm(FlaskForm):
    """A change made to the curriculum and why."""

    module_code = StringField("Module code", validators=[Length(max=10)], filters=[strip],
                              description="The module changed, if the change is about one.")
    change = TextAreaField("What changed", validators=[DataRequired("Say what changed."),
                                                       Length(max=5000)],
                           render_kw={"rows": 3})
    reason = TextAreaField("Why", validators=[DataRequired("Say why the change was made."),
                                              Length(max=5000)], render_kw={"rows": 3},
                           description="The evaluations or the facilitators' observations "
                                       "behind it.")
    workshop_id = OptionalIntSelectField("Prompted by the workshop", choices=[])
    submit = SubmitField("Record revision")


class PublishForm(FlaskForm):
    """Publishing a draft version."""

    summary = TextAreaField("Summary of this version", validators=[Length(max=5000)],
                            render_kw={"rows": 2})
    submit = SubmitField("Publish this version")


class WorkshopForm(FlaskForm):
    """A workshop: the pilot or one office's."""

    kind = RadioField("Kind", choices=dict(KINDS), default="office")
    office_id = OptionalIntSelectField("Office", choices=[],
                                       description="For an office workshop.")
    title = StringField("Title", validators=[DataRequired("Give the workshop a title."),
                                             Length(max=200)], filters=[strip])
    start_date = DateField("First day", validators=[DataRequired("Give the first day.")])
    end_date = DateField("Last day", validators=[Optional()],
                         description="Two days unless you say otherwise.")
    venue = StringField("Venue", validators=[Length(max=200)], filters=[strip])
    facilitator_ids = MultiCheckboxField("Facilitators", coerce=int, choices=[])
    status = RadioField("Status", choices=dict(WORKSHOP_STATUSES), default="planned")
    observations = TextAreaField("Facilitators' observations", validators=[Length(max=10000)],
                                 render_kw={"rows": 3},
                                 description="What the facilitators noticed; the pilot's "
                                             "observations feed curriculum revisions.")
    submit = SubmitField("Save workshop")


class AgendaItemForm(FlaskForm):
    """A session of the agenda."""

    day = IntegerField("Day", validators=[DataRequired("Give the day."), NumberRange(1, 14)])
    starts_at = TimeField("Starts", validators=[DataRequired("Give the start time.")])
    ends_at = TimeField("Ends", validators=[DataRequired("Give the end time.")])
    module_id = OptionalIntSelectField("Module", choices=[])
    title = StringField("Title", validators=[Length(max=200)], filters=[strip],
                        description="Left empty, the module's title is used.")
    facilitator = StringField("Facilitator", validators=[Length(max=120)], filters=[strip])
    gap_ids = MultiCheckboxField("Gaps it addresses", coerce=int, choices=[])
    submit = SubmitField("Save session")


class EvaluationForm(FlaskForm):
    """The anonymous evaluation (session ratings are read from the request by the view)."""

    usefulness = RadioField("Overall, how useful was the workshop for your work?",
                            choices=dict(USEFULNESS),
                            validators=[DataRequired("Choose one answer.")])
    keep = TextAreaField("What should we keep?", validators=[Length(max=5000)],
                         render_kw={"rows": 3})
    change = TextAreaField("What should we change?", validators=[Length(max=5000)],
                           render_kw={"rows": 3})
    submit = SubmitField("Send my evaluation")

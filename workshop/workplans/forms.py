"""Forms of the work-plan editor and its review."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import MultiCheckboxField, OptionalIntSelectField, strip
from .models import ACTIVITY_STATUSES, DIRECTIONS, INDICATOR_KINDS, UNITS


class _Locked(FlaskForm):
    lock_version = HiddenField()

    def seen_version(self) -> int | None:
        try:
            return int(self.lock_version.data) if self.lock_version.data else None
        except ValueError:
            return None


class ObjectiveForm(_Locked):
    """An objective of the plan."""

    title = StringField("Objective", validators=[DataRequired("State the objective."),
                                                 Length(max=300)], filters=[strip])
    description = TextAreaField("Description", validators=[Length(max=5000)],
                                render_kw={"rows": 2})
    submit = SubmitField("Save objective")


class ActivityForm(_Locked):
    """An activity: what, who, when, with what resources, towards which result."""

    objective_id = OptionalIntSelectField("Objective", choices=[])
    title = StringField("Activity", validators=[DataRequired("Give the activity a title."),
                                                Length(max=300)], filters=[strip])
    description = TextAreaField("Description", validators=[Length(max=5000)],
                                render_kw={"rows": 2})
    thematic_area_id = OptionalIntSelectField("Thematic area", choices=[])
    strategy_id = OptionalIntSelectField("Implementation strategy", choices=[])
    expected_result = TextAreaField("Expected result", validators=[Length(max=5000)],
                                    render_kw={"rows": 2})
    responsible = StringField("Responsible unit or person", validators=[Length(max=200)],
                              filters=[strip])
    starts = StringField("Starts", validators=[Length(max=20)], filters=[strip],
                            description="A month (2026-04) or a quarter (2026-Q2).",
                            render_kw={"placeholder": "2026-04"})
    ends = StringField("Ends", validators=[Length(max=20)], filters=[strip],
                          description="A month or a quarter.",
                          render_kw={"placeholder": "2026-Q3"})
    core = StringField("Core resources (USD)", validators=[Length(max=30)],
                            filters=[strip], description="Empty when not known; 0 when none.",
                            render_kw={"inputmode": "decimal"})
    extra = StringField("Extra-budgetary resources (USD)", validators=[Length(max=30)],
                             filters=[strip],
                             description="Empty when not known; 0 when none.",
                             render_kw={"inputmode": "decimal"})
    status = SelectField("Status", choices=dict(ACTIVITY_STATUSES), default="planned")
    gap_ids = MultiCheckboxField("Gaps it answers", coerce=int, choices=[])
    submit = SubmitField("Save activity")


class IndicatorForm(_Locked):
    """An indicator of an activity."""

    statement = StringField("Indicator", validators=[DataRequired("State the indicator."),
                                                     Length(max=500)], filters=[strip])
    kind = SelectField("Kind", choices=dict(INDICATOR_KINDS), default="quantitative")
    unit = SelectField("Unit", choices=dict(UNITS), default="number")
    direction = SelectField("Direction", choices=dict(DIRECTIONS), default="increase")
    baseline_value = StringField("Baseline", validators=[Length(max=200)], filters=[strip])
    baseline_date = DateField("Baseline date", validators=[Optional()])
    target_value = StringField("Target", validators=[Length(max=200)], filters=[strip])
    target_date = DateField("Target date", validators=[Optional()])
    verification = TextAreaField("Means of verification", validators=[Length(max=5000)],
                                 render_kw={"rows": 2})
    sex_disaggregated = BooleanField("Measured separately for women and men")
    counting = SelectField(
        "Each period reports", default="cumulative",
        choices={"cumulative": "The value to date (cumulative)",
                 "per_period": "What happened in the period (periods add up)"})
    submit = SubmitField("Save indicator")


class CommentForm(FlaskForm):
    """A comment on the plan, an activity or an indicator."""

    body = TextAreaField("Comment", validators=[DataRequired("Write the comment."),
                                                Length(max=5000)], render_kw={"rows": 3})
    activity_id = OptionalIntSelectField("On", choices=[])
    indicator_id = OptionalIntSelectField("Indicator (optional)", choices=[])
    submit = SubmitField("Add comment")


class UploadForm(FlaskForm):
    """A filled work-plan workbook."""

    file = FileField("Workbook (.xlsx)", validators=[FileRequired("Choose the workbook "
                                                                  "to upload.")])
    submit = SubmitField("Upload and check")

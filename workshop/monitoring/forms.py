"""Forms of the reporting periods and of an office's progress report."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import OptionalIntSelectField, strip
from .models import PROGRESS_STATUSES
from .periods import DEFAULT_DUE_DAYS, FREQUENCIES


class PeriodsForm(FlaskForm):
    """How the Gender Unit lays the cycle's reporting periods out."""

    frequency = SelectField("Frequency", choices=dict(FREQUENCIES),
                            default="quarterly")
    starts_on = DateField("First day reported on", validators=[Optional()],
                          description="Empty: the first day of the cycle.")
    due_days = StringField("Days after the end of a period for the due date",
                           default=str(DEFAULT_DUE_DAYS), filters=[strip],
                           validators=[Length(max=10)], render_kw={"inputmode": "numeric"},
                           description="Between 0 and 90.")


class _Locked(FlaskForm):
    """A change to a report, made from the version of it the page showed."""

    lock_version = HiddenField()

    def seen_version(self) -> int | None:
        try:
            return int(self.lock_version.data)
        except (TypeError, ValueError):
            return None


class ProgressForm(_Locked):
    """Where one activity stands at the end of the period."""

    status = SelectField("Status", choices=dict(PROGRESS_STATUSES),
                         default="not_started")
    percent_complete = StringField("Per cent complete", filters=[strip],
                                   validators=[Length(max=10)],
                                   render_kw={"inputmode": "numeric"},
                                   description="0 to 100; empty when not known.")
    narrative = TextAreaField("What was done", validators=[Length(max=5000)],
                              render_kw={"rows": 3})
    challenges = TextAreaField("Challenges", validators=[Length(max=5000)],
                               render_kw={"rows": 2})
    next_steps = TextAreaField("Next steps", validators=[Length(max=5000)],
                               render_kw={"rows": 2})
    good_practice = BooleanField("Flag as a good practice")
    lesson = TextAreaField("Lesson learned", validators=[Length(max=5000)],
                           render_kw={"rows": 2},
                           description="What worked, so that other offices can learn from it. "
                                       "Needed when the activity is flagged as a good practice.")


class _Measurement(_Locked):
    female = StringField("Women", filters=[strip], validators=[Length(max=30)],
                         render_kw={"inputmode": "decimal"})
    male = StringField("Men", filters=[strip], validators=[Length(max=30)],
                       render_kw={"inputmode": "decimal"})
    source = StringField("Source", filters=[strip], validators=[Length(max=300)],
                         description="Where the figure comes from: attendance sheets, a "
                                     "survey, a report.")
    file = FileField("Evidence file (optional)",
                     description="PDF, Word, Excel, a picture (PNG, JPG), CSV or text; at most "
                                 "10 MB.")


class NumberMeasurementForm(_Measurement):
    """A measurement of an indicator counted in numbers."""

    value = StringField("Value (a number)", filters=[strip], validators=[Length(max=40)],
                        render_kw={"inputmode": "decimal"})


class PercentMeasurementForm(_Measurement):
    """A measurement of an indicator given as a per cent."""

    value = StringField("Value (per cent, 0 to 100)", filters=[strip],
                        validators=[Length(max=40)], render_kw={"inputmode": "decimal"})


class YesNoMeasurementForm(_Measurement):
    """A measurement of an indicator answered yes or no."""

    value = SelectField("Achieved", choices={"": "Not answered yet", "yes": "Yes",
                                             "no": "No"}, default="")


class TextMeasurementForm(_Measurement):
    """A measurement of an indicator described in words."""

    value = TextAreaField("Value", validators=[Length(max=500)], render_kw={"rows": 2})


MEASUREMENT_FORMS = {"number": NumberMeasurementForm, "percent": PercentMeasurementForm,
                     "yes_no": YesNoMeasurementForm, "text": TextMeasurementForm}


def measurement_form(indicator, **kwargs) -> _Measurement:
    """The form suited to the indicator's unit; women and men only where it is split by sex."""
    form = MEASUREMENT_FORMS.get(indicator.unit, TextMeasurementForm)(**kwargs)
    if not indicator.sex_disaggregated:
        del form.female
        del form.male
    return form


class SubmitForm(_Locked):
    """The focal point sends the report to the Gender Unit."""


class ReturnForm(FlaskForm):
    """The Gender Unit sends the report back with what to correct."""

    body = TextAreaField("What the office should correct",
                         validators=[DataRequired("Say what the office should correct."),
                                     Length(max=5000)], render_kw={"rows": 3})
    activity_id = OptionalIntSelectField("About", choices=[])

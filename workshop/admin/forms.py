"""Forms for users, offices, cycles, milestones and reference lists."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ..auth.roles import ROLES
from ..core.forms import MultiCheckboxField, OptionalIntSelectField, strip
from .models import CYCLE_STATUSES, MAX_POSITION, MILESTONE_STATUSES, STAGES


class UserForm(FlaskForm):
    """A user's details, roles and office."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=255)],
                       filters=[strip])
    roles = MultiCheckboxField("Roles", choices=dict(ROLES),
                               description="A person may hold several roles. Focal points "
                               "and participants belong to an office.")
    office_id = OptionalIntSelectField("Office", choices=[])
    active = BooleanField("Active (can sign in)", default=True)
    submit = SubmitField("Save user")


class NewUserForm(UserForm):
    """A new user, with a temporary password to pass on."""

    password = PasswordField("Temporary password", validators=[DataRequired(), Length(max=200)],
                             description="At least 10 characters. The user chooses their own "
                             "at first sign-in.")
    submit = SubmitField("Create user")


class ResetPasswordForm(FlaskForm):
    """A temporary password set by an admin."""

    password = PasswordField("New temporary password", validators=[DataRequired(),
                                                                   Length(max=200)],
                             description="The user must change it at next sign-in.")
    submit = SubmitField("Reset password")


class OfficeForm(FlaskForm):
    """An office of the department."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    acronym = StringField("Acronym", validators=[DataRequired(), Length(max=20)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    active = BooleanField("Active", default=True)
    head_id = OptionalIntSelectField(
        "Head of office", choices=[], validate_choice=False,
        description="Overdue progress reports are escalated to this person.")
    submit = SubmitField("Save office")


class CycleForm(FlaskForm):
    """A plan cycle."""

    name = StringField("Name", validators=[DataRequired(), Length(max=40)],
                       description="For example 2008-2009.")
    start_date = DateField("Starts", validators=[DataRequired(message="Give a start date.")])
    end_date = DateField("Ends", validators=[DataRequired(message="Give an end date.")])
    status = SelectField("Status", choices=dict(CYCLE_STATUSES), default="planning")
    previous_id = OptionalIntSelectField("Follows the cycle", choices=[],
                                         description="The next cycle starts from the last one.")
    description = TextAreaField("Description", validators=[Length(max=5000)])
    submit = SubmitField("Save cycle")


class MilestoneForm(FlaskForm):
    """A milestone of the process timeline."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    stage = SelectField("Stage", choices=dict(STAGES))
    planned_start = DateField("Planned start", validators=[DataRequired("Give a planned start.")])
    planned_end = DateField("Planned end", validators=[DataRequired("Give a planned end.")])
    actual_start = DateField("Actual start", validators=[Optional()])
    actual_end = DateField("Actual end", validators=[Optional()])
    status = SelectField("Status", choices=dict(MILESTONE_STATUSES), default="planned")
    description = TextAreaField("Notes", validators=[Length(max=5000)])
    submit = SubmitField("Save milestone")


class ReferenceItemForm(FlaskForm):
    """An entry of a reference list."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    position = IntegerField("Order in lists", validators=[Optional(), NumberRange(0, MAX_POSITION)])
    is_active = BooleanField("In use (offered in forms)", default=True)
    submit = SubmitField("Save")

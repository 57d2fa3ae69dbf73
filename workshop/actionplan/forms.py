"""Forms of the departmental action plan."""

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import OptionalIntSelectField, strip
from .models import DECISIONS


class ObjectiveForm(FlaskForm):
    """A departmental objective."""

    title = StringField("Objective", validators=[DataRequired("State the objective."),
                                                 Length(max=300)], filters=[strip])
    description = TextAreaField("Description", validators=[Length(max=5000)],
                                render_kw={"rows": 3})
    thematic_area_id = OptionalIntSelectField("Thematic area (optional)", choices=[])
    submit = SubmitField("Save objective")


class MappingForm(FlaskForm):
    """Count the selected activities under a departmental objective."""

    objective_id = OptionalIntSelectField("Departmental objective", choices=[])
    submit = SubmitField("Map selected activities")


class DecisionForm(FlaskForm):
    """The Gender Unit's decision on a group of overlapping activities."""

    decision = RadioField("Decision", choices=dict(DECISIONS),
                          validators=[DataRequired("Choose coordinate, merge or distinct.")])
    note = TextAreaField("Note (optional)", validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField("Record decision")


class FinaliseForm(FlaskForm):
    """Freeze the plan into a new version."""

    note = TextAreaField("What this version is for (optional)", validators=[Length(max=2000)],
                         render_kw={"rows": 2})
    submit = SubmitField("Finalise a new version")

"""Sign-in, password and token forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..core.forms import strip


class SignInForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=255)],
                       filters=[strip])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this computer")
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    """The user's own password change."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 10 characters.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    submit = SubmitField("Change password")


class TokenForm(FlaskForm):
    """A new API token."""

    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=80)],
        description="For example the dashboard or script that will use it.",
    )
    submit = SubmitField("Create token")

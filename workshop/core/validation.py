"""Errors a service raises when input cannot be saved, naming the field at fault."""


class FieldError(ValueError):
    """The input cannot be saved; `field` names the form field or API property at fault."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class InUseError(FieldError):
    """A record cannot be deleted because other records refer to it."""

    def __init__(self, message: str):
        super().__init__(None, message)


def apply_to_form(form, error: FieldError) -> None:
    """Show a service error beside its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    form._errors = None  # WTForms caches `form.errors` after validation; count this one too

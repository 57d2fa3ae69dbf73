"""Form fields every domain uses."""

from wtforms import SelectField, SelectMultipleField, widgets


def optional_int(value):
    """Coerce a select's value to int, the empty choice to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class OptionalIntSelectField(SelectField):
    """A select whose empty choice means None; an unknown value is a clear error, not a 500."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", optional_int)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Choose one of the options.") from None


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes for choosing several options."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def strip(value):
    """Leading and trailing spaces typed or pasted by mistake are dropped."""
    return value.strip() if isinstance(value, str) else value

"""Building blocks of the JSON API: fields, error mapping and documented responses."""

from functools import wraps

from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate

from ..extensions import csrf
from .validation import FieldError, InUseError

MAX_ID = 2**31 - 1


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A blueprint of API resources. The API authenticates by bearer token only, never by the
    session cookie, so cross-site request forgery cannot reach it and CSRF checks are off."""
    blp = Blueprint(name, import_name, description=description)
    csrf.exempt(blp)
    return blp


class Text(fields.String):
    """A string without control characters other than tab and newline."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
            raise ValidationError("Control characters are not allowed.")
        return text


def Id(**kwargs):  # noqa: N802 - reads as a field type
    """An integer identifier of another record."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


class ApiErrorSchema(Schema):
    """The body of every error response."""

    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict()


def documented_errors(blp: Blueprint, *codes: int):
    """Document the error responses an endpoint can give (401 and 403 always)."""
    descriptions = {
        401: "No valid API token was sent.",
        403: "The token's user does not hold the permission needed.",
        404: "No such record.",
        409: "The record is in use or conflicts with another.",
        422: "The data sent is not valid; `errors` says what is wrong with each field.",
    }

    def decorator(func):
        for code in sorted({401, 403, *codes}, reverse=True):
            func = blp.alt_response(code, schema=ApiErrorSchema, description=descriptions[code])(
                func)
        return func

    return decorator


def service_errors(func):
    """Turn a service's FieldError into 422 (or 409 for records in use) with a JSON body."""

    @wraps(func)
    def wrapped(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InUseError as error:
            abort(409, message=error.message)
        except FieldError as error:
            abort(422, message="The data sent is not valid.",
                  errors={"json": {error.field or "_schema": [error.message]}})
        return None

    return wrapped

"""Building blocks of the JSON API: fields, error mapping and documented responses."""

from functools import wraps

from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func, select

from ..extensions import csrf, db
from .validation import FieldError, InUseError

# Ids are 32-bit integers in the database (PostgreSQL rejects larger ones), in paths as in bodies.
MAX_ID = 2**31 - 1
# The converter of an id in a route: anything else (0, negative, too large) is simply not found.
ID = f"int(min=1, max={MAX_ID})"

PAGINATION_HEADER = {
    "description": "Pagination metadata, a JSON object: `total` and `total_pages`; when there "
                   "are items `first_page` and `last_page`; for a page within them `page`, and "
                   "`previous_page` and `next_page` when there are such pages.",
    "schema": {"type": "string"},
    "example": '{"total": 12, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 1, '
               '"next_page": 2}',
}


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint that documents the pagination header as what it is: a string
    holding JSON (flask-smorest documents it as an object, which no header value can be)."""

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A blueprint of API resources. The API authenticates by bearer token only, never by the
    session cookie, so cross-site request forgery cannot reach it and CSRF checks are off."""
    blp = ApiBlueprint(name, import_name, description=description)
    csrf.exempt(blp)
    return blp


def paginate(query, pagination_parameters) -> list:
    """One page of `query`'s rows, setting the item count for the X-Pagination header.

    A page past the end is empty without asking the database for it: an offset as large as
    the page numbers clients may send overflows SQLite's and PostgreSQL's integers.
    """
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pagination_parameters.item_count = total
    size, page = pagination_parameters.page_size, pagination_parameters.page
    if (page - 1) * size >= total:
        return []
    return list(db.session.scalars(query.limit(size).offset((page - 1) * size)))


# Control characters other than tab, newline and carriage return, as a JSON Schema pattern
# (the same text is a valid Python and ECMA-262 regular expression).
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


class Text(fields.String):
    """A string without control characters other than tab and newline.

    NUL bytes and lone surrogates (which JSON can encode) are refused here with 422: PostgreSQL
    and UTF-8 encoders would otherwise fail on them with a server error.
    """

    def __init__(self, **kwargs):
        metadata = {"pattern": NO_CONTROL_CHARACTERS, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return _plain_text(super()._deserialize(value, attr, data, **kwargs))


def _plain_text(text: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise ValidationError("Control characters are not allowed.")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValidationError("The text is not valid Unicode.")
    return text


class Email(fields.Email):
    """An e-mail address of at most 255 characters once stored (in lower case: a few letters
    grow when lower-cased), without control characters or lone surrogates."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(max=255), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        email = _plain_text(super()._deserialize(value, attr, data, **kwargs))
        if len(email.strip().lower()) > 255:
            raise ValidationError("Longer than maximum length 255.")
        return email


def Id(*, strict: bool = True, **kwargs):  # noqa: N802 - reads as a field type
    """An integer identifier of another record (`strict=False` in query strings, where every
    value is text)."""
    return fields.Integer(strict=strict, validate=validate.Range(1, MAX_ID), **kwargs)


class ApiErrorSchema(Schema):
    """The body of every error response."""

    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict()


def documented_errors(blp: Blueprint, *codes: int):
    """Document the error responses an endpoint can give (401 and 403 always).

    Endpoints that read a JSON body list 400 (malformed JSON) and 422 (invalid data).
    """
    descriptions = {
        400: "The body is not valid JSON.",
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

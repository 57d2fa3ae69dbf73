"""Error pages for people and JSON error bodies for the API."""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from .permissions import is_api_request

TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "File too large",
    422: "Invalid data",
    429: "Too many attempts",
    500: "Something went wrong",
}


# What the API says instead of werkzeug's generic descriptions, which speak of browsers.
API_MESSAGES = {
    400: "The request is malformed: send a JSON body with 'Content-Type: application/json'.",
    404: "Nothing was found at this address.",
    405: "This address does not take this method; the Allow header lists those it takes.",
    422: "The data sent is not valid; 'errors' says what is wrong with each field.",
}


def api_error(code: int, message: str, errors: dict | None = None):
    """A JSON error response: `{code, status, message[, errors]}`."""
    body = {"code": code, "status": TITLES.get(code, "Error"), "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    return response


def handle_http_exception(error: HTTPException):
    """Render an HTTP error as JSON under /api and as a page elsewhere."""
    code = error.code or 500
    if is_api_request():
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        message = data.get("message") or error.description
        if code == 500 or message == type(error).description:
            message = API_MESSAGES.get(code, TITLES.get(code, message))
        if code == 401:
            message = "Send a valid API token as 'Authorization: Bearer <token>'."
        response = api_error(code, message, errors)
        if code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        if code == 405 and error.get_response().headers.get("Allow"):
            response.headers["Allow"] = error.get_response().headers["Allow"]
        return response
    template = f"errors/{code}.html" if code in (400, 403, 404, 429, 500) else (
        "errors/generic.html")
    response = error.get_response()
    html = render_template(template, code=code, title=TITLES.get(code, error.name), error=error)
    return html, code, {k: v for k, v in response.headers.items() if k in ("Allow", "Retry-After")}


def handle_unexpected(error: Exception):
    """Roll back, log and answer 500 for anything not handled."""
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def register_error_handlers(app) -> None:
    """Install the handlers; called after the API so that these take precedence."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

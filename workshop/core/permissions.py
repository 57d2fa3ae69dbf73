"""The permission helper every view and API handler goes through.

The user model decides (`user.can(permission)`, `record.can_edit(user)`); this module enforces:
an anonymous request is sent to sign in (or gets 401 in the API), a signed-in one gets 403.
"""

from functools import wraps

from flask import abort, request
from flask_login import current_user

from ..extensions import login_manager


def is_api_request() -> bool:
    """True for requests to the JSON API."""
    return request.path.startswith("/api/")


def deny():
    """Refuse the current request: sign-in for anonymous users, 403 for everyone else."""
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)
        abort(login_manager.unauthorized())
    abort(403)


def require(allowed: bool) -> None:
    """Continue when `allowed`, otherwise refuse the request."""
    if not allowed:
        deny()


def permission_required(*permissions: str):
    """Decorate a view so that it runs only for users holding one of `permissions`.

    With no permission named, any signed-in user may pass.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                deny()
            if permissions and not any(current_user.can(p) for p in permissions):
                deny()
            return view(*args, **kwargs)

        wrapped.required_permissions = permissions
        return wrapped

    return decorator


login_required = permission_required()

"""API resources: the token's own user, and users (administrators only)."""

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.api import (
    ID,
    Email,
    Id,
    Text,
    api_blueprint,
    documented_errors,
    paginate,
    service_errors,
)
from ..core.permissions import login_required, permission_required
from ..extensions import db
from .models import User, UserRole
from .roles import ROLES
from .services import create_user, update_user

blp = api_blueprint("users", __name__, "Users and their roles. Administrators only, except "
                    "`/me`.")


class UserSchema(Schema):
    """A user as the API shows it."""

    id = fields.Integer(dump_only=True)
    email = Email(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    roles = fields.List(fields.String(validate=validate.OneOf(list(ROLES))), required=True)
    office_id = Id(allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)
    must_change_password = fields.Boolean(dump_only=True)
    last_sign_in_at = fields.DateTime(dump_only=True, allow_none=True)


class NewUserSchema(UserSchema):
    """A new user with a temporary password."""

    password = Text(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class UserPatchSchema(Schema):
    """The fields of a user that can be changed."""

    email = Email()
    name = Text(validate=validate.Length(min=1, max=120))
    roles = fields.List(fields.String(validate=validate.OneOf(list(ROLES))))
    office_id = Id(allow_none=True)
    active = fields.Boolean()


class UserQuerySchema(Schema):
    """Filters of the user list."""

    role = fields.String(validate=validate.OneOf(list(ROLES)))
    office_id = Id(strict=False)
    active = fields.Boolean()


def _dump(user: User) -> dict:
    data = {c: getattr(user, c) for c in ("id", "email", "name", "office_id", "active",
                                          "must_change_password", "last_sign_in_at")}
    data["roles"] = sorted(user.roles)
    return data


@blp.route("/me")
class Me(MethodView):
    """The user the token belongs to."""

    decorators = [login_required]

    @blp.response(200, UserSchema)
    @documented_errors(blp)
    def get(self):
        """Who the token belongs to, with roles and office."""
        return _dump(current_user)


@blp.route("/users")
class Users(MethodView):
    """All users."""

    decorators = [permission_required("manage_users")]

    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """List users, optionally by role, office or state."""
        query = select(User).options(selectinload(User.role_links)).order_by(User.id)
        if "role" in args:
            query = query.where(User.role_links.any(UserRole.role == args["role"]))
        if "office_id" in args:
            query = query.where(User.office_id == args["office_id"])
        if "active" in args:
            query = query.where(User.active == args["active"])
        return [_dump(u) for u in paginate(query, pagination_parameters)]

    @blp.arguments(NewUserSchema)
    @blp.response(201, UserSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Create a user; they must change the temporary password at first sign-in."""
        _check_office(data.get("office_id"))
        user = create_user(email=data["email"], name=data["name"], password=data["password"],
                           roles=data["roles"], office_id=data.get("office_id"),
                           must_change_password=True)
        user.active = data.get("active", True)
        db.session.commit()
        return _dump(user)


def _check_office(office_id):
    from ..core.validation import FieldError

    if office_id is not None:
        from ..admin.models import Office

        if db.session.get(Office, office_id) is None:
            raise FieldError("office_id", "No office has this id.")


@blp.route(f"/users/<{ID}:user_id>")
class UserItem(MethodView):
    """One user."""

    decorators = [permission_required("manage_users")]

    @blp.response(200, UserSchema)
    @documented_errors(blp, 404)
    def get(self, user_id):
        """A user with roles and office."""
        return _dump(db.get_or_404(User, user_id))

    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, user_id):
        """Change a user's details, roles, office or state."""
        user = db.get_or_404(User, user_id)
        if "office_id" in data:
            _check_office(data["office_id"])
        update_user(user, email=data.get("email"), name=data.get("name"),
                    roles=data.get("roles"), office_id=data.get("office_id", ...),
                    active=data.get("active"), acting_user=current_user)
        db.session.commit()
        return _dump(user)


def register_api(api) -> None:
    """Add these resources under /api/v1."""
    api.register_blueprint(blp, url_prefix="/api/v1")

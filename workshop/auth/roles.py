"""Roles and what each may do.

A permission is a name a view or API handler asks for; this table says which roles grant it.
Later stages add their own permissions with `grant`.
"""

ADMIN = "admin"
GENDER_UNIT = "gender_unit"
CONSULTANT = "consultant"
FOCAL_POINT = "focal_point"
PARTICIPANT = "participant"
VIEWER = "viewer"

ROLES = {
    ADMIN: "Administrator",
    GENDER_UNIT: "Gender Unit",
    CONSULTANT: "Consultant",
    FOCAL_POINT: "Office focal point",
    PARTICIPANT: "Office participant",
    VIEWER: "Viewer",
}
OFFICE_ROLES = frozenset({FOCAL_POINT, PARTICIPANT})

PERMISSIONS: dict[str, set[str]] = {
    "manage_users": {ADMIN},
    "manage_offices": {ADMIN},
    "manage_cycles": {ADMIN, GENDER_UNIT},
    "manage_reference_lists": {ADMIN},
    "manage_timeline": {ADMIN, GENDER_UNIT},
    "view_audit_trail": {ADMIN, GENDER_UNIT},
    "view_admin": {ADMIN, GENDER_UNIT},
}


def grant(permission: str, *roles: str) -> None:
    """Let `roles` hold `permission` (used by later stages for their own permissions)."""
    PERMISSIONS.setdefault(permission, set()).update(roles)


def roles_with(permission: str) -> set[str]:
    """The roles that hold `permission`."""
    return PERMISSIONS.get(permission, set())

"""The home page: what the signed-in person has to do next."""

from flask import Blueprint

bp = Blueprint("home", __name__, template_folder="templates")

from ..core.hooks import nav_item  # noqa: E402

nav_item("Home", "home.index", order=0)

from . import views  # noqa: E402,F401

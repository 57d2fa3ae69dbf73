"""API resources of the needs assessment."""

from ..core.api import api_blueprint

blp = api_blueprint("needs-assessment", __name__,
                    "Needs assessment: nominations, sessions, findings and the gap register.")


def register_api(api) -> None:
    """Add the needs-assessment resources to the API."""
    api.register_blueprint(blp, url_prefix="/api/v1/assessment")

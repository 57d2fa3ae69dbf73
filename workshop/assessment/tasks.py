"""Home-page tasks of the needs assessment."""

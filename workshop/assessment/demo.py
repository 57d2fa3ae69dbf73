"""Demo data of the needs assessment."""

"""The weekly report's charts (matplotlib) and pages (jinja2)."""

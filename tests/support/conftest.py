from tests.reports.conftest import released  # noqa: F401

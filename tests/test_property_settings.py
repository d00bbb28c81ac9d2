"""The property tests run without a wall-clock deadline per example."""

from hypothesis import settings


def test_property_tests_have_no_deadline() -> None:
    assert settings.default.deadline is None

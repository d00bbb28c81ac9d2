"""The property tests run without a wall-clock deadline per example, a share of their examples
locally and all of them in CI."""

import os
import re
from pathlib import Path

from hypothesis import settings

from tests.conftest import EXAMPLE_SHARE, ROOT, examples


def test_property_tests_have_no_deadline() -> None:
    assert settings.default.deadline is None


def test_the_share_of_examples_applies_to_every_property_test() -> None:
    assert examples(400) == round(400 * EXAMPLE_SHARE) and examples(1) >= 1
    assert settings.default.max_examples == examples(100)  # a test that names no count
    if "KIRINUKI_EXAMPLES" not in os.environ:
        assert EXAMPLE_SHARE == 0.25


def test_ci_runs_every_example() -> None:
    ci = Path(ROOT, ".ci", "run").read_text(encoding="utf-8")
    assert re.search(r"^export KIRINUKI_EXAMPLES=1$", ci, re.MULTILINE)
    assert ci.index("KIRINUKI_EXAMPLES=1") < ci.index("\nmake test ")


def test_long_files_run_first_then_files_by_test_count() -> None:
    from types import SimpleNamespace

    from tests.conftest import RUN_FIRST, by_file

    assert all((ROOT / name).is_file() for name in RUN_FIRST)  # the list names real files
    ids = ["tests/a.py::x", "tests/b.py::x", "tests/b.py::y", RUN_FIRST[1] + "::t",
           "tests/a.py::z", "tests/c.py::x", "tests/b.py::w", RUN_FIRST[0] + "::t"]
    got = [i.nodeid for i in by_file([SimpleNamespace(nodeid=n) for n in ids])]  # type: ignore[misc]
    assert got == [RUN_FIRST[0] + "::t", RUN_FIRST[1] + "::t", "tests/b.py::x", "tests/b.py::y",
                   "tests/b.py::w", "tests/a.py::x", "tests/a.py::z", "tests/c.py::x"]

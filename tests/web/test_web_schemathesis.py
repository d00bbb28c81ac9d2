"""Schemathesis against the JSON API's own OpenAPI document, in process (ASGI), with a valid
API token so that writes are exercised: whatever it generates (valid and invalid input), the
API never answers 5xx.

Slow (hundreds of generated requests per operation run): `make test PYTEST_MARK=` runs it.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import create_token
from kirinuki.web import create_app
from tests.web.conftest import article_fetcher

pytestmark = pytest.mark.slow
# More for a deeper hunt: KIRINUKI_SCHEMATHESIS_EXAMPLES=500 pytest -m slow tests/web
EXAMPLES = int(os.environ.get("KIRINUKI_SCHEMATHESIS_EXAMPLES", "60"))


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory, _template_journal: Path) -> Any:
    """The app over a copy of the demo journal (writes accumulate across examples)."""
    path = tmp_path_factory.mktemp("schemathesis") / "api.db"
    shutil.copyfile(_template_journal, path)
    with open_journal(str(path)) as j:
        token = create_token(j, "schemathesis").secret
    app = create_app(str(path), fetcher=article_fetcher)
    app.state.test_token = token
    return app


def _check(case: Any, headers: dict[str, str], seen: Counter[str]) -> None:
    response = case.call(headers=headers)
    seen[f"{case.method} {response.status_code // 100}xx"] += 1
    assert response.status_code < 500, (response.status_code, response.text[:300],
                                         case.as_curl_command(headers=headers))
    if response.status_code >= 400:  # errors are JSON in the documented shape
        assert "error" in response.json(), response.text[:300]


def test_api_never_answers_5xx(api_app: Any) -> None:
    """Every operation, with valid (positive) and invalid (negative) generated input."""
    # Imported here, not at collection: every test process collects this module, and most
    # runs leave the slow tests out.
    schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
    GenerationMode = schemathesis.GenerationMode  # noqa: N806
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api_app)
    headers = {"Authorization": f"Bearer {api_app.state.test_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures: list[str] = []
    seen: Counter[str] = Counter()
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=op.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                _check(case, headers, seen)

            try:
                run()
            except AssertionError as exc:  # keep going: report every operation that fails
                failures.append(f"{op.label} ({mode.value}): {exc}")
    assert failures == []
    print(sorted(seen.items()))
    # Writes were really exercised: the token let generated bodies through to the journal.
    assert seen["POST 2xx"] > 0 and seen["PUT 2xx"] + seen["PATCH 2xx"] + seen["DELETE 2xx"] > 0

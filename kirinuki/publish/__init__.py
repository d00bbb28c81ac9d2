"""The static site publisher: phase 1 builds the site context from the journal
(`site.py`, `plan.py`), phase 2 renders and writes (`pages.py`, `feeds.py`, `searchindex.py`,
`writer.py`); `build.publish` runs both; `quick.nothing_to_do` answers a publish with nothing
to do without importing them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kirinuki.publish.build import publish
    from kirinuki.publish.quick import PublishReport

__all__ = ["PublishReport", "publish"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `publish.quick` must not pull in the renderer and the analysis.
    if name == "publish":
        from kirinuki.publish.build import publish

        return publish
    if name == "PublishReport":
        from kirinuki.publish.quick import PublishReport

        return PublishReport
    raise AttributeError(name)

"""The static site publisher: phase 1 builds the site context from the journal
(`site.py`, `plan.py`), phase 2 renders and writes (`pages.py`, `feeds.py`, `searchindex.py`,
`writer.py`); `build.publish` runs both."""

from kirinuki.publish.build import PublishReport, publish

__all__ = ["PublishReport", "publish"]

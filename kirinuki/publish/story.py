"""A tag's story as template views: the figures that changed, as a table and as small inline
SVG line charts drawn here (no script), and the speakers quoted under the tag with counts.

Only what `journal.story` read from stored analysis results the owner did not hide reaches
this module; the templates escape every string (the chart's geometry is numbers only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kirinuki.journal.story import Series, TagStory
from kirinuki.publish.templating import View

MAX_SERIES = 8  # series a story shows (those with the most points, then the newest)
WIDTH, HEIGHT = 320, 120  # the chart's coordinate box (it scales with the page)
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 22, 26  # room for value labels above and dates below


def _chart(series: Series, when: list[float]) -> View | None:
    """The chart's points in the coordinate box, or None when a value has no number."""
    values = [p.value for p in series.points]
    if any(v is None for v in values):
        return None
    vs = [float(v) for v in values if v is not None]
    lo, hi = min(vs), max(vs)
    t0, t1 = when[0], when[-1]
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = []
    for k, (v, t) in enumerate(zip(vs, when, strict=True)):
        # By time when the dates differ; evenly otherwise.
        fx = (t - t0) / (t1 - t0) if t1 > t0 else k / max(1, len(vs) - 1)
        fy = (v - lo) / (hi - lo) if hi > lo else 0.5
        points.append((round(LEFT + fx * span_x, 1), round(TOP + (1 - fy) * span_y, 1)))
    return View(width=WIDTH, height=HEIGHT, line=" ".join(f"{x},{y}" for x, y in points),
                points=points, base=HEIGHT - BOTTOM)


def story_view(story: TagStory, entry_link: Callable[[int], dict[str, Any] | None],
               when: Callable[[int], float], prefix: str) -> View | None:
    """The story's view, or None when there is nothing to show; `entry_link(entry id)` gives
    the published entry's url and day label (None: not published), `when` its time stamp,
    `prefix` makes the chart's element ids unique in the page."""
    shown = []
    ranked = sorted(story.series, key=lambda s: (-len(s.points), -when(s.points[-1].entry_id)))
    for n, s in enumerate(ranked[:MAX_SERIES]):
        links = [entry_link(p.entry_id) for p in s.points]
        if any(link is None for link in links):
            continue
        points = [View(surface=p.surface, url=link["url"], day=link["day"])
                  for p, link in zip(s.points, links, strict=True) if link is not None]
        chart = _chart(s, [when(p.entry_id) for p in s.points])
        text = "、".join(f"{p['day']} {p['surface']}" for p in points)
        if chart is not None:
            # The first and last values are written on the chart; every one is in the table.
            (x0, y0), (x1, y1) = chart["points"][0], chart["points"][-1]
            chart.update(id=f"{prefix}-{n}", title=f"{s.label}の推移", desc=text,
                         first=(x0, y0 - 6, points[0]["surface"], points[0]["day"]),
                         last=(x1, y1 - 6, points[-1]["surface"], points[-1]["day"]))
        shown.append(View(label=s.label, points=points, chart=chart))
    speakers = [View(name=sp.name, count=sp.count) for sp in story.speakers]
    if not shown and not speakers:
        return None
    return View(series=shown, speakers=speakers)

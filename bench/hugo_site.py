"""The publish benchmark's corpus as a Hugo site, with one of two themes.

- `minimal` (the baseline of the earlier sessions, kept so their figures stay comparable): entry
  pages with a title, a date, the clips and tags; tag pages and a paginated index with
  `.Summary`; Hugo's default RSS.
- `parity`: the pages kirinuki writes, with the same content, the way a Hugo user would build
  them (docs/publish.md, "Session 17"): entry pages with the description, OGP and Twitter meta,
  the plain-text version (an output format), share links, the sidebar frame, related earlier
  entries (Hugo's `related` by tags and date, `includeNewer = false`) and the previous and next
  entries with their titles; tag pages showing the clips of each entry's groups that carry the
  tag, 20 to a page, with an Atom and an RSS feed each; day, month and year archives
  (taxonomies from the front matter) and the archive and tag indexes; the home page, its Atom
  and RSS feeds; the sidebar page; a search chunk per month (an output format of the month
  pages); the search, about and 404 pages; robots.txt and a sitemap. What Hugo cannot make from
  the entries' text is left out: the tag stories (the analysis's figures and speakers), the
  version notes and the feed of updated entries, the reasons given for related entries beyond
  the shared tags, the search folding table and the per-month sitemaps (Hugo writes one).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kirinuki.text.cliptext import parse

THEMES = ("minimal", "parity")
BENCH = Path(__file__).resolve().parent
KIRINUKI_STATIC = BENCH.parent / "kirinuki/publish/static"
PARITY = BENCH / "hugo_themes/parity"  # its config, content pages and layouts
HEADING_TAGS = 3  # kirinuki.publish.views: an untitled entry is headed by its first tags


def hugo_site(folder: Path, corpus: Path, theme: str = "minimal") -> Path:
    """The corpus as a Hugo site with `theme` (made once, reused)."""
    site = folder / (f"hugo-{corpus.name}" if theme == "minimal" else f"hugo-{theme}-{corpus.name}")
    if (site / "content").exists():
        return site
    if theme == "minimal":
        (site / "content/entry").mkdir(parents=True)
        for rel, text in MINIMAL.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.lstrip("\n"), encoding="utf-8")
    else:
        shutil.copytree(PARITY, site)
        shutil.copytree(KIRINUKI_STATIC, site / "static/static")
    for path in sorted(corpus.glob("*.txt")):
        write_hugo_entry(site, path.name, path.read_text(encoding="utf-8"), theme)
    return site


def write_hugo_entry(site: Path, name: str, text: str, theme: str = "minimal") -> None:
    """One entry as a content file: with `minimal`, Markdown with the clips as block quotes and
    the tags in the front matter; with `parity`, all of it in (JSON) front matter."""
    entry = parse(text)
    stem = name[:-4]
    date = f"{stem[:10]}T{stem[11:13]}:{stem[13:15]}:{stem[15:17]}+09:00"
    url = f"/entry/{stem[:4]}/{stem[5:7]}/{stem[8:10]}/{stem[11:17]}/"
    tags = list(dict.fromkeys(t.name for t in entry.tags))
    path = site / "content/entry" / f"{stem}.md"
    if theme == "minimal":
        quoted = ", ".join(f'"{t}"' for t in tags)
        body = "\n\n".join("> " + c.text for c in entry.clips)
        path.write_text(f'---\ntitle: "{stem}"\ndate: {date}\ntags: [{quoted}]\nurl: {url}\n---\n'
                        f"{body}\n", encoding="utf-8")
        return
    groups = [{"tags": list(dict.fromkeys(t.name for line in g.tag_lines for t in line.tags)),
               "clips": [c.text for c in g.items if hasattr(c, "citation")]}
              for g in entry.groups]
    title = "・".join(tags[:HEADING_TAGS]) + ("ほか" if len(tags) > HEADING_TAGS else "")
    meta = {"title": title or f"{stem[:10]} {stem[11:13]}:{stem[13:15]}", "date": date,
            "url": url, "tags": tags, "days": [stem[:10]], "months": [stem[:7]],
            "years": [stem[:4]], "hosts": [h.url for h in entry.header],
            "footer": entry.footer.text if entry.footer else "", "groups": groups,
            "clips": len(entry.clips)}
    path.write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")


MINIMAL = {
    "config.toml": """
baseURL = "https://bench.kirinuki.example/"
languageCode = "ja"
title = "bench"
paginate = 20
[taxonomies]
tag = "tags"
""",
    "layouts/_default/baseof.html": """
<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><header><a href="/">bench</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "layouts/_default/single.html": """
{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date }}</time>{{ .Content }}<p>{{ range .Params.tags }}<a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">#{{ . }}</a> {{ end }}</p></article>{{ end }}
""",
    "layouts/_default/list.html": """
{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "layouts/index.html": """
{{ define "main" }}{{ $p := .Paginate .Site.RegularPages }}{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}
""",
}

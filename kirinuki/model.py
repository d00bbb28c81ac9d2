"""The vocabulary of kirinuki as plain data (docs/architecture.md, "Vocabulary").

These dataclasses carry no behaviour beyond small derived views; the store persists them, the
text layer parses and renders them, adapters display them. Layout fields (`blank_after`, `after`,
`written`, `bom`, `newline`, `lead_blank`, `lead`) exist so that the clip text of an entry
renders back byte for byte.

`after` (on every line element) is the exact text between the element's line and the next one
— its line end and the blank lines after it, whitespace and line ends as written — kept only when
it is not the canonical `newline * (blank_after + 1)` (`newline * blank_after` for the last
element); empty means canonical. `text.cliptext` reads and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kirinuki.config import DEFAULT_TIMEZONE


class Status(StrEnum):
    """Whether an entry is visible on the published journal."""

    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass
class Settings:
    """Journal settings: the first host is canonical."""

    title: str = "kirinuki"
    hosts: list[str] = field(default_factory=list)
    header_links: list[str] = field(default_factory=list)
    footer: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    fetch_allow_private: bool = False
    # Which raw copies of fetched pages are kept per article: "all", "first-last" or "none".
    raw_copies: str = "all"
    version_notes: bool = True  # entry pages say which clips update an earlier version

    @property
    def canonical_host(self) -> str | None:
        """The first host, used for canonical links and feed ids."""
        return self.hosts[0] if self.hosts else None


@dataclass(frozen=True)
class Source:
    """A publisher, known by its site (host name)."""

    site: str
    name: str | None = None
    id: int | None = None


@dataclass
class ArticleVersion:
    """One fetch of an article whose text differed from the previous one."""

    content_hash: str
    fetched_at: datetime
    paragraphs: list[str]
    title: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    id: int | None = None
    article_id: int | None = None
    # A canonical URL on another site the page claimed when fetched (not trusted, kept to see).
    canonical_claim: str | None = None


@dataclass
class RawCopy:
    """The response a version was read from: status line, headers and body as received.

    `body` is None once a cap dropped it (`dropped` says when); the headers stay. The body is
    the one the page's text was read from, with any Content-Encoding already undone.
    """

    url: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    body: bytes | None
    body_size: int
    dropped: datetime | None = None


@dataclass
class Article:
    """A web page known by its canonical URL, with its versions oldest first."""

    url: str
    source: Source | None = None
    title: str | None = None
    versions: list[ArticleVersion] = field(default_factory=list)
    id: int | None = None


@dataclass(frozen=True)
class Selector:
    """A W3C-style text-quote selector locating a clip in its article version."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass
class Citation:
    """What is known of where a clip came from, for display."""

    url: str
    site: str | None = None
    publisher: str | None = None
    title: str | None = None
    published: datetime | None = None


@dataclass
class Clip:
    """One verbatim passage (one line of clip text)."""

    text: str
    blank_after: int = 0
    article_version_id: int | None = None
    selector: Selector | None = None
    citation: Citation | None = None
    id: int | None = None
    after: str = ""


@dataclass
class RelatedLink:
    """A line linking to an earlier entry of the journal, with an optional (quote)."""

    url: str
    quote: str = ""
    blank_after: int = 0
    target_entry_id: int | None = None
    id: int | None = None
    after: str = ""


Item = Clip | RelatedLink


@dataclass(frozen=True)
class TagRef:
    """A hashtag as written in a tag line: display name and optional parenthesised summary."""

    name: str
    summary: str = ""


@dataclass
class TagLine:
    """One hashtag line; several in a row close one group. `written` is the line as written
    when it differs from the canonical `#a#b` form (`＃a　＃b `), else empty."""

    tags: list[TagRef]
    blank_after: int = 0
    written: str = ""
    after: str = ""


@dataclass
class Group:
    """An ordered run of clips (and related links) closed by hashtag lines."""

    items: list[Item] = field(default_factory=list)
    tag_lines: list[TagLine] = field(default_factory=list)
    id: int | None = None

    @property
    def clips(self) -> list[Clip]:
        """The clips of the group, in order."""
        return [it for it in self.items if isinstance(it, Clip)]

    @property
    def tags(self) -> list[TagRef]:
        """All tags of the group's tag lines, in order."""
        return [t for line in self.tag_lines for t in line.tags]


@dataclass
class HeaderLink:
    """A bare URL of one of the journal's hosts at the top of an entry."""

    url: str
    blank_after: int = 0
    after: str = ""


@dataclass
class Footer:
    """The last line of an entry: a bare host of the journal."""

    text: str
    blank_after: int = 0
    after: str = ""


@dataclass
class Layout:
    """What makes the clip text render back byte for byte: a BOM, the line end used where a
    line does not say otherwise (the most frequent one), the blank lines before the first
    element and, when they are not `newline * lead_blank`, those lines exactly (`lead`)."""

    bom: bool = False
    newline: str = "\n"
    lead_blank: int = 0
    lead: str = ""


@dataclass
class Origin:
    """What an entry was imported with, kept so it exports back as it came (docs/hatena.md).

    `raw` is the entry's text exactly as read (Hatena MT: every line from the end of the
    previous entry through its `--------`); `body_html` the original body when it was not
    clipping-shaped (then the clips are its text, for search); `imported` the entry's fields at
    import (title, permalink, status, published, categories, content fingerprint), which tell
    what an edit changed since."""

    format: str
    raw: str
    body_html: str | None = None
    imported: dict[str, object] = field(default_factory=dict)


@dataclass
class Entry:
    """A dated post: header, ordered groups, footer.

    `categories` are the entry's Hatena categories exactly as written, apart from its content
    (None: the distinct tags of its tag lines); `origin` what it was imported with; `revision`
    the number of its stored writes (0: not stored yet), `author` the account that wrote it last."""

    groups: list[Group] = field(default_factory=list)
    header: list[HeaderLink] = field(default_factory=list)
    footer: Footer | None = None
    layout: Layout = field(default_factory=Layout)
    title: str | None = None
    published: datetime | None = None
    status: Status = Status.DRAFT
    permalink: str | None = None
    key: str | None = None
    id: int | None = None
    updated: datetime | None = None
    categories: list[str] | None = None
    origin: Origin | None = None
    revision: int = 0
    author: str | None = None

    @property
    def clips(self) -> list[Clip]:
        """Every clip of the entry, in order."""
        return [c for g in self.groups for c in g.clips]

    @property
    def related_links(self) -> list[RelatedLink]:
        """Every related-link line of the entry, in order."""
        return [it for g in self.groups for it in g.items if isinstance(it, RelatedLink)]

    @property
    def tags(self) -> list[TagRef]:
        """Every tag of the entry, in order, repeats included."""
        return [t for g in self.groups for t in g.tags]


@dataclass(frozen=True)
class TagCount:
    """A tag with how many groups and entries carry it."""

    key: str
    display: str
    groups: int
    entries: int


@dataclass(frozen=True)
class EntrySummary:
    """A row of an entry listing."""

    id: int
    permalink: str | None
    published: datetime | None
    status: Status
    title: str | None
    clips: int
    tags: list[str]
    first_clip: str


@dataclass(frozen=True)
class Stats:
    """Counts of a journal."""

    entries: int
    published: int
    drafts: int
    groups: int
    clips: int
    tags: int
    articles: int
    versions: int
    first: datetime | None
    last: datetime | None

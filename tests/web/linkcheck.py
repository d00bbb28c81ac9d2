"""What a browser would act on in a page: links to a scheme other than http(s), event handler
attributes, scripts other than the site's own. Written apart from `kirinuki.text.links` (it
follows the WHATWG URL reading of an attribute), so that a fault there is seen here."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

# Attributes a browser reads as a URL it may load or navigate to.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "cite", "poster", "background",
                            "data", "codebase", "longdesc", "usemap", "ping", "manifest",
                            "srcset", "xlink:href", "{http://www.w3.org/1999/xlink}href"})
ACTIVE_TAGS = frozenset({"iframe", "frame", "object", "embed", "applet", "base", "svg", "math"})
OWN_SCRIPTS = ("/static/", "/_web/")
OWN_FRAMES = ("/nav/",)  # the sidebar frame of the static site
CHART_TAGS = frozenset({"title", "desc", "line", "polyline", "circle", "text"})
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def browser_scheme(value: str) -> str | None:
    """The scheme a browser reads in an attribute value (None for a relative reference)."""
    v = re.sub(r"[\t\n\r]", "", value.strip(_C0_AND_SPACE))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", v)
    return m.group(1).lower() if m else None


def unsafe_url(value: str) -> bool:
    """True when following `value` leaves http(s) or goes to another host unseen (`//host`)."""
    scheme = browser_scheme(value)
    if scheme is not None:
        return scheme not in ("http", "https")
    v = re.sub(r"[\t\n\r]", "", value.strip(_C0_AND_SPACE)).replace("\\", "/")
    return v.startswith("//")


def unsafe_elements(root: etree._Element) -> list[str]:
    """Every element or attribute of `root` (an lxml tree) a hostile value could have made."""
    found: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        own_frame = tag == "iframe" and el.get("src") in OWN_FRAMES
        target_only = tag == "base" and list(el.attrib) == ["target"]  # no href: nothing loads
        # A tag story's chart: drawn by the site (shapes and text only, checked below).
        parent = el.getparent()
        own_chart = tag == "svg" and parent is not None and parent.get("class") == "story-chart" \
            and all(isinstance(c.tag, str) and c.tag.lower() in CHART_TAGS for c in el.iter()
                    if c is not el)
        if tag in ACTIVE_TAGS and not (own_frame or target_only or own_chart):
            found.append(f"<{tag}>")
        if tag == "script" and not (el.get("src") or "").startswith(OWN_SCRIPTS):
            found.append("inline or foreign <script>")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta refresh>")
        for name, value in el.attrib.items():
            low = str(name).lower()
            if low.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif low in URL_ATTRIBUTES and unsafe_url(value):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def unsafe_html(text: str) -> list[str]:
    """`unsafe_elements` of an HTML page or fragment."""
    if not text.strip():
        return []
    return unsafe_elements(lxml_html.fromstring(text))


def unsafe_xml(data: bytes) -> list[str]:
    """`unsafe_elements` of an XML document (a feed, a sitemap, an AtomPub answer), and of the
    HTML it carries as text (`<content type="html">`, `hatena:formatted-content`)."""
    root = etree.fromstring(data)
    found = unsafe_elements(root)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.endswith("}loc") and el.text and unsafe_url(el.text):
            found.append(f"<loc>{el.text}</loc>")
        if el.tag.endswith(("}content", "}formatted-content")) and (
                el.get("type") in ("html", "text/html")) and el.text:
            found += unsafe_html(el.text)
    return found

"""Text for XML documents: the characters XML 1.0 cannot hold, replaced on the way out.

A journal keeps whatever text an import brought (a clip may hold U+0001 or U+FFFF), but one
such character makes a whole Atom feed or AtomPub response unreadable (XML::Atom dies,
feedparser flags it). Every XML writer passes its document through `xml_text`; the stored
text is never changed.
"""

from __future__ import annotations

from kirinuki.text.lazyre import lazy_re

# XML 1.0 `Char`: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF. Everything
# else a Python str can hold: the other C0 controls, U+FFFE, U+FFFF and lone surrogates.
_NOT_XML = lazy_re("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xml_text(text: str) -> str:
    """`text` (a whole document or one value) with every character XML 1.0 forbids replaced
    by U+FFFD, so a reader sees that something was there."""
    return _NOT_XML.sub(REPLACEMENT, text)

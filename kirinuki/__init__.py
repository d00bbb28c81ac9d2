"""kirinuki: a news-clipping journal (capture, clip, tag, analyse, search, publish)."""

__version__ = "0.1.0"

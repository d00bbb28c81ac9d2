"""The one permalink rule (`text.permalinks`) and the one date rule (`text.dates`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kirinuki.errors import InputError
from kirinuki.publish import urls
from kirinuki.text.dates import check_date, date_problem, in_zone, usable_date
from kirinuki.text.permalinks import (
    MAX_BYTES,
    MAX_SEGMENT_BYTES,
    check_permalink,
    is_permalink,
    permalink_of_path,
    permalink_problem,
    safe_permalink,
    with_suffix,
)

GOOD = ["/entry/2024/01/08/120000", "/entry/2024/01/08/120000-2", "/entry/ceasefire",
        "/entry/20170101/1483228800", "/entry/ウクライナ情勢/2024", "/entry/a.b/c_d-e~f",
        "/entry/" + "x" * MAX_SEGMENT_BYTES, "/entry/" + "あ" * (MAX_SEGMENT_BYTES // 3)]
BAD = {
    "a\\..\\..\\b": "must start with /entry/",
    "/entry/a\\..\\..\\b": "the character '\\'",
    "/entry/../../etc/passwd": "starts with a dot",
    "/entry/./x": "starts with a dot",
    "/entry/.htaccess": "starts with a dot",
    "/entry//x": "empty segment",
    "/entry/x/": "empty segment",
    "/entry/": "empty segment",
    "/entry": "must start with /entry/",
    "/archive/2024": "must start with /entry/",
    "/static/site.css": "must start with /entry/",
    "/entry/x/index.html": "name of a file the site writes",
    "/entry/x/ENTRY.TXT": "name of a file the site writes",
    "/entry/feed.xml": "name of a file the site writes",
    "/entry/" + "x" * (MAX_SEGMENT_BYTES + 1): f"longer than {MAX_SEGMENT_BYTES} bytes",
    "/entry/" + "あ" * 81: f"longer than {MAX_SEGMENT_BYTES} bytes",  # 243 bytes
    "/entry/" + "/".join(["x" * 200] * 6): "longer than 1,024 bytes",
    "/entry/a%2F..%2Fb": "'%'",
    "/entry/a?b": "'?'",
    "/entry/a#b": "'#'",
    "/entry/a b": "U+0020",
    "/entry/a\u3000b": "U+3000",
    "/entry/a\x00b": "U+0000",
    "/entry/a\x1bb": "U+001B",
    "/entry/a\nb": "U+000A",
    "/entry/a\u202eb": "U+202E",  # right-to-left override
    "/entry/a\u200bb": "U+200B",
    "/entry/a:b": "':'",
}


@pytest.mark.parametrize("link", GOOD)
def test_good_permalinks_pass(link: str) -> None:
    assert check_permalink(link) == link and permalink_problem(link) is None


@pytest.mark.parametrize(("link", "why"), BAD.items())
def test_bad_permalinks_are_refused_saying_why(link: str, why: str) -> None:
    with pytest.raises(InputError, match="cannot be used") as exc:
        check_permalink(link)
    assert why in str(exc.value)


def test_custom_urls_become_permalinks() -> None:
    assert permalink_of_path("2024/ceasefire") == "/entry/2024/ceasefire"
    assert permalink_of_path(" /entry/2024/ceasefire/ ") == "/entry/2024/ceasefire"


def test_imports_rename_and_say_why() -> None:
    date = "/entry/2024/01/08/120000"
    assert safe_permalink("/entry/2024/x", date) == ("/entry/2024/x", None)
    # Percent-encoded: the same address decoded, which is not a renaming.
    assert safe_permalink("/entry/%E5%81%9C%E6%88%A6", date) == ("/entry/停戦", None)
    link, why = safe_permalink("/entry/../../etc", date)
    assert (link, why) == ("/entry/etc", "the segment '..' starts with a dot")
    assert safe_permalink("a\\..\\..\\b", date)[0] == "/entry/a-..-..-b"
    assert safe_permalink("/entry/x/index.html", date)[0] == "/entry/x/index-html"
    assert safe_permalink("/entry/..", date) == (date, "the segment '..' starts with a dot")
    assert safe_permalink("/entry/%", None)[0] is None
    long = safe_permalink("/entry/" + "x" * 300, date)[0]
    assert long is not None and long == "/entry/" + "x" * MAX_SEGMENT_BYTES


def test_suffixes_keep_the_limits() -> None:
    assert with_suffix("/entry/a", "-2") == "/entry/a-2"
    longest = "/entry/" + "あ" * 80  # 240 bytes
    out = with_suffix(longest, "-12")
    assert is_permalink(out) and out.endswith("あ-12")


def _under(folder: str, relative: str) -> bool:
    full = os.path.normpath(os.path.join(folder, relative))
    return full.startswith(folder + "/")


_TRICKY = st.sampled_from(["", ".", "..", "...", ".x", "\\", "/", "%2e%2e", "%", "index.html",
                           "entry.txt", "\x00", " ", "\u3000", "x" * 250, "あ" * 90, "a", "日本"])
_SEGMENTS = st.lists(st.one_of(_TRICKY, st.text(min_size=1, max_size=12)), min_size=0,
                     max_size=8)


@given(st.one_of(st.text(max_size=60), _SEGMENTS.map(lambda s: "/entry/" + "/".join(s)),
                 _SEGMENTS.map("/".join)))
@example("/entry/a\\..\\..\\b")
@example("/entry/../../../etc/passwd")
def test_a_permalink_either_fails_or_publishes_inside_the_site(link: str) -> None:
    """Anything: refused by the rule, or its page and text file land inside the output folder
    with names a file system takes (255 bytes each)."""
    if not is_permalink(link):
        with pytest.raises(InputError):
            check_permalink(link)
        return
    folder = "/srv/site"
    for f in (urls.entry_file(link), urls.file_of(urls.entry_text_url(link))):
        assert _under(folder, f)
        assert ".." not in PurePosixPath(f).parts
        assert all(len(part.encode()) <= 255 for part in PurePosixPath(f).parts)
        assert len(f.encode()) <= MAX_BYTES + len("/entry.txt")
    # The web app finds it by the address published: the address decodes to the permalink.
    assert urls.file_of(urls.entry_url(link)) == urls.entry_file(link)


@given(st.one_of(st.text(max_size=40), _SEGMENTS.map(lambda s: "/entry/" + "/".join(s))))
def test_an_import_always_ends_with_a_usable_permalink(link: str) -> None:
    fallback = "/entry/2024/01/08/120000"
    out, why = safe_permalink(link, fallback)
    assert out is not None and is_permalink(out)
    if is_permalink(link):
        assert (out, why) == (link, None)
    elif why is None:  # only a percent-encoded address is taken decoded without a word
        assert "%" in link and out != link
    else:
        assert why == permalink_problem(link)


def test_the_date_rule() -> None:
    assert check_date(datetime(2024, 1, 8, tzinfo=UTC)).year == 2024
    for year in (1, 999, 9001, 9999):
        when = datetime(year, 6, 1, tzinfo=UTC)
        assert date_problem(when) is not None
        with pytest.raises(InputError, match=f"the year {year} is outside 1000-9000"):
            check_date(when, "the date")
    assert usable_date("2024-01-08T12:00:00+09:00") and usable_date("1000-01-01")
    assert not usable_date("9999-12-31T23:59:59+00:00")
    assert not usable_date("0001-01-01T00:00:00+00:00") and not usable_date("x")
    assert not usable_date("1a00-01-01")


def test_moving_a_date_near_the_end_of_time_does_not_overflow() -> None:
    late = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(OverflowError):
        late.astimezone(ZoneInfo("Asia/Tokyo"))
    assert in_zone(late, ZoneInfo("Asia/Tokyo")) is late
    early = datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=9)))
    assert in_zone(early, UTC) is early
    assert in_zone(datetime(2024, 1, 1, tzinfo=UTC), ZoneInfo("Asia/Tokyo")).hour == 9


def test_messages_show_the_permalink_as_written() -> None:
    with pytest.raises(InputError) as exc:
        check_permalink("/entry/a\\b\x1b")
    assert str(exc.value) == ("permalink '/entry/a\\b\\u001b' cannot be used: it contains the "
                              "character '\\'")

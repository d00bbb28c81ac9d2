"""Patterns compiled on first use: the same results as `re.compile`, compiled once, and every
module-level pattern of the package valid."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import kirinuki
from kirinuki.text.lazyre import LazyPattern, lazy_re


def test_not_compiled_until_used(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        calls.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    pat = lazy_re(r"([0-9]+)日")
    later = lazy_re(pat.pattern + "間")  # built from another's source: still not compiled
    assert calls == []
    assert later.pattern == r"([0-9]+)日間"
    for _ in range(3):
        assert pat.search("3日と4日") is not None
        assert pat.findall("3日と4日") == ["3", "4"]
        assert pat.groups == 1
    assert calls == [r"([0-9]+)日"]
    # Used since through the compiled pattern's own methods (no call in between: hot loops).
    assert all(isinstance(getattr(pat, name).__self__, re.Pattern)
               for name in ("search", "match", "findall", "sub", "split"))


@pytest.mark.parametrize("flags", [0, re.IGNORECASE | re.MULTILINE])
def test_same_as_compiled(flags: int) -> None:
    source = r"(?P<word>[a-z]+)(\d)?"
    text = "ab1 CD2\nef"
    real, lazy = re.compile(source, flags), lazy_re(source, flags)
    for _ in range(2):  # before and after the methods are bound on the instance
        assert lazy.search(text, 1).span() == real.search(text, 1).span()  # type: ignore[union-attr]
        assert lazy.match(text) is not None and real.match(text) is not None
        assert bool(lazy.fullmatch("ab")) == bool(real.fullmatch("ab"))
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
        assert lazy.findall(text) == real.findall(text)
        assert lazy.sub(lambda m: m.group("word").upper(), text, count=1) == \
            real.sub(lambda m: m.group("word").upper(), text, count=1)
        assert lazy.subn("-", text) == real.subn("-", text)
        assert lazy.split(text, maxsplit=1) == real.split(text, maxsplit=1)
        assert (lazy.flags, lazy.groups, lazy.groupindex) == (real.flags, real.groups,
                                                              real.groupindex)


def test_invalid_pattern_fails_when_used() -> None:
    pat = lazy_re("(unclosed")
    with pytest.raises(re.error):
        pat.search("x")


def test_every_module_pattern_compiles() -> None:
    """A typo in a module's pattern would otherwise show only where the pattern is used."""
    found = 0
    for info in pkgutil.walk_packages(kirinuki.__path__, "kirinuki."):
        if info.name.endswith("__main__"):
            continue  # it runs the command line
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, LazyPattern):
                value.compiled()
                found += 1
    assert found > 100

"""はてな記法 and Markdown sources into clip groups (issue 8, step 3)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kirinuki.model import Citation
from kirinuki.text.cliptext import render
from kirinuki.text.hatena_html import lines_to_entry
from kirinuki.text.hatena_syntax import MARKDOWN, entry_markdown, syntax_to_entry
from tests.conftest import examples

HATENA_SOURCE = """\
*港湾ストの影響

>https://news.example.jp/articles/port-strike:title=港湾スト 貨物船23隻が沖待ち>
北ヴァレンツ港の港湾労働者はストライキに入りました。
沖合では貨物船23隻が入港を待っています。
<<

>>
政府は「早期の解決を望む」としています。
<<

- 物流各社は代替港の確保を急いでいます
詳しくは[https://wire.example.com/port:title=続報]と[https://wire.example.com/old:title]を参照。

>|python|
print("コードは そのまま")
||<
====
#物流#港湾スト
"""


def test_hatena_notation_quotes_become_clips_with_their_source() -> None:
    e = syntax_to_entry(HATENA_SOURCE, "text/x-hatena-syntax")
    texts = [c.text for c in e.clips]
    assert texts[0] == "港湾ストの影響"  # the heading marker is dropped, the text kept
    first, second, third = e.clips[1:4]
    assert first.citation == Citation(url="https://news.example.jp/articles/port-strike",
                                      title="港湾スト 貨物船23隻が沖待ち")
    assert second.citation == first.citation and second.text.startswith("沖合では")
    assert third.citation is None and third.text.startswith("政府は")
    assert "- 物流各社は代替港の確保を急いでいます" in texts
    assert ("詳しくは続報 (https://wire.example.com/port)と"
            "https://wire.example.com/oldを参照。") in texts
    assert 'print("コードは そのまま")' in texts
    assert [t.name for t in e.tags] == ["物流", "港湾スト"]


MARKDOWN_SOURCE = """\
## 円相場

> 円相場は1ドル＝134円台まで値下がりしました。
>
> 市場関係者は「当面は神経質な展開が続く」とみています。
>
> — [円 134円台に](https://markets.example.org/fx/0405)

> 出典のない引用です。

財務相は[記者会見](https://gov.example.go.jp/press/0405)で「注視する」と述べました。

![グラフ](https://cdn.example.com/fx.png)

#為替
"""


def test_markdown_quotes_links_and_images() -> None:
    e = syntax_to_entry(MARKDOWN_SOURCE, MARKDOWN)
    texts = [c.text for c in e.clips]
    assert texts[0] == "円相場"
    src = Citation(url="https://markets.example.org/fx/0405", title="円 134円台に")
    assert [c.citation for c in e.clips[1:3]] == [src, src]
    assert e.clips[3].text == "出典のない引用です。" and e.clips[3].citation is None
    assert "財務相は記者会見 (https://gov.example.go.jp/press/0405)で「注視する」と述べました。" in texts
    assert "https://cdn.example.com/fx.png" in texts
    assert [t.name for t in e.tags] == ["為替"]


def test_markdown_rendering_reads_back_the_same_entry() -> None:
    e = syntax_to_entry(MARKDOWN_SOURCE, MARKDOWN)
    md = entry_markdown(e)
    assert "> — [円 134円台に](https://markets.example.org/fx/0405)" in md
    again = syntax_to_entry(md, MARKDOWN)
    assert render(again) == render(e)
    assert [c.citation for c in again.clips] == [c.citation for c in e.clips]


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.tuples(_TEXT, st.booleans()), min_size=1, max_size=6))
@example(items=[("~~~", False)])  # a tilde fence swallowed the clip
def test_any_entry_survives_markdown(items: list[tuple[str, bool]]) -> None:
    src = Citation(url="https://news.example.jp/a/1", title="見出し")
    entry = lines_to_entry([(t, src if quoted else None) for t, quoted in items])
    again = syntax_to_entry(entry_markdown(entry), MARKDOWN)
    assert render(again) == render(entry)
    assert [c.citation for c in again.clips] == [c.citation for c in entry.clips]

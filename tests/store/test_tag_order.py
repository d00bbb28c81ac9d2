"""An entry's tags in the order its groups and tag lines give them, on both backends (the site
context's order: an entry page's title and tags)."""

from __future__ import annotations

from kirinuki.journal import Journal, init_journal
from kirinuki.journal.editing import add_group
from kirinuki.model import Clip, Group, TagLine, TagRef
from kirinuki.store.sqlite import published


def test_tag_uses_come_in_each_entry_s_order(any_journal_path: str) -> None:
    j: Journal
    with init_journal(any_journal_path, "順序帳", ["kirinuki.test"]) as j:
        add_group(j, None, Group([Clip(text="一つ目の段落。")],
                                 [TagLine([TagRef("米国"), TagRef("Energy")])]))
        add_group(j, "1", Group([Clip(text="二つ目の段落。")], [TagLine([TagRef("反ロシア")])]))
        if j.store.dialect == "postgresql":
            # The rows stored in another order than the entry's (as rewrites leave them), and
            # joined by hashing: the server's order is then not the entry's.
            j.store.conn.execute("UPDATE group_tags SET pos = pos WHERE pos = 0")
            j.store.conn.raw.execute("SET enable_nestloop = off")
            j.store.conn.raw.execute("SET enable_mergejoin = off")
        names = dict((i, d) for i, _, d in published.tag_rows(j.store))
        assert [names[t] for _, t in published.tag_use_rows(j.store)] == \
            ["米国", "Energy", "反ロシア"]

"""Follow-ups: a report that names an earlier report's event by a clause (`…で旅客機が滑走路を
はみ出した事故で、`, `…に流れ着いた軽石について、`) and tells its counts again, which is that
event's report updated (`duplicates` reads it). Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kirinuki.analysis.sentences import days, swapped
from kirinuki.text.lazyre import lazy_re

if TYPE_CHECKING:
    from kirinuki.analysis.duplicates import Prepared
    from kirinuki.analysis.sentences import Sentence

# An event named by what happened, then what the sentence says of it: `…で起きた雪崩で、`,
# `…が消息を絶った事故で、`, `…に流れ着いた軽石について`.
# (Also `…に吹いた竜巻とみられる突風で被害を受けた…`: an event said as it was suspected to be.)
_NAMED_EVENT = lazy_re(r"(?:^|[、。])([^、。]{6,60}?(?:た|だ))((?:[\u4e00-\u9fff\u30a1-\u30faー]{1,6}"
                       r"(?:とみられる|と見られる))?[\u4e00-\u9fff\u30a1-\u30faー]{1,6})"
                       r"(?:で、|で(?=被害|けが|死亡|亡くな|行方|避難|停電|断水|欠航|影響)|について|をめぐ|を受け)")
# Nouns that name any event: the earlier report need not use them (`…はみ出しました` / `…事故で`).
_ANY_EVENT = frozenset(("事故", "事件", "問題", "トラブル", "災害", "事態", "出来事"))
_CONTENT_BIGRAM = lazy_re(r"(?=([\u4e00-\u9fff\u30a1-\u30faー]{2}))")
NAMED_EVENT = 0.6  # share of the clause's content bigrams the earlier report's lead holds


def follows_up(a: Prepared, b: Prepared) -> bool:
    """True when the lead of one clip names the other's lead event by a clause (most of its
    content words in that lead, its event noun there too unless it names any event, no day of
    its own the other lacks, nothing swapped) and both give a figure in one counter: a later
    report of that event with its counts."""
    if not a.sentences or not b.sentences:
        return False
    x, y = a.sentences[0], b.sentences[0]
    # The clause first: reading every figure of each candidate pair costs far more.
    if not (_names_event_of(x, y) or _names_event_of(y, x)):
        return False
    return bool({c for c, _ in a.figures} & {c for c, _ in b.figures})


def _names_event_of(x: Sentence, y: Sentence) -> bool:
    """True when `y` names the event `x` reports by a clause (see `follows_up`)."""
    m = _NAMED_EVENT.search(y.folded)
    if m is None:
        return False
    clause, noun = m.group(1), m.group(2)
    if noun not in _ANY_EVENT and noun not in x.folded:
        return False  # `…で3日に行われた議会選挙で` is no follow-up of `…大統領選挙は…`
    told, own = days(clause), days(x.folded)
    if told and own and not told <= own:
        return False  # `…14日夜から続いた衝突で` / `20日に行われた…集会`: another occasion
    words = set(_CONTENT_BIGRAM.findall(clause + " " + noun))
    if len(words) < 3 or len(words & set(_CONTENT_BIGRAM.findall(x.folded))) < NAMED_EVENT * len(words):
        return False
    return not swapped(x.names, y.names)

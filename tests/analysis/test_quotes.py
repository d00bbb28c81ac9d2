"""Quotes and speakers: the sample, broken brackets, normalisation, the labelled set."""

from __future__ import annotations

from analysis_data import load_jsonl
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.analysis.quotes import extract_quotes, speaker_key, speaker_names
from kirinuki.text.cliptext import parse
from kirinuki.text.normalize import fold


def test_sample_every_speaker_found(seed_text: str) -> None:
    entry = parse(seed_text)
    found = [q for g in entry.groups for q in extract_quotes([c.text for c in g.clips])]
    speech = [q for q in found if q.kind == "speech"]
    assert speech and all(q.speaker for q in found)
    keys = {q.speaker_key for q in speech}
    assert {"トカエフ", "ブリンケン", "ストルテンベルグ"} <= keys
    broken = [q for q in found if q.text.endswith("温かく対応してくれた")]
    assert len(broken) == 1 and broken[0].broken
    assert broken[0].speaker == "トカエフ大統領"
    assert broken[0].text.startswith("プーチン大統領に特に感謝したい")


def test_speaker_normalised_to_one_person() -> None:
    quotes = extract_quotes([
        "アメリカのブリンケン国務長官は「対話を続ける」と述べました。",
        "そのうえでブリンケン長官は「同盟国と連携する」と述べました。",
    ])
    assert [q.speaker_key for q in quotes] == ["ブリンケン", "ブリンケン"]
    assert speaker_names(quotes) == {"ブリンケン": "ブリンケン国務長官"}
    assert speaker_key("ブリンケン長官") == speaker_key("ブリンケン国務長官")


def test_broken_opening_after_a_preamble() -> None:
    [q] = extract_quotes(["アメリカのブリンケン国務長官は7日の記者会見で政府は対処できたと思う。"
                          "なぜ支援が必要なのかはっきりしない」と述べました。"])
    assert q.speaker == "ブリンケン国務長官"
    assert q.text.startswith("政府は対処できた")


def test_unclosed_quote_ends_at_its_verb() -> None:
    [q] = extract_quotes(["首相は「国民の命を守る と述べました。"])
    assert q.text == "国民の命を守る "
    assert q.speaker == "首相" and q.broken


def test_speech_continued_in_a_later_paragraph() -> None:
    quotes = extract_quotes(["ストルテンベルグ事務総長は「対話には応じる」と述べました。",
                             "そのうえで「原則は曲げない」と強調しました。"])
    assert quotes[1].speaker == "ストルテンベルグ事務総長" and quotes[1].inferred


def test_speaker_named_after_the_quote() -> None:
    [q] = extract_quotes(["「国際社会は結束すべきだ」と、ペスコフ報道官は述べました。"])
    assert q.speaker == "ペスコフ報道官"


def test_labelled_speaker_accuracy() -> None:
    """Speaker accuracy on tests/analysis/data/quotes.jsonl (target ≥ 0.90)."""
    total = right = 0
    for row in load_jsonl("quotes.jsonl"):
        found = extract_quotes(row["paragraphs"])
        for exp in row["quotes"]:
            total += 1
            match = [q for q in found if exp["starts"] in q.text[:len(exp["starts"]) + 25]]
            if match and (match[0].speaker_key == speaker_key(exp["speaker"])
                          or fold(match[0].speaker) == fold(exp["speaker"])):
                right += 1
    assert total >= 100
    assert right / total >= 0.90


@given(st.lists(st.text(alphabet="「」『』大統領は氏がもと述べ、。ブリンケン長官 abc", max_size=40),
                max_size=4))
def test_never_raises(paragraphs: list[str]) -> None:
    for q in extract_quotes(paragraphs):
        assert paragraphs[q.paragraph][q.start:q.end] == q.text

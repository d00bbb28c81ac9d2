"""Progress lines of the one-off version analysis (the first publish after a bulk import).

Plain lines on stderr rather than a bar: a publish run by a script or over ssh keeps them in
its log. Nothing is printed for an analysis over within `QUIET_FOR` seconds (one new entry),
then a line when a stage starts and every `EVERY` seconds, in Japanese like every page; a
stage that reports nothing new for `EVERY` seconds (the pairing of 500k clips takes minutes)
gets its last line again with the seconds it has run, from a thread of its own:

    版の解析: 切り抜きの特徴を計算中 (20,000 / 50,238 件)
    版の解析: 似た切り抜きの組を探しています (50,238 件)
    版の解析: 似た切り抜きの組を探しています (50,238 件) 経過 20 秒
    版の解析: 組を絞り込むため切り抜きを読んでいます (20,000 / 50,238 件)
    版の解析: 組を絞り込んでいます (300,000 / 652,144 組)
    版の解析中: 120,000 / 652,144 組 (18%)、残り約 2 分
    版の解析: 発言を抽出中 (12,000 グループ済み)
    版の解析: 記事の特徴を抽出中 (5,000 / 10,000 件)
    版の解析: 関連する記事を探しています (5,000 / 10,000 件)
    版の解析: 完了 (95 秒)

The closing line comes only after some other line: an analysis that said nothing ends
silently too.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

QUIET_FOR = 2.0  # seconds before the first line
EVERY = 10.0  # seconds between two lines of one stage
TICK = 1.0  # seconds between two looks of the thread that repeats a stage's line

# Held by a report and by a look of the thread. A fork waits for it: a worker forked while
# the thread held it (or the stream's lock) would wait on it for ever if it ever wrote.
_HELD = threading.Lock()
os.register_at_fork(before=_HELD.acquire, after_in_parent=_HELD.release,
                    after_in_child=_HELD.release)


class AnalysisLines:
    """A `versions_bulk.Progress` callback printing lines to `stream` (stderr); with `tick`
    (seconds), a thread started by the first report looks that often whether the stage's
    line is due again (`tick()`), until the analysis is done or `close()`."""

    def __init__(self, stream: TextIO | None = None, tick: float | None = TICK) -> None:
        self.stream = stream
        self.every = tick
        self.begun = 0.0  # when the first report came
        self.stage = ""
        self.stage_begun = 0.0
        self.last: tuple[int, int] = (0, 0)  # the stage's last (done, total)
        self.said = ""  # the last line printed
        self.printed = 0.0  # when the last line was printed
        self.shown = False  # whether any line of this analysis was printed
        self.ticking: threading.Event | None = None  # set: the thread is to end

    def __call__(self, stage: str, done: int, total: int) -> None:
        with _HELD:
            now = time.monotonic()
            if stage == "done":
                if self.shown:
                    self._print(f"版の解析: 完了 ({round(now - self.begun):,} 秒)")
                self.begun, self.stage, self.shown = 0.0, "", False  # a later analysis anew
                self._stop()
                return
            if not self.begun:
                self.begun = now
                self._start()
            if stage != self.stage:
                self.stage, self.stage_begun, self.printed = stage, now, 0.0
            self.last = (done, total)
            if now - self.begun < QUIET_FOR or (self.printed and now - self.printed < EVERY):
                return
            self._say(now)

    def tick(self) -> None:
        """Print the stage's line again when no report printed one for `EVERY` seconds."""
        with _HELD:
            now = time.monotonic()
            if self.begun and now - self.begun >= QUIET_FOR and self.stage and (
                    not self.printed or now - self.printed >= EVERY):
                self._say(now)

    def close(self) -> None:
        """End the thread (the analysis failed, or the command ends)."""
        with _HELD:
            self._stop()

    def _say(self, now: float) -> None:
        text = line(self.stage, *self.last, now - self.stage_begun)
        # The same line again says how long the stage has run, not that it stopped.
        shown = f"{text} 経過 {round(now - self.stage_begun):,} 秒" if text == self.said else text
        self.said, self.printed, self.shown = text, now, True
        self._print(shown)

    def _start(self) -> None:
        if self.every is not None and self.ticking is None:
            self.ticking = threading.Event()
            threading.Thread(target=self._ticks, args=(self.ticking, self.every),
                             daemon=True).start()

    def _stop(self) -> None:
        if self.ticking is not None:
            self.ticking.set()
            self.ticking = None

    def _ticks(self, ending: threading.Event, every: float) -> None:
        while not ending.wait(every):
            self.tick()

    def _print(self, text: str) -> None:
        print(text, file=self.stream or sys.stderr, flush=True)


def line(stage: str, done: int, total: int, seconds: float) -> str:
    """The progress line of a stage `seconds` after it began."""
    if stage == "sketching":
        return f"版の解析: 切り抜きの特徴を計算中 ({done:,} / {total:,} 件)"
    if stage == "pairing":
        return f"版の解析: 似た切り抜きの組を探しています ({total:,} 件)"
    if stage == "gating":
        return f"版の解析: 組を絞り込むため切り抜きを読んでいます ({done:,} / {total:,} 件)"
    if stage == "narrowing":
        return f"版の解析: 組を絞り込んでいます ({done:,} / {total:,} 組)"
    if stage == "statements":
        return f"版の解析: 発言を抽出中 ({done:,} グループ済み)"
    if stage == "features":
        return f"版の解析: 記事の特徴を抽出中 ({done:,} / {total:,} 件)"
    if stage == "suggestions":
        return f"版の解析: 関連する記事を探しています ({done:,} / {total:,} 件)"
    share = done / total if total else 1.0
    text = f"版の解析中: {done:,} / {total:,} 組 ({share:.0%})"
    if done and done < total:
        left = seconds * (total - done) / done
        text += f"、残り約 {max(1, round(left / 60))} 分" if left >= 90 else \
            f"、残り約 {max(1, round(left))} 秒"
    return text

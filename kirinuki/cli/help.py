"""What `--help` shows: commands in the order of a day's work, plain placeholders (TEXT, N,
PATH, ID, not Typer's `<str>`/`<int range>`), one paragraph per docstring paragraph, and an
example for every command (tests/cli/test_cli_help.py checks that none is missing)."""

from __future__ import annotations

from typing import Any

# Top-level commands in the order of the day: set up, capture, compose, publish, read, keep.
ORDER = ("init", "clip", "add", "inbox", "feeds", "article", "watch", "changes", "import",
         "entries", "tags",
         "publish", "serve", "hatena",
         "search", "related", "dupes", "figures", "statements", "quotes", "hide", "stats",
         "export", "reindex", "check", "settings", "journal", "user", "token")

EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ('kirinuki init --title "切り抜き帳" --host example.hatenablog.com',),
    "clip": ("kirinuki clip https://www.example.jp/news/1 --pick 1,3-5 --tag 外交",
             "kirinuki clip 12 --match 首相 --tag 内閣"),
    "add": ("kirinuki add pasted.txt", "kirinuki add - --entry 7 < pasted.txt"),
    "inbox": ("kirinuki inbox --unclipped",),
    "feeds": ("kirinuki feeds add https://www.example.jp/rss.xml",),
    "feeds add": ("kirinuki feeds add https://www.example.jp/rss.xml",),
    "feeds list": ("kirinuki feeds list",),
    "feeds remove": ("kirinuki feeds remove 3",),
    "feeds poll": ("kirinuki feeds poll",),
    "feeds import-opml": ("kirinuki feeds import-opml feeds.opml",),
    "feeds export-opml": ("kirinuki feeds export-opml -o feeds.opml",),
    "article": ("kirinuki article show https://www.example.jp/news/1 --versions",),
    "article show": ("kirinuki article show https://www.example.jp/news/1 --versions",),
    "article fetch": ("kirinuki article fetch https://www.example.jp/news/1",),
    "article export": ("kirinuki article export https://www.example.jp/news/1 --warc news1.warc.gz",
                       "kirinuki article export --all --warc articles.warc.gz"),
    "watch": ("kirinuki watch run --jobs 4",),
    "watch list": ("kirinuki watch list",),
    "watch add": ("kirinuki watch add https://www.example.jp/news/1",),
    "watch remove": ("kirinuki watch remove https://www.example.jp/news/1",),
    "watch run": ("kirinuki watch run --jobs 4", "kirinuki watch run --all --quiet"),
    "changes": ("kirinuki changes --since 7d", "kirinuki changes --json"),
    "import": ("kirinuki import entries/", "kirinuki import backup.jsonl"),
    "entries": ("kirinuki entries new --title 朝刊", "kirinuki entries list --status draft"),
    "entries list": ("kirinuki entries list --status draft", "kirinuki entries list --status trash"),
    "entries show": ("kirinuki entries show 7", "kirinuki entries show /entry/2024/09/03/081500"),
    "entries new": ('kirinuki entries new --title 朝刊 --at "2024-09-03 08:15"',),
    "entries set": ('kirinuki entries set 7 --at "2024-09-02 21:00"',
                    'kirinuki entries set 7 --title ""'),
    "entries publish": ("kirinuki entries publish 7",
                        'kirinuki entries publish 7 --at "2024-09-03 08:15"'),
    "entries unpublish": ("kirinuki entries unpublish 7",),
    "entries delete": ("kirinuki entries delete 7",),
    "entries restore": ("kirinuki entries restore 7",),
    "entries purge": ("kirinuki entries purge --older-than 30",),
    "entries edit": ("EDITOR=nano kirinuki entries edit 7",),
    "entries permalink": ("kirinuki entries permalink 7",
                          "kirinuki entries permalink 7 2024/09/03/morning"),
    "tags": ("kirinuki tags", "kirinuki tags rename 露 ロシア"),
    "tags list": ("kirinuki tags list --json",),
    "tags rename": ("kirinuki tags rename 露 ロシア",),
    "tags merge": ("kirinuki tags merge 露 露西亜 ロシア",),
    "publish": ("kirinuki publish site/", "kirinuki publish site/ --full"),
    "serve": ("kirinuki serve --port 8080", "kirinuki serve --watch"),
    "hatena": ("kirinuki hatena pull --user me --blog me.hatenablog.com --key KEY",),
    "hatena key": ("kirinuki hatena key",),
    "hatena oauth": ("kirinuki hatena oauth add --name my-editor",),
    "hatena oauth add": ("kirinuki hatena oauth add --name my-editor",),
    "hatena oauth list": ("kirinuki hatena oauth list",),
    "hatena oauth revoke": ("kirinuki hatena oauth revoke 1",),
    "hatena pull": ("kirinuki hatena pull --user me --blog me.hatenablog.com --key KEY",),
    "hatena push": ("kirinuki hatena push --user me --blog me.hatenablog.com --key KEY --entry 7",),
    "search": ("kirinuki search 首相 会見", 'kirinuki search "#外交 米国" --json'),
    "related": ("kirinuki related show 7",),
    "related show": ("kirinuki related show 7",),
    "related pin": ("kirinuki related pin 7 3",),
    "related reject": ("kirinuki related reject 7 3",),
    "related forget": ("kirinuki related forget 7 3",),
    "dupes": ("kirinuki dupes --entry 7",),
    "figures": ("kirinuki figures --tag 経済",),
    "hide": ("kirinuki hide add version 17",),
    "hide add": ("kirinuki hide add version 17", "kirinuki hide add statements 42"),
    "hide remove": ("kirinuki hide remove version 17",),
    "hide list": ("kirinuki hide list --json",),
    "statements": ("kirinuki statements --speaker 首相",),
    "quotes": ("kirinuki quotes --speaker 首相",),
    "stats": ("kirinuki stats",),
    "export": ("kirinuki export --entry 7", "kirinuki export -o backup/",
               "kirinuki export --format jsonl -o backup.jsonl"),
    "reindex": ("kirinuki reindex",),
    "check": ("kirinuki check",),
    "settings": ("kirinuki settings",),
    "settings set": ("kirinuki settings set timezone Asia/Tokyo",),
    "journal": ("kirinuki journal copy kirinuki.db postgresql://kirinuki@127.0.0.1:5432/clips",),
    "journal copy": ("kirinuki journal copy kirinuki.db postgresql://kirinuki@127.0.0.1:5432/clips",),
    "user": ("kirinuki user add hanako --role editor", "kirinuki user set-password hanako"),
    "user add": ("kirinuki user add hanako --role editor",
                 "kirinuki user add taro --role reader"),
    "user list": ("kirinuki user list",),
    "user role": ("kirinuki user role hanako owner",),
    "user remove": ("kirinuki user remove taro",),
    "user set-password": ("kirinuki user set-password", "kirinuki user set-password hanako"),
    "user sign-in-code": ("kirinuki user sign-in-code",),
    "token": ("kirinuki token create --name phone",),
    "token create": ("kirinuki token create --name phone",
                     "kirinuki token create --name reader --feed",
                     "kirinuki token create --name hanako-laptop --user hanako"),
    "token list": ("kirinuki token list",),
    "token revoke": ("kirinuki token revoke 2",),
}


def _placeholder(param: Any) -> str:
    # Duck-typed: Typer carries its own copy of Click (0.29: a type descriptor per parameter).
    if getattr(param, "is_flag", False):
        return ""
    desc = getattr(param, "type_descriptor", None)
    if desc is not None:
        if desc.is_choice:
            return "|".join(str(getattr(c, "value", c)) for c in desc.choices)
        if desc.is_path:
            return "PATH"
        ann = desc.annotation
        ann = (getattr(ann, "__args__", None) or (ann,))[0]  # list[int] -> int
        return {int: "N", float: "NUMBER"}.get(ann, "TEXT")
    kind = param.type.name
    if kind == "choice":
        return "|".join(str(c) for c in param.type.choices)
    return {"path": "PATH", "integer": "N", "integer range": "N", "float": "NUMBER",
            "float range": "NUMBER", "filename": "PATH"}.get(kind, "TEXT")


def _no_type(ctx: Any) -> None:
    return None


# Argument names as placeholders: what the user types, not the parameter's name in Python.
ARGUMENTS = {"ref": "ID", "entry": "ID", "entry_id": "ID", "other": "ID", "token_id": "ID",
             "paths": "PATH", "out_dir": "FOLDER", "source": "PATH", "target": "URL|NUMBER",
             "refs": "ID", "values": "VALUE", "name": "NAME", "role": "ROLE"}


def _plain_help_option(command: Any) -> None:
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            option.metavar = ""  # a flag: no placeholder
        return option
    command.get_help_option = get_help_option


def _reflow(text: str) -> str:
    """Docstring lines joined into paragraphs (Rich would keep each line break)."""
    return "\n\n".join(" ".join(line.strip() for line in para.splitlines())
                       for para in text.strip().split("\n\n"))


def tidy(command: Any, path: str = "") -> None:
    """Give `command` and those under it plain placeholders, reflowed help and examples."""
    if command.help:
        command.help = _reflow(command.help)
        first = command.help.split("\n\n")[0]
        command.short_help = first
        examples = EXAMPLES.get(path, ())
        if examples:
            command.help += "\n\n" + "\n\n".join(f"Example: {e}" for e in examples)
    for param in command.params:
        if param.param_type_name == "option":
            if param.metavar is None:
                param.metavar = _placeholder(param)
        else:
            # The placeholder says it (ID, PATH); Typer would add `<str>`.
            if param.metavar is None:
                param.metavar = ARGUMENTS.get(param.name, param.name.upper())
            param.display_type_rich = _no_type
    _plain_help_option(command)
    for name, sub in (getattr(command, "commands", None) or {}).items():
        tidy(sub, f"{path} {name}".strip())


def ordered(names: list[str]) -> list[str]:
    """Command names in the order of the day (unknown ones last, as given)."""
    rank = {n: i for i, n in enumerate(ORDER)}
    return sorted(names, key=lambda n: rank.get(n, len(ORDER)))

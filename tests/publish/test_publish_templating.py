"""The templates' output escaping (`templating.fast_escape`) is markupsafe's, value for value."""

from __future__ import annotations

from markupsafe import Markup, escape

from kirinuki.publish.templating import environment, fast_escape


class _Html:
    def __html__(self) -> str:
        return "<b>own</b>"


class _Text(str):
    pass


VALUES: list[object] = ["", "plain", "<a href=\"x\">'&'</a>", "切り抜き&amp;<>", "\x00\u3000",
                        Markup("<b>x</b> &amp;"), 3, 2.5, None, _Html(), _Text("<sub>")]


def test_fast_escape_gives_what_markupsafe_gives() -> None:
    for value in VALUES:
        got = fast_escape(value)
        assert got == escape(value), value
        assert type(got) is Markup


def test_every_template_escapes_with_it() -> None:
    env = environment()
    template = env.from_string("{{ v }}|{{ m }}|{{ n }}")
    assert template.root_render_func.__globals__["escape"] is fast_escape
    assert env.get_template("base.html").root_render_func.__globals__["escape"] is fast_escape
    assert template.render(v="<'\"&>", m=Markup("<i>"), n=5) == "&lt;&#39;&#34;&amp;&gt;|<i>|5"

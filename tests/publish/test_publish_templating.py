"""The templates' output escaping (`templating.fast_escape`) is markupsafe's, value for value."""

from __future__ import annotations

import pytest
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


class _Obj:
    name = "<obj>"
    html = Markup("<i>obj</i>")


def test_inline_code_renders_what_jinjas_own_compiler_renders() -> None:
    """The compiler's inline View reads and escaping (`templating._CodeGenerator`) give the
    bytes Jinja's own generated code gives, for every kind of value a template reads."""
    from jinja2.compiler import CodeGenerator

    from kirinuki.publish.templating import View

    source = ("{% for x in xs %}[{{ x.name }}|{{ x.html }}|{{ x.zz is defined }}|"
              "{{ x.items if x.items is string else 'm' }}|{{ x.a.b if x.a is defined else 0 }}]"
              "{% endfor %}{% macro m(v) %}<{{ v.name }}>{% endmacro %}{{ m(xs[0]) }}")
    xs = [View(name="<a>", html=Markup("<b>"), items="own", a=View(b="&"), zz=1),
          View(name=3, html=5), {"name": "d&", "html": None}, _Obj(),
          View(name=Markup("<m>"), html=2.5)]
    env = environment()
    assert "_g := " in env.compile(source, raw=True)  # the inline code is what renders
    plain = environment()
    plain.code_generator_class = CodeGenerator
    plain.bytecode_cache = None
    got = env.from_string(source).render(xs=xs)
    assert got == plain.from_string(source).render(xs=xs)
    assert got == ("[&lt;a&gt;|<b>|True|own|&amp;][3|5|False|m|0][d&amp;|None|False|m|0]"
                   "[&lt;obj&gt;|<i>obj</i>|False|m|0][<m>|2.5|False|m|0]<&lt;a&gt;>")


def test_calls_in_templates_are_jinjas() -> None:
    """`_Context.call` calls a macro or a plain function at once; a function that asks for
    the context or the environment still gets it, as in Jinja's own context."""
    from jinja2 import pass_context, pass_environment
    from jinja2.runtime import Context

    @pass_context
    def where(ctx: Context, n: int) -> str:
        return f"{ctx['v']}{n}"

    @pass_environment
    def env_of(env: object) -> str:
        return type(env).__name__

    source = ("{% macro m(a, b=2) %}<{{ a }}{{ b }}>{% endmacro %}{{ m('&') }}{{ m(1, b='<') }}"
              "|{{ plain('x') }}|{{ where(3) }}|{{ env_of() }}|{{ m(*xs) }}")
    values = {"plain": lambda s: f"<{s}>", "where": where, "env_of": env_of, "v": "v", "xs": [7]}
    env = environment()
    assert env.context_class is not Context
    jinjas = environment()
    jinjas.context_class = Context
    got = env.from_string(source).render(**values)
    assert got == jinjas.from_string(source).render(**values)
    assert got == "<&amp;2><1&lt;>|&lt;x&gt;|v3|_Environment|<72>"


def test_share_links_quote_as_urllib_does() -> None:
    from urllib.parse import quote

    from kirinuki.publish.views import quote_all

    texts = ["https://bench.kirinuki.example/entry/2020/01/02/a b?x=1&y=2#z", "",
             "ウクライナ侵攻・対ロシア制裁ほか", "~_.-!*'()/:@", "a\x00\x7f\x80\U0001F600",
             "".join(chr(i) for i in range(0, 0x3100, 3))]
    for text in texts:
        assert quote_all(text) == quote(text, safe=""), text


def test_a_template_is_loaded_once_per_name_and_loader() -> None:
    from jinja2 import DictLoader

    env = environment()
    assert env.get_template("base.html") is env.get_template("base.html")
    env.loader = DictLoader({"base.html": "own"})  # another loader: its own template
    assert env.get_template("base.html").render() == "own"
    assert env.get_template("base.html", globals={"x": 1}).render() == "own"


def test_a_macro_called_from_python_renders_what_jinja_renders() -> None:
    from kirinuki.publish.templating import View, macro_of

    env = environment()
    module = env.from_string("{% macro one(s) %}<{{ s.name }}>{% endmacro %}"
                             "{% macro two(a, b=1) %}{{ a }}{{ b }}{% endmacro %}").module
    fast = macro_of(module, "one")
    assert fast is not module.one  # type: ignore[attr-defined]
    for value in (View(name="<a>&"), View(name=Markup("<b>")), View(name=3)):
        got = fast(value)
        assert got == module.one(value) and type(got) is Markup  # type: ignore[attr-defined]
    assert fast(View(name="<a>")) == "<&lt;a&gt;>"
    assert macro_of(module, "two") is module.two  # type: ignore[attr-defined]


def test_words_of_the_catalog_are_folded_in_at_compile_time() -> None:
    """`say("key")` with constant arguments compiles to the catalog's text (no call left),
    rendering what the call renders; a template that names something else `say`, a value
    filled in and an unknown key are left to run when rendered."""
    from jinja2 import Environment

    from kirinuki.publish.messages import say

    source = '{{ say("entry.text") }}|{{ say("summary.clips", n=n) }}|{{ say("pager") ~ "&" }}'
    env = environment()
    plain = environment()
    plain._parse = lambda s, n, f: Environment._parse(plain, s, n, f)  # type: ignore[method-assign]
    code = env.compile(source, raw=True)
    assert code.count("context.call") == 1 and str(say("entry.text")) in code
    got = env.from_string(source).render(n=3)
    assert got == plain.from_string(source).render(n=3)
    assert got == f"{say('entry.text')}|{say('summary.clips', n=3)}|{say('pager')}&amp;"
    local = '{% set say = own %}{{ say("entry.text") }}'
    assert env.from_string(local).render(own=lambda k: k.upper()) == "ENTRY.TEXT"
    with pytest.raises(KeyError):
        env.from_string('{{ say("no.such.key") }}').render()

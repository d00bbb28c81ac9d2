"""The one Jinja2 environment of the templates: the published pages' and the web app's own.

Autoescape on for every template (HTML and XML alike), the link filters registered, the same
options everywhere: a template renders the same bytes whichever program compiled it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import markupsafe
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context, Macro
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from kirinuki.publish.messages import CATALOGS, say
from kirinuki.text.autolink import find_urls
from kirinuki.text.links import http_url, site_url

OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "undefined": StrictUndefined,
    "keep_trailing_newline": True,
    "auto_reload": False,  # templates never change while a program runs: no stat per page
}


class View(dict[str, Any]):
    """A dict whose keys read as attributes too: templates write `x.url`, and the environment
    looks a View's keys up before its attributes (`_Environment.getattr`); Python code reads
    them through `__getattr__`. It holds no reference to itself, so a rendered page's views
    are freed at once, without the garbage collector."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


_new_str = str.__new__
# What markupsafe's `escape` does to a plain string (its C speedup when built).
_escape_inner: Callable[[str], str] = markupsafe._escape_inner  # type: ignore[attr-defined]


def fast_escape(value: Any) -> Markup:
    """markupsafe's `escape`, as the compiled templates call it for every `{{ … }}`, with its
    two common cases (a plain string, a Markup) made without `Markup.__new__`, a Python method:
    the same result, a fifth less time for an entry page."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # type: ignore[no-any-return]
    return escape(value)


class _CodeGenerator(CodeGenerator):
    """Jinja's compiler with the two most frequent operations inline, the same values: `x.name`
    reads a View's key without calling `_Environment.getattr`, and `{{ x }}` escapes a plain
    string without calling `fast_escape` (a function call each: ~250 a page)."""

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        # The walrus names one value: the inner expression is whole before it is assigned.
        self.write(f"(_g[{node.attr!r}] if type(_g := ")
        self.visit(node.node, frame)
        self.write(f") is View and {node.attr!r} in _g else environment.getattr(_g, "
                   f"{node.attr!r}))")

    def _output_child_pre(self, node: nodes.Expr, frame: Frame,
                          finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src:
            super()._output_child_pre(node, frame, finalize)
        else:  # the escaped text of a plain string is joined into the page as it is
            self.write("(escape_str(_e) if type(_e := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame,
                           finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src:
            super()._output_child_post(node, frame, finalize)
        else:
            self.write(") is str else escape(_e))")


class _Template(Template):
    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: MutableMapping[str, Any],
                        globals: MutableMapping[str, Any]) -> Template:  # noqa: A002 - Jinja's name
        """A compiled template whose output escaping is `fast_escape`, with the names the
        compiler's inline code reads (every template of the environment is made here,
        compiled or read from the bytecode cache)."""
        namespace.update(escape=fast_escape, escape_str=_escape_inner, View=View)
        return super()._from_namespace(environment, namespace, globals)


_Plain = (Macro, type(lambda: None))


class _Context(Context):
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        """A call in a template (`say(...)`, a macro): a macro or a function that asks for
        no context is called at once, as Jinja would after its checks (a few per call)."""
        if type(__obj) in _Plain and not hasattr(__obj, "jinja_pass_arg"):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable "
                                                    "raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


def macro_of(module: object, name: str) -> Callable[[Any], Markup]:
    """The macro `name` of a template module, of one argument, as Python calls it (a list's
    entries, a feed's bodies): its body at once, without Jinja's binding of arguments (a
    tenth of a tag page's time, 20 calls a page)."""
    macro = getattr(module, name)
    if macro._argument_count != 1 or not macro._default_autoescape \
            or macro.caller or macro.catch_kwargs or macro.catch_varargs:
        return macro  # type: ignore[no-any-return]  # Jinja's call, for any other macro
    func = macro._func
    return lambda value: _new_str(Markup, func(value))


class _Said(NodeTransformer):
    """`say("key")` with constant arguments becomes the catalog's text at compile time, joined
    into the page's literal text (about ten calls a page); a template that assigns `say` is
    left as written, and so is an unknown key (a KeyError when rendered)."""

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        args = [a.value for a in node.args if isinstance(a, nodes.Const)]
        values = {k.key: k.value.value for k in node.kwargs if isinstance(k.value, nodes.Const)}
        if not isinstance(node.node, nodes.Name) or node.node.name != "say" or node.dyn_args \
                or node.dyn_kwargs or len(args) < len(node.args) or len(values) < len(node.kwargs):
            return self.generic_visit(node)
        try:
            text = say(*args, **values)
        except (KeyError, TypeError, ValueError, IndexError):
            return node
        return nodes.TemplateData(str(text), lineno=node.lineno)


class _Environment(Environment):
    template_class = _Template
    code_generator_class = _CodeGenerator
    context_class = _Context

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if any(n.name == "say" and n.ctx != "load" for n in tree.find_all(nodes.Name)):
            return tree
        return _Said().visit(tree)  # type: ignore[no-any-return]

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._loaded: dict[tuple[BaseLoader | None, str], Template] = {}

    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None,  # noqa: A002
                       ) -> Template:
        """A template by name from a plain dict: every page asks for its template and the
        ones it extends and imports (Jinja's cache takes a lock and a weak reference for
        each ask); templates never change while a program runs (`auto_reload` off)."""
        if globals:
            return super()._load_template(name, globals)
        key = (self.loader, name)
        template = self._loaded.get(key)
        if template is None:
            template = self._loaded[key] = super()._load_template(name, None)
        return template

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict, not Jinja's chain of two maps, which every
        page's context and every macro import walked (a tenth of an entry page's time). The
        environment's globals are all set before any template loads (`environment`, and the
        web app's right after it)."""
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`x.name` in a template: a View's key at once (Jinja tries the attribute first,
        and an attribute lookup that fails costs an exception; on plain dicts that was a
        third of a build); any other object's attribute at once too, as Jinja would (its
        method only on a miss: one call fewer for each attribute of a clip, a loop...)."""
        if type(obj) is View:
            try:
                return obj[attribute]
            except KeyError:
                pass
        try:
            return getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)


def linked(value: object) -> Markup:
    """Text escaped as Jinja escapes it, with its URLs as links (`text/autolink.py`)."""
    text = str(value)
    if "://" not in text:  # most clips: no URL, plain escaping
        return escape(text)
    out: list[str] = []
    last = 0
    for start, end in find_urls(text):
        url = escape(text[start:end])
        out += [escape(text[last:start]), f'<a href="{url}">{url}</a>']
        last = end
    out.append(escape(text[last:]))
    return Markup("".join(out))  # noqa: S704 - every piece is escaped above


# The link filters every template may use: `x|http_url` for a stored outside URL,
# `x|site_url` for a link the site builds, `x|linked` for text whose URLs become links.
FILTERS: dict[str, Callable[[object], str | None]] = {"http_url": http_url, "site_url": site_url,
                                                     "linked": linked}


def environment(owner_templates: Path | None = None) -> Environment:
    """The environment of the published templates; with `owner_templates`, that folder's
    templates (the web app's own pages, which extend `base.html`) load from it too. A name
    in both is an error the test of the templates catches: each template has one name."""
    loader: BaseLoader = PackageLoader("kirinuki.publish", "templates")
    if owner_templates is not None:
        loader = ChoiceLoader([FileSystemLoader(str(owner_templates)), loader])
    env = _Environment(loader=loader, bytecode_cache=bytecode_cache(), **OPTIONS)
    env.filters.update(FILTERS)
    env.globals["say"] = say  # the published pages' words (publish/messages.py)
    return env


def bytecode_cache() -> BytecodeCache | None:
    """The compiled templates kept between runs (Jinja2's per-user folder in the temporary
    directory, keyed by each template's name and source): compiling the templates a one-entry
    publish renders was a good part of it, loading them is not.

    Jinja's key leaves out the options, the compiler and the words folded in (`_Said`), which
    change how a source compiles: the files are named after them, so a cache written otherwise
    is never read."""
    made = repr((sorted(OPTIONS.items()), _CodeGenerator.__doc__, _Said.__doc__,
                 sorted((lang, sorted(c.items())) for lang, c in CATALOGS.items())))
    options = hashlib.blake2b(made.encode(), digest_size=6).hexdigest()
    try:
        return FileSystemBytecodeCache(pattern=f"__kirinuki_{options}_%s.cache")
    except (OSError, RuntimeError):
        return None

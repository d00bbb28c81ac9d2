/* kirinuki static search: the query language of `kirinuki search`, answered in the browser.
 *
 * A clip matches when every word of the query is a substring of its folded text (NFKC + case
 * folding, done in Python when the index was built), no excluded word is, and the filters
 * (#tag, source:, since:, until:, entry:) hold. OR joins the terms on either side of it.
 * The index is a manifest plus one JSON chunk per month, read newest first.
 * Everything shown is set as text (never as HTML), so clipped text cannot inject markup.
 */
(function (root) {
  'use strict';

  var FOLD = {};

  function fold(text) {
    var s = String(text).normalize('NFKC');
    var out = '';
    for (var ch of s) {
      var f = FOLD[ch];
      out += f !== undefined ? f : ch.toLowerCase();
    }
    return out;
  }

  function setFoldTable(table) { FOLD = table || {}; }

  /* Split a query into raw tokens: "quoted phrases" stay whole (with any - before them). */
  function tokens(query) {
    var out = [];
    var re = /(-?)"([^"]*)"?|(\S+)/g;
    var m;
    var q = String(query).normalize('NFKC');
    while ((m = re.exec(q)) !== null) {
      if (m[3] !== undefined) out.push({ raw: m[3], quoted: false, neg: false });
      else out.push({ raw: m[2], quoted: true, neg: m[1] === '-' });
    }
    return out;
  }

  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  function term(tok) {
    if (tok.quoted) return { kind: 'word', value: fold(tok.raw), neg: tok.neg };
    var raw = tok.raw;
    var neg = false;
    if (raw.length > 1 && raw[0] === '-') { neg = true; raw = raw.slice(1); }
    var m = /^(source|since|until|entry):(.*)$/i.exec(raw);
    if (m) {
      var kind = m[1].toLowerCase();
      var value = m[2];
      if (!value) throw new Error(kind + ': needs a value');
      if ((kind === 'since' || kind === 'until') && !DATE.test(value)) {
        throw new Error(kind + ': needs a date like 2024-01-31');
      }
      if (kind === 'entry' && !/^\d+$/.test(value)) throw new Error('entry: needs a number');
      return { kind: kind, value: kind === 'source' ? fold(value) : value, neg: neg };
    }
    if (raw.length > 1 && raw[0] === '#') return { kind: 'tag', value: fold(raw.slice(1)), neg: neg };
    return { kind: 'word', value: fold(raw), neg: neg };
  }

  /* The query as clauses joined by AND, each a list of alternatives joined by OR. */
  function parseQuery(query) {
    var toks = tokens(query);
    var clauses = [];
    var pendingOr = false;
    for (var i = 0; i < toks.length; i++) {
      var tok = toks[i];
      if (!tok.quoted && tok.raw === 'OR') {
        if (!clauses.length || pendingOr) throw new Error('OR needs a term on each side');
        pendingOr = true;
        continue;
      }
      var t = term(tok);
      if (t.kind === 'word' && t.value === '') continue;
      if (pendingOr) clauses[clauses.length - 1].push(t);
      else clauses.push([t]);
      pendingOr = false;
    }
    if (pendingOr) throw new Error('OR needs a term on each side');
    if (!clauses.length) throw new Error('empty query');
    return clauses;
  }

  function holds(t, e, tags, clip) {
    var ok;
    switch (t.kind) {
      case 'word': ok = (clip[2] === 0 ? clip[1] : clip[2]).indexOf(t.value) >= 0; break;
      case 'tag': ok = tags.indexOf(t.value) >= 0; break;
      case 'source': ok = fold(clip[3]).indexOf(t.value) >= 0; break;
      case 'since': ok = e[3] >= t.value; break;
      case 'until': ok = e[3] <= t.value; break;
      case 'entry': ok = String(e[0]) === t.value; break;
      default: ok = false;
    }
    return t.neg ? !ok : ok;
  }

  function matches(clauses, e, tags, clip) {
    for (var i = 0; i < clauses.length; i++) {
      var any = false;
      for (var j = 0; j < clauses[i].length && !any; j++) any = holds(clauses[i][j], e, tags, clip);
      if (!any) return false;
    }
    return true;
  }

  /* Hits of one chunk: [entry, clip] pairs, newest entry first, clips in entry order. */
  function searchChunk(clauses, chunk) {
    var hits = [];
    chunk.entries.forEach(function (e) {
      e[4].forEach(function (group) {
        group[1].forEach(function (clip) {
          if (matches(clauses, e, group[0], clip)) hits.push([e, clip]);
        });
      });
    });
    return hits;
  }

  var api = { fold: fold, setFoldTable: setFoldTable, parseQuery: parseQuery, searchChunk: searchChunk };
  if (typeof module !== 'undefined' && module.exports) { module.exports = api; return; }

  /* ---- the page ---- */
  var SHOWN = 200;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(box, hits, state) {
    hits.forEach(function (hit) {
      if (state.shown >= SHOWN) return;
      state.shown += 1;
      var e = hit[0];
      var item = el('article', 'hit');
      var h = el('h2');
      var a = el('a', null, e[2]);
      a.href = e[1];
      h.appendChild(a);
      item.appendChild(h);
      var quote = el('blockquote');
      quote.appendChild(el('p', null, hit[1][1]));
      item.appendChild(quote);
      box.appendChild(item);
    });
  }

  function run(box, indexUrl, query) {
    var clauses;
    try { clauses = parseQuery(query); } catch (err) {
      box.appendChild(el('p', 'notice', '検索語を読めません: ' + err.message));
      return;
    }
    var status = el('p', 'count', '検索中…');
    box.appendChild(status);
    var list = el('div', 'hits');
    box.appendChild(list);
    var state = { shown: 0, clips: 0, entries: {} };
    fetch(indexUrl).then(function (r) { return r.json(); }).then(function (index) {
      setFoldTable(index.fold);
      var chain = Promise.resolve();
      index.chunks.forEach(function (c) {
        chain = chain.then(function () { return fetch(c.url); })
          .then(function (r) { return r.json(); })
          .then(function (chunk) {
            var hits = searchChunk(clauses, chunk);
            state.clips += hits.length;
            hits.forEach(function (hit) { state.entries[hit[0][0]] = true; });
            show(list, hits, state);
          });
      });
      return chain;
    }).then(function () {
      var n = Object.keys(state.entries).length;
      status.textContent = state.clips + '件の切り抜き（' + n + '件の記事）' +
        (state.clips > SHOWN ? '。先頭の' + SHOWN + '件を表示しています。' : '');
    }).catch(function () {
      status.textContent = '検索の索引を読み込めませんでした。';
    });
  }

  function start() {
    var box = document.getElementById('search-results');
    var input = document.getElementById('q');
    if (!box || !input) return;
    var query = new URLSearchParams(root.location.search).get('q') || '';
    input.value = query;
    if (query.trim()) run(box, box.getAttribute('data-index'), query);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(typeof window !== 'undefined' ? window : this);

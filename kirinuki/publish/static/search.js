/* kirinuki static search: the query language of `kirinuki search`, answered in the browser.
 *
 * A clip matches when every word of the query is a substring of its folded text (NFKC + case
 * folding, done in Python when the index was built; digit grouping dropped here, and for a
 * `~` word katakana made hiragana), no excluded word is, and the filters
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

  /* Digit grouping, as normalize.search_fold: a comma between a digit and exactly three
     digits goes (`3,800人` reads `3800人`); a thin space grouping digits counts as a comma. */
  var GROUPING = /(?<=[0-9]),(?=[0-9]{3}(?![0-9]))/g;
  var THIN = /(?<=[0-9\uff10-\uff19])[\u2009\u202f](?=[0-9\uff10-\uff19]{3}(?![0-9\uff10-\uff19]))/g;

  function thinGrouping(text) {
    return /[\u2009\u202f]/.test(text) ? text.replace(THIN, ',') : text;
  }

  function dropGrouping(folded) {
    return folded.indexOf(',') < 0 ? folded : folded.replace(GROUPING, '');
  }

  function searchFold(text) { return dropGrouping(fold(thinGrouping(String(text)))); }

  /* Katakana made hiragana (ァ-ヶ, ヽヾ), one for one: `~` words compare this way. */
  function kanaFold(text) {
    return text.replace(/[\u30a1-\u30f6\u30fd\u30fe]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0x60);
    });
  }

  /* The query language of kirinuki.text.query, step for step: NFKC first, then tokens. */
  var SPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  var FILTER = /^(source|since|until|entry):([\s\S]*)$/i;
  var DATE = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/;
  var ALIASES = {};

  function fail(message) { throw new Error(message); }

  function isSpace(ch) { return SPACE.test(ch); }

  function strip(s) {
    var a = 0, b = s.length;
    while (a < b && isSpace(s[a])) a++;
    while (b > a && isSpace(s[b - 1])) b--;
    return s.slice(a, b);
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /* since: the first day meant; until: the last (2022 = 2022-12-31, 2022-02 = 2022-02-28). */
  function day(value, key) {
    var m = DATE.exec(value);
    if (!m) fail(key + ': expects a date like 2022-01-31, 2022-01 or 2022');
    var y = +m[1], mo = m[2] ? +m[2] : 0, d = m[3] ? +m[3] : 0;
    if (key === 'since') { mo = mo || 1; d = d || 1; } else {
      mo = mo || 12;
      if (mo >= 1 && mo <= 12) d = d || new Date(Date.UTC(y, mo, 0)).getUTCDate();
    }
    var t = new Date(Date.UTC(y, mo - 1, d));
    if (mo < 1 || mo > 12 || t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 ||
        t.getUTCDate() !== d || y < 1) fail(key + ': not a valid date');
    return String(y).padStart(4, '0') + '-' + pad(mo) + '-' + pad(d);
  }

  function site(value) {
    var v = fold(strip(value));
    if (v.indexOf('https://') === 0) v = v.slice(8); else if (v.indexOf('http://') === 0) v = v.slice(7);
    v = v.split('/')[0].replace(/^\.+|\.+$/g, '');
    if (!v) fail('source: expects a site like nhk.or.jp');
    return v;
  }

  function word(text, phrase, kana) {
    var f = searchFold(text);
    if (!f) fail('nothing to search for');
    return kana ? { kind: 'word', value: kanaFold(f), kana: true } : { kind: 'word', value: f };
  }

  function bare(w, negated, kana) {
    if (kana) return { kind: 'atom', atom: word(w, false, true), negated: negated };
    if (w === 'OR' && !negated) return { kind: 'or' };
    var m = FILTER.exec(w);
    if (m) {
      var key = m[1].toLowerCase(), value = m[2];
      if (!value) fail(key + ': needs a value');
      if (key === 'since' || key === 'until') {
        if (negated) fail('-' + key + ': cannot be negated');
        return { kind: key, day: day(value, key) };
      }
      var atom = key === 'source' ? { kind: 'source', value: site(value) }
        : { kind: 'entry', value: value };
      return { kind: 'atom', atom: atom, negated: negated };
    }
    if (Array.from(w).length > 1 && w[0] === '#') {
      var k = fold(w.slice(1).replace(/^[#＃]+/, ''));
      if (!k) fail('not a tag: ' + w);
      return { kind: 'atom', atom: { kind: 'tag', value: ALIASES[k] || k }, negated: negated };
    }
    return { kind: 'atom', atom: word(w, false), negated: negated };
  }

  function tokens(query) {
    var s = Array.from(String(query).normalize('NFKC'));
    var out = [];
    var i = 0, n = s.length;
    while (i < n) {
      if (isSpace(s[i])) { i++; continue; }
      var negated = s[i] === '-' && i + 1 < n && !isSpace(s[i + 1]);
      if (negated) i++;
      // `~` before a word or a phrase: hiragana and katakana alike (a lone `~` is itself).
      var kana = s[i] === '~' && i + 1 < n && !isSpace(s[i + 1]);
      if (kana) i++;
      if (s[i] === '"') {
        var end = s.indexOf('"', i + 1);
        if (end < 0) fail('unclosed quote');
        var inner = s.slice(i + 1, end).join('');
        if (!strip(inner)) fail('an empty phrase searches for nothing');
        out.push({ kind: 'atom', atom: word(inner, true, kana), negated: negated });
        i = end + 1;
        continue;
      }
      var j = i;
      while (j < n && !isSpace(s[j])) j++;
      out.push(bare(s.slice(i, j).join(''), negated, kana));
      i = j;
    }
    return out;
  }

  /* {clauses: [[atom, ...], ...] (AND of ORs), excluded: [atom, ...], since, until}. */
  function parseQuery(query) {
    var toks = tokens(query);
    if (!toks.length) fail('empty query');
    var q = { clauses: [], excluded: [], since: null, until: null };
    var pendingOr = false;
    toks.forEach(function (tok, k) {
      if (tok.kind === 'or') {
        var prev = k ? toks[k - 1] : null;
        if (!prev || prev.kind !== 'atom' || prev.negated || pendingOr) fail('OR must stand between two terms');
        pendingOr = true;
      } else if (tok.kind === 'since' || tok.kind === 'until') {
        if (pendingOr) fail(tok.kind + ': cannot be part of an OR');
        if (q[tok.kind] !== null) fail(tok.kind + ': is given twice');
        q[tok.kind] = tok.day;
      } else if (tok.negated) {
        if (pendingOr) fail('a negated term cannot be part of an OR');
        q.excluded.push(tok.atom);
      } else if (pendingOr) {
        q.clauses[q.clauses.length - 1].push(tok.atom);
        pendingOr = false;
      } else {
        q.clauses.push([tok.atom]);
      }
    });
    if (pendingOr) fail('OR must stand between two terms');
    if (q.since && q.until && q.since > q.until) fail('since: is after until:');
    return q;
  }

  /* Chunk rows: entry = [id, url, title, date, groups, permalink];
     group = [tag keys, clips]; clip = [id, text, folded text or 0, folded site]; the search
     forms (grouping dropped; kana folded too) are added at [4] and [5] when first needed. */
  function searchText(clip, kana) {
    if (clip[4] === undefined) clip[4] = dropGrouping(clip[2] === 0 ? clip[1] : clip[2]);
    if (!kana) return clip[4];
    if (clip[5] === undefined) clip[5] = kanaFold(clip[4]);
    return clip[5];
  }

  function holds(atom, e, tags, clip) {
    switch (atom.kind) {
      case 'word': return searchText(clip, atom.kana).indexOf(atom.value) >= 0;
      case 'tag': return tags.indexOf(atom.value) >= 0;
      case 'source': return clip[3] === atom.value ||
        clip[3].slice(-atom.value.length - 1) === '.' + atom.value;
      case 'entry': return entryIs(e, atom.value);
      default: return false;
    }
  }

  function entryIs(e, ref) {
    var r = strip(ref);
    if (/^[0-9]+$/.test(r)) return String(e[0]) === String(+r);
    return '/' + r.replace(/^\/+|\/+$/g, '') === e[5];
  }

  function matches(q, e, tags, clip) {
    if (q.since !== null && e[3] < q.since) return false;
    if (q.until !== null && e[3] > q.until) return false;
    for (var i = 0; i < q.clauses.length; i++) {
      var any = false;
      for (var j = 0; j < q.clauses[i].length && !any; j++) any = holds(q.clauses[i][j], e, tags, clip);
      if (!any) return false;
    }
    for (var x = 0; x < q.excluded.length; x++) if (holds(q.excluded[x], e, tags, clip)) return false;
    return true;
  }

  /* Hits of one chunk: [entry, clip] pairs, newest entry first, clips in entry order. */
  function searchChunk(q, chunk) {
    var hits = [];
    chunk.entries.forEach(function (e) {
      e[4].forEach(function (group) {
        group[1].forEach(function (clip) {
          if (matches(q, e, group[0], clip)) hits.push([e, clip, group[0]]);
        });
      });
    });
    return hits;
  }

  function setIndex(index) {
    FOLD = index.fold || {};
    ALIASES = index.aliases || {};
  }

  /* Where the query's words occur in `text` (the clip as written): [start, end) ranges of it,
     merged. Folding is applied character by character with a map back, as the served search's
     snippets do (text/fastfold.py), so `nato` marks `ＮＡＴＯ`. */
  function highlights(q, text) {
    var whole = '', from = [], to = [], i = 0;
    // Thin spaces made commas first: one character for one, so positions hold.
    for (var ch of thinGrouping(String(text))) {
      var f = fold(ch);
      for (var k = 0; k < f.length; k++) { from.push(i); to.push(i + ch.length); }
      whole += f;
      i += ch.length;
    }
    // Grouping commas dropped, with their map entries, as the search compares.
    var drop = {}, m;
    GROUPING.lastIndex = 0;
    while ((m = GROUPING.exec(whole)) !== null) drop[m.index] = true;
    var folded = '', fromK = [], toK = [];
    for (var p = 0; p < whole.length; p++) {
      if (drop[p]) continue;
      folded += whole[p]; fromK.push(from[p]); toK.push(to[p]);
    }
    from = fromK; to = toK;
    var kana = kanaFold(folded);
    var ranges = [];
    q.clauses.forEach(function (clause) {
      clause.forEach(function (atom) {
        if (atom.kind !== 'word') return;
        var hay = atom.kana ? kana : folded;
        var at = hay.indexOf(atom.value);
        while (at >= 0) {
          ranges.push([from[at], to[at + atom.value.length - 1]]);
          at = hay.indexOf(atom.value, at + atom.value.length);
        }
      });
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var out = [];
    ranges.forEach(function (r) {
      var last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else out.push(r.slice());
    });
    return out;
  }

  var api = { fold: fold, searchFold: searchFold, kanaFold: kanaFold, setIndex: setIndex,
              parseQuery: parseQuery, searchChunk: searchChunk, highlights: highlights };
  if (typeof module !== 'undefined' && module.exports) { module.exports = api; return; }

  /* ---- the page ---- */
  var SHOWN = 200;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* A paragraph of `text` with the query's words in <mark> (text nodes only, never markup). */
  function marked(text, q) {
    var p = el('p'), at = 0;
    highlights(q, text).forEach(function (r) {
      if (r[0] > at) p.appendChild(document.createTextNode(text.slice(at, r[0])));
      p.appendChild(el('mark', null, text.slice(r[0], r[1])));
      at = r[1];
    });
    if (at < text.length) p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  /* Tag and month counts of the hits, each a link that narrows the query (as the served
     search's facets do). */
  var FACETS = 12;
  function facets(box, list, query, state) {
    var nav = el('nav', 'facets');
    nav.setAttribute('aria-label', '絞り込み');
    function add(title, counts, term, label) {
      var keys = Object.keys(counts).sort(function (a, b) {
        return counts[b] - counts[a] || (a < b ? -1 : 1);
      }).slice(0, FACETS);
      if (keys.length < 2) return;
      var p = el('p', 'facet');
      p.appendChild(el('span', 'facet-title', title + ': '));
      keys.forEach(function (k) {
        var a = el('a', null, label(k));
        a.href = '?q=' + encodeURIComponent(query + ' ' + term(k));
        p.appendChild(a);
        p.appendChild(el('span', 'facet-count', '(' + counts[k] + ') '));
      });
      nav.appendChild(p);
    }
    add('タグ', state.tags, function (k) { return '#' + k; }, function (k) { return '#' + k; });
    add('月', state.months, function (m) {
      var y = +m.slice(0, 4), mo = +m.slice(5, 7);
      var end = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      return 'since:' + m + '-01 until:' + m + '-' + pad(end);
    }, function (m) { return +m.slice(0, 4) + '年' + (+m.slice(5, 7)) + '月'; });
    if (nav.childNodes.length) box.insertBefore(nav, list);
  }

  function show(box, hits, state) {
    hits.forEach(function (hit) {
      if (state.shown >= SHOWN) return;
      state.shown += 1;
      var e = hit[0];
      var item = el('article', 'hit');
      var h = el('h2');
      var a = el('a', null, e[2]);
      // Only a path on this site becomes the link (the index is built from permalinks).
      if (/^\/(?![\/\\])/.test(e[1])) a.href = e[1];
      h.appendChild(a);
      item.appendChild(h);
      var quote = el('blockquote');
      quote.appendChild(marked(hit[1][1], state.query));
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
    var state = { shown: 0, clips: 0, entries: {}, query: clauses, tags: {}, months: {} };
    fetch(indexUrl).then(function (r) { return r.json(); }).then(function (index) {
      setIndex(index);
      var chain = Promise.resolve();
      index.chunks.forEach(function (c) {
        chain = chain.then(function () { return fetch(c.url); })
          .then(function (r) { return r.json(); })
          .then(function (chunk) {
            var hits = searchChunk(clauses, chunk);
            state.clips += hits.length;
            hits.forEach(function (hit) {
              state.entries[hit[0][0]] = true;
              var month = hit[0][3].slice(0, 7);
              state.months[month] = (state.months[month] || 0) + 1;
              hit[2].forEach(function (k) { state.tags[k] = (state.tags[k] || 0) + 1; });
            });
            show(list, hits, state);
          });
      });
      return chain;
    }).then(function () {
      var n = Object.keys(state.entries).length;
      status.textContent = state.clips + '件の切り抜き（' + n + '件の記事）' +
        (state.clips > SHOWN ? '。先頭の' + SHOWN + '件を表示しています。' : '');
      facets(box, list, query, state);
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

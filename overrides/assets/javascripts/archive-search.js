/* speech-archive search client: exact substring search for Chinese (character bigrams with positions)
 * and word search for other scripts, over the static index in search-index/ (see converter/search/FORMAT.md).
 * No dependencies; every request goes to this site only. */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../../", script ? script.src : location.href).href;
  var INDEX = ROOT + "search-index/";
  var PAGE_SIZE = 10;
  var LABELS = /^zh/i.test(document.documentElement.lang || "zh") ? {
    search: "搜索", fullText: "搜索全文", year: "年份", speaker: "讲话人", event: "活动", sort: "排序",
    relevance: "相关度", date: "日期（最新）", all: "全部", more: "更多结果", searching: "正在搜索…",
    found: function (n, q, more) { return "找到 " + n + (more ? " 篇以上" : " 篇") + "讲话包含“" + q + "”"; },
    none: function (q) { return "没有找到包含“" + q + "”的讲话"; },
    allResults: function (n, more) { return "全部 " + n + (more ? "+" : "") + " 条结果 →"; },
    partial: function (n, m) { return "已找到 " + n + " 篇；另有 " + m + " 篇可能包含，请点“更多结果”继续核实"; },
    failed: "搜索索引无法读取。请刷新页面重试；如仍不行，网站需要重新构建。",
    oldBrowser: "此浏览器版本过旧，无法使用全文搜索。请使用 Chrome/Edge 103、Firefox 113、Safari 16.4 或更新版本。",
  } : {
    search: "Search", fullText: "Search the full text", year: "Year", speaker: "Speaker", event: "Event",
    sort: "Sort", relevance: "Relevance", date: "Date (newest)", all: "All", more: "More results",
    searching: "Searching…",
    found: function (n, q, more) {
      return (more ? "More than " : "") + n + (n === 1 && !more ? " speech contains “" : " speeches contain “") + q + "”";
    },
    none: function (q) { return "No speech contains “" + q + "”"; },
    allResults: function (n, more) { return "All " + n + (more ? "+" : "") + " results →"; },
    partial: function (n, m) { return n + " found so far; " + m + " more may contain it: choose “More results”"; },
    failed: "The search index could not be read. Reload the page; if that does not help, the site needs to be rebuilt.",
    oldBrowser: "This browser is too old for the full-text search: it needs Chrome or Edge 103, Firefox 113, Safari 16.4 or later.",
  };

  /* ---------- tokenizer: the same rules as converter/search/tokens.py ---------- */
  var CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  var TOKEN_RE = new RegExp(
    "([" + CJK + "]+)|((?:(?![" + CJK + "])[\\p{L}\\p{N}])+)|([^\\S\\n]+)|([\\s\\S])", "gu");

  /* Runs of `text`: {kind: "cjk"|"word"|"other", value, slot, index} (spaces take no slot). */
  function runs(text) {
    var out = [];
    var slot = 0;
    var m;
    TOKEN_RE.lastIndex = 0;
    while ((m = TOKEN_RE.exec(text)) !== null) {
      if (m[1]) {
        out.push({ kind: "cjk", value: m[1], slot: slot, index: m.index });
        slot += Array.from(m[1]).length;
      } else if (m[2]) {
        out.push({ kind: "word", value: m[2].toLowerCase(), slot: slot, index: m.index });
        slot += 1;
      } else if (!m[3]) {
        out.push({ kind: "other", value: m[4], slot: slot, index: m.index });
        slot += 1;
      }
    }
    return out;
  }

  /* ---------- query parsing ---------- */

  /* A query is a list of phrases; each phrase must occur. Quotes keep a phrase together; outside quotes
   * spaces and punctuation separate phrases. A phrase is a list of index terms at slot offsets. */
  function parseQuery(query) {
    var phrases = [];
    var text = String(query || "").replace(/[\u201c\u201d\u300c\u300d\uff02]/g, '"');
    var re = /"([^"]*)"?|([^\s"]+)/g;
    var m;
    while ((m = re.exec(text)) !== null) {
      var tokens = runs(m[1] !== undefined ? m[1] : m[2]);
      if (m[1] !== undefined) {
        addPhrase(phrases, tokens);
      } else {
        var group = [];
        tokens.forEach(function (t) {
          if (t.kind === "other") {
            addPhrase(phrases, group);
            group = [];
          } else {
            group.push(t);
          }
        });
        addPhrase(phrases, group);
      }
    }
    return phrases;
  }

  function addPhrase(phrases, tokens) {
    // Punctuation at either end of a phrase says nothing; inside a quoted phrase it holds one slot.
    while (tokens.length && tokens[0].kind === "other") tokens = tokens.slice(1);
    while (tokens.length && tokens[tokens.length - 1].kind === "other") tokens = tokens.slice(0, -1);
    if (!tokens.length) return;
    var base = tokens[0].slot;
    var terms = [];
    tokens.forEach(function (t, run) {
      var at = t.slot - base;
      if (t.kind === "word") {
        terms.push({ term: t.value, offset: at, positional: true });
      } else if (t.kind === "cjk") {
        var chars = Array.from(t.value);
        if (chars.length === 1) {
          terms.push({ term: chars[0], offset: at, positional: false });
          return;
        }
        // The non-overlapping bigrams (the cover) prove the whole run when they line up; the others
        // ("extra") are fetched only when the cover's candidates would need many position files.
        for (var j = 0; j + 1 < chars.length; j++) {
          var cover = j % 2 === 0 || j === chars.length - 2;
          terms.push({ term: chars[j] + chars[j + 1], offset: at + j, positional: true, extra: !cover,
            run: run, index: j });
        }
      }
    });
    var check = terms.filter(function (t) { return t.positional && !t.extra; });
    phrases.push({
      terms: terms,
      check: check,
      // runs of three or more CJK characters, whose trigrams or 4-grams can narrow the candidates
      gramRuns: tokens.filter(function (t) { return t.kind === "cjk" && Array.from(t.value).length > 2; })
        .map(function (t) { return Array.from(t.value); }),
      pattern: tokens.map(function (t) { return escapeRe(t.value); }).join("[^\\S\\n]*"),
      verify: check.length > 1,
      slots: slotEnd(tokens[tokens.length - 1]) - base,
    });
  }

  function slotEnd(token) {
    return token.slot + (token.kind === "word" ? 1 : Array.from(token.value).length);
  }

  /* The index in `text` where slot `want` begins (slots counted from the start of `text`), or -1. */
  function charIndexOfSlot(text, want) {
    var at = -1;
    runs(text).some(function (t) {
      if (slotEnd(t) > want) {
        at = t.index + (t.kind === "word" ? 0 : want - t.slot);
        return true;
      }
      return false;
    });
    return at;
  }

  function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* ---------- fetching, with byte accounting for the benchmark ---------- */
  // byKind: bytes per folder of the index (t, p, m, x, ...), so the benchmark can say where they go.
  var stats = { requests: 0, bytes: 0, byKind: {} };
  var cache = new Map();

  /* The content of an index file. Every file but index.json is raw DEFLATE (FORMAT.md): the bytes
   * counted are the compressed ones, as they cross the network. */
  function fetchBytes(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(INDEX + path).then(function (r) {
        if (!r.ok) throw new Error("search index: " + path + ": " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        stats.requests += 1;
        stats.bytes += buf.byteLength;
        var kind = path.split("/")[0];
        stats.byKind[kind] = (stats.byKind[kind] || 0) + buf.byteLength;
        return path === "index.json" ? buf : inflate(buf);
      }).then(function (buf) { return new Uint8Array(buf); }));
    }
    return cache.get(path);
  }

  /* The index files are raw DEFLATE; browsers inflate it natively since Chrome 103, Firefox 113 and
   * Safari 16.4. */
  function canInflate() {
    try {
      return typeof DecompressionStream === "function" && !!new DecompressionStream("deflate-raw");
    } catch (e) {
      return false;
    }
  }

  function inflate(buf) {
    var stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer();
  }

  var decoder = new TextDecoder();
  function fetchJson(path) {
    return fetchBytes(path).then(function (b) { return JSON.parse(decoder.decode(b)); });
  }
  var decoders = { "utf-8": decoder };
  /* A snippet file, in the encoding index.json names ("utf-16le" for mostly Chinese text, else "utf-8"). */
  function fetchText(path, encoding) {
    encoding = encoding || "utf-8";
    if (!decoders[encoding]) decoders[encoding] = new TextDecoder(encoding);
    return fetchBytes(path).then(function (b) { return decoders[encoding].decode(b); });
  }

  var FORMAT = 3; // of the index this client reads (converter/search/FORMAT.md)
  /* Snippet file k of a document: its text from slot k * chunkSlots (FORMAT.md). */
  function fetchSnippetFile(doc, k, man) {
    return fetchText("x/" + doc + "/" + k, man.text);
  }

  var manifest = null;
  var manifestNow = null; // the manifest itself, once loaded (every search loads it first)
  function loadManifest() {
    if (!manifest) {
      manifest = fetchJson("index.json").then(function (man) {
        // A page cached from an older build must not misread a newer index (or the reverse).
        if (man.format !== FORMAT) throw new Error("search index format " + man.format + ", expected " + FORMAT);
        manifestNow = man;
        return man;
      });
    }
    return manifest;
  }

  /* ---------- the index ---------- */
  function fnv1a(term) {
    var bytes = new TextEncoder().encode(term);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function Reader(bytes, pos) {
    this.b = bytes;
    this.p = pos || 0;
  }
  Reader.prototype.varint = function () {
    var v = 0, shift = 0, byte;
    do {
      byte = this.b[this.p++];
      v += (byte & 127) * Math.pow(2, shift);
      shift += 7;
    } while (byte & 128);
    return v;
  };

  /* The doc-level entry of `term`: {docs: Int32Array, v: Uint8Array, ...} or null when absent. */
  function loadTerm(term) {
    return loadManifest().then(function (man) {
      var shard = fnv1a(term) % man.shards;
      return fetchBytes("t/" + shard).then(function (bytes) {
        var r = new Reader(bytes);
        var n = r.varint();
        var wanted = new TextEncoder().encode(term);
        for (var index = 0; index < n; index++) {
          var len = r.varint();
          var same = len === wanted.length;
          for (var k = 0; same && k < len; k++) same = bytes[r.p + k] === wanted[k];
          r.p += len;
          var size = r.varint();
          if (same) return decodeTerm(bytes, r.p, man.docs, shard + "-" + index);
          r.p += size;
        }
        return null;
      });
    });
  }

  function decodeTerm(bytes, start, count, name) {
    var r = new Reader(bytes, start);
    var df = r.varint();
    var mode = bytes[r.p++];
    var docs = new Int32Array(df);
    if (mode & 1) {
      readBitmap(bytes, r.p, count, docs);
      r.p += (count + 7) >> 3;
    } else {
      var last = 0;
      for (var j = 0; j < df; j++) docs[j] = last += r.varint();
    }
    var v = bytes.subarray(r.p, r.p + df);
    r.p += df;
    var entry = { docs: docs, v: v, name: name, positions: null, chunks: null };
    if ((mode & 6) === 2) entry.inline = { bytes: bytes, at: r.p };
    if (mode & 4) {
      var chunks = r.varint();
      entry.chunks = [];
      var first = 0;
      for (var c = 0; c < chunks; c++) {
        var size = r.varint();
        entry.chunks.push({ first: first, size: size });
        first += size;
      }
    }
    return entry;
  }

  /* The documents of a bitmap (bit d of byte d >> 3) at `at`, into `docs`; returns how many. */
  function readBitmap(bytes, at, count, docs) {
    var k = 0;
    for (var i = 0; i < (count + 7) >> 3; i++) {
      var byte = bytes[at + i];
      for (var bit = 0; byte; bit++, byte >>= 1) if (byte & 1) docs[k++] = i * 8 + bit;
    }
    return k;
  }

  /* The bucket of a trigram or 4-gram (its code points): the same hash as tokens.gram_buckets. */
  function gramBucket(points, bits) {
    var h = Math.imul(points[0], 0x9E3779B1) ^ points[1];
    for (var i = 2; i < points.length; i++) h = Math.imul(h, 0x85EBCA77) ^ points[i];
    return Math.imul(h, 0xC2B2AE3D) >>> (32 - bits);
  }

  /* The documents where some n-gram of `bucket` occurs (sorted): from file g/<bucket / gramsPerFile>,
   * which holds the size and the document list (mode byte 0: gaps, 1: bitmap) of each of its buckets. */
  function loadGramBucket(bucket, man) {
    var file = Math.floor(bucket / man.gramsPerFile);
    return fetchBytes("g/" + file).then(function (bytes) {
      var r = new Reader(bytes);
      for (var i = file * man.gramsPerFile; i < bucket; i++) {
        var skip = r.varint(); // (r.p += r.varint() would add to the position before the read)
        r.p += skip;
      }
      var size = r.varint();
      if (!size) return [];
      var end = r.p + size;
      if (bytes[r.p++] === 1) {
        var docs = new Int32Array(man.docs);
        return Array.from(docs.subarray(0, readBitmap(bytes, r.p, man.docs, docs)));
      }
      var list = [], last = 0;
      while (r.p < end) list.push(last += r.varint());
      return list;
    });
  }

  function indexOf(sorted, value) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < value) lo = mid + 1; else hi = mid;
    }
    return lo < sorted.length && sorted[lo] === value ? lo : -1;
  }

  /* Positions of `entry` in the given documents (sorted doc ids): Map doc -> array of slots. */
  function loadPositions(entry, docs) {
    var result = new Map();
    // Inline blocks are in document order; chunk files hold theirs in impact order (`order`).
    function readBlocks(bytes, at, firstIndex, lastIndex, wanted, order) {
      var r = new Reader(bytes, at);
      for (var i = firstIndex; i < lastIndex; i++) {
        var n = r.varint();
        var doc = entry.docs[order ? order[i] : i];
        if (wanted.has(doc)) {
          var slots = new Array(n);
          var slot = 0;
          for (var k = 0; k < n; k++) slots[k] = slot += r.varint();
          result.set(doc, slots);
        } else {
          for (var s = 0; s < n; s++) r.varint();
        }
      }
    }
    var wanted = new Set(docs);
    if (entry.inline) {
      readBlocks(entry.inline.bytes, entry.inline.at, 0, entry.docs.length, wanted);
      return Promise.resolve(result);
    }
    var needed = new Map();
    docs.forEach(function (doc) { needed.set(chunkOf(entry, doc), true); });
    return Promise.all(Array.from(needed.keys()).map(function (c) {
      var chunk = entry.chunks[c];
      return fetchBytes("p/" + entry.name + "-" + c).then(function (bytes) {
        readBlocks(bytes, 0, chunk.first, chunk.first + chunk.size, wanted, impactOrder(entry));
      });
    })).then(function () { return result; });
  }

  function intersect(a, b) {
    var out = [];
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  /* Match starts of the phrase in one document, from the positions of its terms. */
  function alignedStarts(phrase, positions, doc) {
    var starts = null;
    phrase.check.forEach(function (t) {
      var slots = positions.get(t.term).get(doc) || [];
      var set = new Set(slots.map(function (s) { return s - t.offset; }));
      starts = starts === null ? set : new Set(Array.from(starts).filter(function (s) { return set.has(s); }));
    });
    return Array.from(starts || []).sort(function (a, b) { return a - b; });
  }

  /* ---------- facets (loaded only when a filter is used) ---------- */
  var facets = null;
  function loadFacets() {
    if (!facets) facets = fetchJson("facets");
    return facets;
  }

  function applyFilters(docs, filters) {
    var active = ["year", "speaker", "event"].filter(function (k) { return filters && filters[k]; });
    if (!active.length) return Promise.resolve(docs);
    return loadFacets().then(function (f) {
      var spec = { year: ["years", "y"], speaker: ["speakers", "s"], event: ["events", "e"] };
      var tests = active.map(function (k) {
        var id = f[spec[k][0]].indexOf(filters[k]);
        var col = f[spec[k][1]];
        return function (doc) { return col[doc] === id; };
      });
      return docs.filter(function (doc) { return tests.every(function (t) { return t(doc); }); });
    });
  }

  /* ---------- search ---------- */

  /* Run a query. Resolves to a Search: {phrases, results: [{doc, score, slot}], pending, total, more(n)}.
   * Every result is exact. When proving phrases needs many position files, candidates are checked in
   * batches, best possible score (or newest) first, until the first `want` results are certain;
   * `pending` candidates are left unchecked and `more(n)` checks on until n results are certain
   * (more(Infinity) checks them all). */
  function search(query, options) {
    options = options || {};
    var phrases = parseQuery(query);
    var entries = new Map();
    var names = termNames(phrases, false);
    return loadTerms(names, entries, null).then(function (docs) {
      return docs && docs.length ? applyFilters(docs, options.filters) : [];
    }).then(function (docs) {
      return narrow(phrases, entries, docs);
    }).then(function (docs) {
      return new Search(phrases, entries, docs, options.sort).more(options.want || PAGE_SIZE);
    });
  }

  function termNames(phrases, extra) {
    var names = [];
    phrases.forEach(function (p) {
      p.terms.forEach(function (t) {
        if (!!t.extra === extra && names.indexOf(t.term) < 0) names.push(t.term);
      });
    });
    return names;
  }

  /* Fetch the entries of `names` into `entries`; resolve to the documents that have all of them (and are
   * in `docs`, when given), or null when a term occurs nowhere. */
  function loadTerms(names, entries, docs) {
    return Promise.all(names.map(function (name) {
      return loadTerm(name).then(function (e) { entries.set(name, e); });
    })).then(function () {
      if (!names.length && docs === null) return null;
      if (names.some(function (n) { return !entries.get(n); })) return null;
      names.forEach(function (n) {
        var list = entries.get(n).docs;
        docs = docs === null ? Array.from(list) : intersect(docs, list);
      });
      return docs;
    });
  }

  /* When the cover's candidates would need more position files than one batch, narrow them first by the
   * query's 4-grams or trigrams (a few hundred bytes each: a phrase of frequent bigrams is usually rare
   * as 4-grams), then, if still needed, by its other bigrams (a phrase made of frequent words usually has
   * a rare bigram where two words meet), and check each phrase with the cover that needs the fewest
   * position files. */
  function narrow(phrases, entries, docs) {
    var tooMany = function (d) { return positionFiles(phrases, entries, d) > settings.batchFiles; };
    if (!docs.length || !tooMany(docs)) return Promise.resolve(docs);
    return narrowByGrams(phrases, docs).then(function (fewer) {
      var extra = termNames(phrases, true);
      if (!fewer.length || !extra.length || !tooMany(fewer)) return fewer;
      return loadTerms(extra, entries, fewer).then(function (fewest) {
        if (!fewest) return [];
        phrases.forEach(function (p) { p.check = cheapestCover(p, entries, fewest); });
        return fewest;
      });
    });
  }

  /* The documents of `docs` that have the n-grams of every phrase (a document that lacks one cannot
   * contain the phrase; one that has them all is still checked with positions). A run of three
   * characters is one trigram; a longer run is checked by all its 4-grams: the ones where words meet
   * (业财政园 in 工业财政园区) are the selective ones. */
  function narrowByGrams(phrases, docs) {
    return loadManifest().then(function (man) {
      var buckets = [];
      phrases.forEach(function (p) {
        p.gramRuns.forEach(function (chars) {
          var points = chars.map(function (c) { return c.codePointAt(0); });
          var n = Math.min(points.length, 4);
          for (var j = 0; j + n <= points.length; j++) {
            var b = gramBucket(points.slice(j, j + n), man.gramBits);
            if (buckets.indexOf(b) < 0) buckets.push(b);
          }
        });
      });
      return Promise.all(buckets.map(function (b) { return loadGramBucket(b, man); }));
    }).then(function (lists) {
      return lists.reduce(function (left, list) { return intersect(left, list); }, docs);
    });
  }

  /* How many position files checking `docs` would fetch. */
  function positionFiles(phrases, entries, docs) {
    var n = 0;
    phrases.forEach(function (p) {
      if (p.verify) p.check.forEach(function (t) { n += filesFor(entries.get(t.term), docs); });
    });
    return n;
  }

  function filesFor(entry, docs) {
    if (!entry.chunks) return 0;
    var files = new Set();
    docs.forEach(function (doc) { files.add(chunkOf(entry, doc)); });
    return files.size;
  }

  /* The phrase's words plus, for each run of CJK characters, the bigrams that cover every character at
   * the least cost in position files (dynamic programming over the last covered character). */
  function cheapestCover(phrase, entries, docs) {
    var check = phrase.terms.filter(function (t) { return t.positional && t.run === undefined; });
    var runs = new Map();
    phrase.terms.forEach(function (t) {
      if (t.run !== undefined) (runs.get(t.run) || runs.set(t.run, []).get(t.run)).push(t);
    });
    runs.forEach(function (bigrams) {
      // best[c + 1]: the cheapest set covering characters 0..c of the run.
      var best = [{ cost: 0, terms: [] }];
      bigrams.forEach(function (b) {
        var cost = filesFor(entries.get(b.term), docs) + 0.001;
        [b.index, b.index + 1].forEach(function (from) {
          var prev = best[from];
          if (!prev) return;
          var next = best[b.index + 2];
          if (!next || prev.cost + cost < next.cost) {
            best[b.index + 2] = { cost: prev.cost + cost, terms: prev.terms.concat([b]) };
          }
        });
      });
      check = check.concat(best[bigrams.length + 1].terms);
    });
    return check;
  }

  // Position files fetched per batch of candidates, and by one call of Search.more (about 4 KB each).
  var settings = { batchFiles: 8, maxFiles: 24 };

  function Search(phrases, entries, docs, sort) {
    var self = this;
    this.phrases = phrases;
    this.entries = entries;
    this.sort = sort;
    this.results = [];
    this.chunked = [];
    phrases.forEach(function (p) {
      if (!p.verify) return;
      p.check.forEach(function (t) {
        var e = entries.get(t.term);
        if (e && e.chunks && self.chunked.indexOf(e) < 0) self.chunked.push(e);
      });
    });
    this.bounds = new Map(docs.map(function (d) { return [d, upperBound(phrases, entries, d)]; }));
    this.queue = docs.slice();
    if (sort !== "date") {
      this.queue.sort(function (a, b) { return self.bounds.get(b) - self.bounds.get(a) || a - b; });
    }
    this.loaded = new Set();
  }

  Object.defineProperty(Search.prototype, "pending", { get: function () { return this.queue.length; } });
  Object.defineProperty(Search.prototype, "total", { get: function () { return this.results.length; } });

  Search.prototype.settled = function (want) {
    if (!this.queue.length) return true;
    if (this.results.length < want) return false;
    if (this.sort === "date") return true; // candidates are checked newest first
    var last = this.results[want - 1], next = this.queue[0], bound = this.bounds.get(next);
    return last.score > bound || (last.score === bound && last.doc < next);
  };

  /* Check candidates until the first `want` results are certain; resolves to this search. */
  Search.prototype.more = function (want, files) {
    var self = this;
    var limit = this.loaded.size + (files === undefined ? settings.maxFiles : files);
    function step() {
      // Stop when the first `want` are certain, or when this call has fetched its share of position files
      // (a rare phrase of frequent words: the rest are checked when the user asks for more).
      if (self.settled(want) || self.loaded.size >= limit) return Promise.resolve(self);
      return verify(self.phrases, self.entries, self.nextBatch()).then(function (found) {
        self.results = self.results.concat(found);
        sortResults(self.results, self.sort);
        return step();
      });
    }
    return step();
  };

  /* The next candidates whose positions fit in `settings.batchFiles` files not fetched yet. */
  Search.prototype.nextBatch = function () {
    var files = this.loaded;
    var fresh = 0;
    var take = 0;
    while (take < this.queue.length) {
      var doc = this.queue[take];
      var needed = [];
      this.chunked.forEach(function (e) {
        var key = e.name + "-" + chunkOf(e, doc);
        if (!files.has(key) && needed.indexOf(key) < 0) needed.push(key);
      });
      if (take > 0 && fresh + needed.length > settings.batchFiles) break;
      needed.forEach(function (key) { files.add(key); });
      fresh += needed.length;
      take += 1;
    }
    return this.queue.splice(0, take).sort(function (a, b) { return a - b; });
  };

  /* The term's documents (as indexes into entry.docs) in the order of its chunk files: highest impact
   * first (title and heading flags, then the count, from the tf byte), ties in document order; and each
   * document's rank in that order. The builder sorts by the same key (builder.impact). */
  function impactOrder(entry) {
    if (!entry.order) {
      // A counting sort on the 256 possible keys, highest first: linear, and stable (document order).
      var v = entry.v;
      var starts = new Int32Array(257);
      var i;
      for (i = 0; i < v.length; i++) starts[256 - impactKey(v[i])]++;
      for (i = 1; i < 257; i++) starts[i] += starts[i - 1];
      var order = new Int32Array(v.length);
      var rank = new Int32Array(v.length);
      for (i = 0; i < v.length; i++) {
        var at = starts[255 - impactKey(v[i])]++;
        order[at] = i;
        rank[i] = at;
      }
      entry.order = order;
      entry.rank = rank;
    }
    return entry.order;
  }

  function impactKey(tf) {
    return (tf & 3) << 6 | tf >> 2;
  }

  function chunkOf(entry, doc) {
    impactOrder(entry);
    var i = entry.rank[indexOf(entry.docs, doc)];
    var lo = 0, hi = entry.chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (entry.chunks[mid].first <= i) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* The best score a document could have: the verified count of a phrase is at most the smallest tf. */
  function upperBound(phrases, entries, doc) {
    return phrases.reduce(function (score, p) {
      var d = docLevel(p, entries, doc);
      return score + phraseScore(d.flags, d.count);
    }, 0);
  }

  /* From the tf bytes: flags every term of the phrase has (title 2, heading 1) and the smallest count. */
  function docLevel(phrase, entries, doc) {
    var flags = 3, count = 63;
    phrase.terms.forEach(function (t) {
      if (!entries.get(t.term)) return;
      var v = tfOf(entries.get(t.term), doc);
      flags &= v & 3;
      count = Math.min(count, v >> 2);
    });
    return { flags: flags, count: count };
  }

  function phraseScore(flags, count) {
    return (flags & 2 ? 1000 : 0) + (flags & 1 ? 100 : 0) + count;
  }

  function tfOf(entry, doc) {
    return entry.v[indexOf(entry.docs, doc)];
  }

  function verify(phrases, entries, docs) {
    if (!docs.length) return Promise.resolve([]);
    var positions = new Map();
    var loads = [];
    var anchors = new Map(); // phrase -> the term whose occurrences are checked against the text
    var inText = new Map(); // phrase -> Map(doc -> starts found in the text)
    phrases.forEach(function (p) {
      var anchor = p.verify ? textAnchor(p, entries, docs) : null;
      if (anchor) anchors.set(p, anchor);
      p.terms.forEach(function (t) {
        var entry = entries.get(t.term);
        if (!entry) return; // an extra bigram that was not needed
        // Positions are needed to prove adjacency (of the anchor only, when the text is checked), or
        // (cheaply) to place a single term's first match.
        var proves = p.verify && (anchor ? t === anchor : p.check.indexOf(t) >= 0);
        if (proves || (p === phrases[0] && entry.inline)) {
          if (!positions.has(t.term)) {
            positions.set(t.term, null);
            loads.push(loadPositions(entry, docs).then(function (m) { positions.set(t.term, m); }));
          }
        }
      });
    });
    return Promise.all(loads).then(function () {
      return Promise.all(Array.from(anchors).map(function (pair) {
        return startsInText(pair[0], pair[1], positions.get(pair[1].term), docs).then(function (found) {
          inText.set(pair[0], found);
        });
      }));
    }).then(function () {
      var results = [];
      docs.forEach(function (doc) {
        var score = 0, slot = null;
        for (var i = 0; i < phrases.length; i++) {
          var p = phrases[i];
          var d = docLevel(p, entries, doc);
          var count = d.count;
          var first = null;
          if (p.verify) {
            var starts = inText.has(p) ? inText.get(p).get(doc) : alignedStarts(p, positions, doc);
            if (!starts.length) return;
            count = Math.min(starts.length, 63);
            first = starts[0];
          } else if (positions.get(p.terms[0].term)) {
            var slots = positions.get(p.terms[0].term).get(doc);
            if (slots && slots.length) first = slots[0] - p.terms[0].offset;
          }
          if (slot === null && first !== null) slot = first;
          score += phraseScore(d.flags, count);
        }
        results.push({ doc: doc, score: score, slot: slot });
      });
      return results;
    });
  }

  // Bytes of a position file and of a snippet file, compressed, on Chinese text (benchmarks/search.py).
  var POSITION_FILE_BYTES = 1700, SNIPPET_FILE_BYTES = 750;

  /* The check term whose occurrences to look up in the speeches' text, or null to prove the phrase with
   * positions. Proving 文化现立 takes the positions of 文化 and 现立; when 文化 is frequent, its position
   * files hold thousands of other speeches and each candidate needs its own. Taking the positions of
   * the rarer term only and reading the snippet file at each occurrence (about 750 bytes, and the very
   * file the result will show) is then cheaper. The phrase must fit in one snippet file's overlap. */
  function textAnchor(p, entries, docs) {
    if (p.check.length < 2 || !manifestNow || !(p.slots <= manifestNow.chunkOverlap + 1)) return null;
    var positionCost = 0;
    p.check.forEach(function (t) { positionCost += filesFor(entries.get(t.term), docs) * POSITION_FILE_BYTES; });
    var best = null, bestCost = positionCost;
    p.check.forEach(function (t) {
      var entry = entries.get(t.term);
      var occurrences = 0;
      docs.forEach(function (doc) { occurrences += tfOf(entry, doc) >> 2; });
      var cost = filesFor(entry, docs) * POSITION_FILE_BYTES + occurrences * SNIPPET_FILE_BYTES;
      if (cost < bestCost) { best = t; bestCost = cost; }
    });
    return best;
  }

  /* For each document, the starts of phrase `p` found in its text at the occurrences of `anchor`. */
  function startsInText(p, anchor, slotsByDoc, docs) {
    var size = manifestNow.chunkSlots;
    var re = new RegExp(p.pattern, "iuy");
    var found = new Map();
    return Promise.all(docs.map(function (doc) {
      var starts = (slotsByDoc.get(doc) || []).map(function (s) { return s - anchor.offset; })
        .filter(function (s) { return s >= 0; });
      return Promise.all(starts.map(function (s) {
        var k = Math.floor(s / size);
        return fetchSnippetFile(doc, k, manifestNow).then(function (text) {
          var at = charIndexOfSlot(text, s - k * size);
          re.lastIndex = at;
          return at >= 0 && re.test(text) ? s : null;
        });
      })).then(function (checked) {
        found.set(doc, checked.filter(function (s) { return s !== null; }));
      });
    })).then(function () { return found; });
  }

  function sortResults(results, sort) {
    if (sort === "date") {
      results.sort(function (a, b) { return a.doc - b.doc; });
    } else {
      results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    }
  }

  /* ---------- presenting results ---------- */

  function phraseRegex(phrases) {
    return new RegExp(phrases.map(function (p) { return p.pattern; }).join("|"), "giu");
  }

  /* Metadata, section and snippet of one result: {doc, meta, section, snippet: [text, hit, text, ...]}. */
  function describe(result, phrases) {
    var man;
    return loadManifest().then(function (m) {
      man = m;
      // The snippet file comes with the metadata: the one holding the match when its slot is known, else
      // the first, where the search for the phrase begins.
      var first = result.slot !== null ? Math.floor(result.slot / man.chunkSlots) : 0;
      fetchSnippetFile(result.doc, first, man).catch(function () {}); // reported when used
      return fetchJson("m/" + result.doc);
    }).then(function (meta) {
      return findSnippet(result, phrases, man, meta).then(function (found) {
        var slot = found ? found.slot : result.slot;
        var section = null;
        if (slot !== null) {
          meta.h.forEach(function (h) { if (h[0] <= slot) section = h; });
        }
        return { doc: result.doc, meta: meta, section: section, snippet: found ? found.parts : null };
      });
    });
  }

  function findSnippet(result, phrases, man, meta) {
    var size = man.chunkSlots;
    var re = phraseRegex(phrases);
    var chunks = Math.max(1, Math.ceil(meta.n / size));
    var first = result.slot !== null ? Math.floor(result.slot / size) : 0;
    var last = result.slot !== null ? first : Math.min(chunks, 4) - 1;
    function attempt(k) {
      if (k > last) return Promise.resolve(null);
      return fetchSnippetFile(result.doc, k, man).then(function (text) {
        var at = result.slot !== null ? Math.max(0, charIndexOfSlot(text, result.slot - k * size)) : 0;
        re.lastIndex = at;
        var m = re.exec(text);
        if (!m) {
          re.lastIndex = 0;
          m = re.exec(text);
        }
        if (!m) return attempt(k + 1);
        var before = text.slice(0, m.index);
        var slot = k * size + runs(before).reduce(function (n, t) { return slotEnd(t); }, 0);
        return { slot: slot, parts: cutSnippet(text, m.index, re) };
      });
    }
    return attempt(first);
  }

  /* The text around `at`, split into [plain, hit, plain, hit, ...]. */
  function cutSnippet(text, at, re) {
    var from = Math.max(0, at - 40);
    var to = Math.min(text.length, at + 80);
    var piece = text.slice(from, to).replace(/\s+/g, " ");
    var parts = [];
    var last = 0;
    var m;
    re.lastIndex = 0;
    while ((m = re.exec(piece)) !== null && m[0].length) {
      parts.push(piece.slice(last, m.index), m[0]);
      last = m.index + m[0].length;
    }
    parts.push(piece.slice(last));
    if (from > 0) parts[0] = "…" + parts[0];
    if (to < text.length) parts[parts.length - 1] += "…";
    return parts;
  }

  function resultUrl(item, query) {
    var url = ROOT + item.meta.u + "?h=" + encodeURIComponent(query);
    if (item.section && item.section[1]) url += "#" + encodeURIComponent(item.section[1]);
    return url;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function snippetNode(parts) {
    var node = el("span", { class: "sa-result__snippet" });
    (parts || []).forEach(function (part, i) {
      node.appendChild(i % 2 ? el("mark", { text: part }) : document.createTextNode(part));
    });
    return node;
  }

  function metaLine(meta, section) {
    var bits = [meta.d, meta.s, meta.e].filter(Boolean);
    var line = el("span", { class: "sa-result__meta", text: bits.join(" · ") });
    if (section && section[2]) line.appendChild(el("span", { class: "sa-result__section", text: " § " + section[2] }));
    return line;
  }

  /* ---------- the search box in the header (a combobox with a listbox of the best results) ---------- */
  function initBox() {
    var input = document.getElementById("sa-search-input");
    var list = document.getElementById("sa-search-list");
    if (!input || !list || input.dataset.saReady) return;
    input.dataset.saReady = "1";
    var timer = null, active = -1, generation = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function options() { return list.querySelectorAll('[role="option"]'); }
    function setActive(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function update() {
      var query = input.value.trim();
      var mine = ++generation;
      if (!query) return close();
      search(query).then(function (found) {
        return Promise.all(found.results.slice(0, 8).map(function (r) { return describe(r, found.phrases); }))
          .then(function (items) { return { found: found, items: items }; });
      }).then(function (out) {
        if (mine !== generation) return;
        list.textContent = "";
        active = -1;
        input.removeAttribute("aria-activedescendant");
        out.items.forEach(function (item, i) {
          var link = el("a", { href: resultUrl(item, query), tabindex: "-1" }, [
            el("strong", { class: "sa-result__title", text: item.meta.t }),
            metaLine(item.meta, item.section),
            snippetNode(item.snippet),
          ]);
          list.appendChild(el("li", { id: "sa-option-" + i, role: "option", "aria-selected": "false",
            class: "sa-search__option" }, [link]));
        });
        var any = out.found.total || out.found.pending;
        var summary = any ? LABELS.allResults(out.found.total, out.found.pending) : LABELS.none(query);
        list.appendChild(el("li", { role: "presentation", class: "sa-search__more" }, [
          any ? el("a", { href: ROOT + "search/?q=" + encodeURIComponent(query), tabindex: "-1" },
            [summary]) : summary,
        ]));
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }).catch(function (err) { console.warn(err); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        location.href = options()[active].querySelector("a").href;
      }
    });
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    document.addEventListener("keydown", function (e) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (e.key === "/" && !typing) { e.preventDefault(); input.focus(); }
    });
  }

  /* ---------- the search page ---------- */
  function initPage() {
    var root = document.getElementById("sa-search-page");
    if (!root || root.dataset.saReady) return;
    root.dataset.saReady = "1";
    var params = new URLSearchParams(location.search);
    var form = el("form", { class: "sa-page__form", role: "search" });
    var input = el("input", { id: "sa-page-q", type: "search", name: "q", value: params.get("q") || "",
      autocomplete: "off" });
    form.appendChild(el("label", { for: "sa-page-q", class: "sa-page__label", text: LABELS.fullText }));
    form.appendChild(input);
    var selects = {};
    ["year", "speaker", "event", "sort"].map(function (k) { return [k, LABELS[k]]; }).forEach(function (spec) {
      var select = el("select", { id: "sa-page-" + spec[0], name: spec[0] });
      if (spec[0] === "sort") {
        select.appendChild(el("option", { value: "relevance", text: LABELS.relevance }));
        select.appendChild(el("option", { value: "date", text: LABELS.date }));
      } else {
        select.appendChild(el("option", { value: "", text: LABELS.all }));
      }
      selects[spec[0]] = select;
      form.appendChild(el("label", { for: "sa-page-" + spec[0], class: "sa-page__filter" }, [spec[1] + " ", select]));
    });
    form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary", text: LABELS.search }));
    var status = el("p", { class: "sa-page__status", role: "status", "aria-live": "polite" });
    var list = el("ol", { class: "sa-page__results" });
    var more = el("button", { type: "button", class: "md-button", hidden: "", text: LABELS.more });
    root.append(form, status, list, more);

    var filled = null;
    function fillFacets() {
      if (!filled) {
        filled = loadFacets().then(function (f) {
          [["year", f.years], ["speaker", f.speakers], ["event", f.events]].forEach(function (spec) {
            spec[1].filter(Boolean).slice().sort().reverse().forEach(function (value) {
              selects[spec[0]].appendChild(el("option", { value: value, text: value }));
            });
            if (spec[0] !== "year") {
              var opts = Array.from(selects[spec[0]].options).slice(1);
              opts.sort(function (a, b) { return a.value.localeCompare(b.value, "zh"); });
              opts.forEach(function (o) { selects[spec[0]].appendChild(o); });
            }
            var wanted = params.get(spec[0]);
            if (wanted) selects[spec[0]].value = wanted;
          });
        });
      }
      return filled;
    }
    ["year", "speaker", "event"].forEach(function (k) {
      selects[k].addEventListener("focus", fillFacets);
      selects[k].addEventListener("mousedown", fillFacets);
    });
    if (params.get("sort")) selects.sort.value = params.get("sort");

    var current = null, shown = 0;
    function showMore() {
      var found = current.found;
      return found.more(shown + PAGE_SIZE).then(function () {
        var page = found.results.slice(shown, shown + PAGE_SIZE);
        shown += page.length;
        more.hidden = shown >= found.total && !found.pending;
        status.textContent = found.pending && shown >= found.total ? LABELS.partial(found.total, found.pending)
          : found.total ? LABELS.found(found.total, current.query, found.pending) : LABELS.none(current.query);
        return Promise.all(page.map(function (r) { return describe(r, found.phrases); }));
      }).then(function (items) {
        items.forEach(function (item) {
          list.appendChild(el("li", { class: "sa-result" }, [
            el("a", { href: resultUrl(item, current.query), class: "sa-result__title" }, [item.meta.t]),
            el("br"), metaLine(item.meta, item.section), el("br"), snippetNode(item.snippet),
          ]));
        });
      });
    }
    function run() {
      var query = input.value.trim();
      var filters = { year: selects.year.value, speaker: selects.speaker.value, event: selects.event.value };
      var started = performance.now();
      list.textContent = "";
      shown = 0;
      if (!query) { status.textContent = ""; more.hidden = true; return Promise.resolve(); }
      status.textContent = LABELS.searching;
      return search(query, { filters: filters, sort: selects.sort.value }).then(function (found) {
        current = { found: found, query: query };
        return showMore();
      }).then(function () {
        root.dataset.ms = String(Math.round(performance.now() - started));
      }, function (err) {
        console.warn(err);
        status.textContent = canInflate() ? LABELS.failed : LABELS.oldBrowser;
        more.hidden = true;
        root.dataset.error = "1";
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var url = new URL(location.href);
      url.search = "";
      url.searchParams.set("q", input.value.trim());
      ["year", "speaker", "event"].forEach(function (k) { if (selects[k].value) url.searchParams.set(k, selects[k].value); });
      if (selects.sort.value !== "relevance") url.searchParams.set("sort", selects.sort.value);
      history.replaceState(null, "", url);
      run();
    });
    Object.keys(selects).forEach(function (k) {
      selects[k].addEventListener("change", function () { form.requestSubmit(); });
    });
    more.addEventListener("click", showMore);
    var wantsFilter = ["year", "speaker", "event"].some(function (k) { return params.get(k); });
    (wantsFilter ? fillFacets() : Promise.resolve()).then(run);
  }

  /* ---------- highlighting the phrase on an opened speech ---------- */
  // A malformed escape in a shared link ("#%E0") must not stop the highlighting.
  function decodeHash(hash) {
    try {
      return decodeURIComponent(hash);
    } catch (e) {
      return hash;
    }
  }

  function highlightPage() {
    var query = new URLSearchParams(location.search).get("h");
    if (!query) return;
    var phrases = parseQuery(query);
    if (!phrases.length) return;
    var article = document.querySelector("article") || document.body;
    var re = phraseRegex(phrases);
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var marks = [];
    nodes.forEach(function (node) {
      if (marks.length > 500 || node.parentNode.closest("script,style,mark,.headerlink")) return;
      var text = node.nodeValue;
      re.lastIndex = 0;
      var m, last = 0, frag = null;
      while ((m = re.exec(text)) !== null && m[0].length) {
        frag = frag || document.createDocumentFragment();
        frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        var mark = el("mark", { class: "sa-hit", text: m[0] });
        frag.appendChild(mark);
        marks.push(mark);
        last = m.index + m[0].length;
      }
      if (frag) {
        frag.appendChild(document.createTextNode(text.slice(last)));
        node.parentNode.replaceChild(frag, node);
      }
    });
    if (!marks.length) return;
    var anchor = location.hash ? document.getElementById(decodeHash(location.hash.slice(1))) : null;
    var target = marks[0];
    if (anchor) {
      for (var i = 0; i < marks.length; i++) {
        if (anchor.compareDocumentPosition(marks[i]) & Node.DOCUMENT_POSITION_FOLLOWING) { target = marks[i]; break; }
      }
    }
    // The link to share or cite is the page's own, without the query.
    history.replaceState(history.state, "", location.pathname + location.hash);
    target.classList.add("sa-hit--current");
    target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  function init() {
    initBox();
    initPage();
    highlightPage();
  }

  window.archiveSearch = {
    search: search, parseQuery: parseQuery, describe: describe, stats: stats, runs: runs, settings: settings,
    gramBucket: gramBucket,
  };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* speech-archive search client: exact substring search for Chinese (character bigrams, proven in the text)
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

  /* Runs of `text`: {kind: "cjk"|"word"|"other", value, index, end} (spaces are skipped). */
  function runs(text) {
    var out = [];
    var m;
    TOKEN_RE.lastIndex = 0;
    while ((m = TOKEN_RE.exec(text)) !== null) {
      var end = m.index + m[0].length;
      if (m[1]) out.push({ kind: "cjk", value: m[1], index: m.index, end: end });
      else if (m[2]) out.push({ kind: "word", value: m[2].toLowerCase(), index: m.index, end: end });
      else if (!m[3]) out.push({ kind: "other", value: m[4], index: m.index, end: end });
    }
    return out;
  }

  /* ---------- query parsing ---------- */

  /* The phrases a query compares, for the chart of a phrase over time: up to three, separated by | (or
   * the full-width ｜). A query without | is one series. */
  function seriesOf(query) {
    var out = [];
    String(query || "").split(/[|\uff5c]/).forEach(function (part) {
      part = part.trim();
      if (part && out.indexOf(part) < 0 && out.length < 3) out.push(part);
    });
    return out;
  }

  /* A query is a list of phrases; each phrase must occur. Quotes keep a phrase together; outside quotes
   * spaces and punctuation separate phrases. A phrase's index terms say which speeches may contain it;
   * its pattern (a regular expression) says which do, in their text. */
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
    // Punctuation at either end of a phrase says nothing; inside a quoted phrase it must be there.
    while (tokens.length && tokens[0].kind === "other") tokens = tokens.slice(1);
    while (tokens.length && tokens[tokens.length - 1].kind === "other") tokens = tokens.slice(0, -1);
    if (!tokens.length) return;
    var terms = [];
    var gramRuns = [];
    tokens.forEach(function (t) {
      if (t.kind === "word") {
        terms.push({ term: t.value });
      } else if (t.kind === "cjk") {
        var chars = Array.from(t.value);
        if (chars.length === 1) {
          terms.push({ term: chars[0] });
          return;
        }
        // The non-overlapping bigrams and the last one (the cover): a speech without one of them cannot
        // contain the run. Its trigrams can rule out more (narrow).
        for (var j = 0; j + 1 < chars.length; j++) {
          if (j % 2 === 0 || j === chars.length - 2) terms.push({ term: chars[j] + chars[j + 1] });
        }
        if (chars.length > 2) gramRuns.push(chars);
      }
    });
    phrases.push({
      terms: terms,
      gramRuns: gramRuns, // runs of three or more CJK characters, whose trigrams can narrow the candidates
      pattern: phrasePattern(tokens),
      // One index term and nothing else: its document list and counts are the phrase's, no text to read.
      single: terms.length === 1 && tokens.length === 1,
    });
  }

  /* The phrase as it must appear in the text: tokens written together in the query must be together in
   * the text, and tokens the query separates by spaces must be separated by spaces (or tabs) there. So
   * "文化 现立" never matches 文化现立, and 文化现立 never matches "文化 现立": exact substrings. A word
   * must not continue into letters or digits on either side ("grow" is not in "growth"). */
  function phrasePattern(tokens) {
    return tokens.map(function (t, i) {
      var piece = escapeRe(t.value);
      if (t.kind === "word") piece = "(?<!" + WORD_CHAR + ")" + piece + "(?!" + WORD_CHAR + ")";
      var next = tokens[i + 1];
      return piece + (next && next.index > t.end ? "[^\\S\\n]+" : "");
    }).join("");
  }
  var WORD_CHAR = "(?![" + CJK + "])[\\p{L}\\p{N}]";

  function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* ---------- fetching, with byte accounting for the benchmark ---------- */
  // byKind: bytes per folder of the index (t, d, g, ...), so the benchmark can say where they go.
  var stats = { requests: 0, bytes: 0, byKind: {} };
  var cache = new Map();

  /* The content of an index file. Every file but index.json is raw DEFLATE (FORMAT.md): the bytes
   * counted are the compressed ones, as they cross the network. A failed fetch is forgotten, so the
   * next search asks again instead of failing for good. */
  function fetchBytes(path, keep) {
    if (keep === false && cache.has(path)) return cache.get(path);
    if (!cache.has(path) || keep === false) {
      var loading = fetch(INDEX + path).catch(function (err) {
        // A network error (not an HTTP error status) is tried once more: a dropped connection on a
        // mobile network, or the browser restarting its network process (which fails every fetch in
        // flight), should not fail the search. A slow or busy server delays a fetch; it does not fail it.
        if (!(err instanceof TypeError)) throw err;
        return new Promise(function (resolve) { setTimeout(resolve, 250); }).then(function () {
          return fetch(INDEX + path);
        });
      }).then(function (r) {
        if (!r.ok) throw new Error("search index: " + path + ": " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        stats.requests += 1;
        stats.bytes += buf.byteLength;
        var kind = path.split("/")[0];
        stats.byKind[kind] = (stats.byKind[kind] || 0) + buf.byteLength;
        return path === "index.json" ? buf : inflate(buf);
      }).then(function (buf) { return new Uint8Array(buf); });
      if (keep === false) return loading;
      loading.catch(function () { cache.delete(path); });
      cache.set(path, loading);
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

  var FORMAT = 4; // of the index this client reads (converter/search/FORMAT.md)
  // The speeches read lately, at most settings.keepDocs of them: counting a phrase year by year reads
  // thousands, and a phone must not hold them all. A Map iterates in insertion order: the first is the oldest.
  var docCache = new Map();
  /* One speech: {meta: {u, t, d, s, e, h}, text}. Its file holds the size of the metadata, the metadata
   * (JSON) and the text, in the encoding index.json names (FORMAT.md). */
  function loadDoc(doc) {
    var cached = docCache.get(doc);
    if (cached) {
      docCache.delete(doc); // most recently used: to the end
      docCache.set(doc, cached);
      return cached;
    }
    while (docCache.size >= settings.keepDocs) docCache.delete(docCache.keys().next().value);
    if (!docCache.has(doc)) {
      docCache.set(doc, loadManifest().then(function (man) {
        return fetchBytes("d/" + doc, false);
      }).then(function (bytes) {
        var r = new Reader(bytes);
        var size = r.varint();
        var meta = JSON.parse(decoder.decode(bytes.subarray(r.p, r.p + size)));
        var text = new TextDecoder(manifestNow.text).decode(bytes.subarray(r.p + size));
        return { meta: meta, text: text };
      }));
      docCache.get(doc).catch(function () { docCache.delete(doc); });
    }
    return docCache.get(doc);
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
      manifest.catch(function () { manifest = null; });
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

  /* The entry of `term`: {docs: Int32Array, v: Uint8Array} or null when absent. */
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
          if (same) return decodeTerm(bytes, r.p, man.docs);
          r.p += size;
        }
        return null;
      });
    });
  }

  function decodeTerm(bytes, start, count) {
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
    return { docs: docs, v: bytes.subarray(r.p, r.p + df) };
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

  /* The bucket of a trigram (its code points): the same hash as tokens.gram_buckets. */
  function gramBucket(points, bits) {
    var h = Math.imul(points[0], 0x9E3779B1) ^ points[1];
    for (var i = 2; i < points.length; i++) h = Math.imul(h, 0x85EBCA77) ^ points[i];
    return Math.imul(h, 0xC2B2AE3D) >>> (32 - bits);
  }

  /* The documents where some trigram of `bucket` occurs (sorted): from file g/<bucket / gramsPerFile>,
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

  function intersect(a, b) {
    var out = [];
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  /* ---------- facets (loaded only when a filter is used) ---------- */
  var facets = null;
  function loadFacets() {
    if (!facets) {
      facets = fetchJson("facets");
      facets.catch(function () { facets = null; });
    }
    return facets;
  }

  function applyFilters(docs, filters) {
    if (!hasFilters(filters)) return Promise.resolve(docs);
    return loadFacets().then(function (f) { return docs.filter(facetTest(f, filters)); });
  }

  var FILTERS = ["year", "speaker", "event"];
  function hasFilters(filters) {
    return FILTERS.some(function (k) { return filters && filters[k]; });
  }

  /* A test of a document number: does it have the year, speaker and event that `filters` ask for (those
   * given)? `omit` names a filter to ignore (the chart counts every year's speeches). */
  function facetTest(f, filters, omit) {
    var spec = { year: ["years", "y"], speaker: ["speakers", "s"], event: ["events", "e"] };
    var tests = FILTERS.filter(function (k) { return k !== omit && filters && filters[k]; }).map(function (k) {
      var id = f[spec[k][0]].indexOf(filters[k]);
      var col = f[spec[k][1]];
      return function (doc) { return col[doc] === id; };
    });
    return function (doc) { return tests.every(function (t) { return t(doc); }); };
  }

  /* ---------- search ---------- */

  /* Run a query. Resolves to a Search: {phrases, results: [{doc, score, at}], pending, total, more(n)}.
   * Every result is exact: a speech is a result when its text contains every phrase (or, for a phrase of
   * one index term, when the index says so). Candidates are read in batches, best possible score (or
   * newest) first, until the first `want` results are certain; `pending` candidates are left unread
   * and `more(n)` reads on until n results are certain (more(Infinity) reads them all). */
  function search(query, options) {
    options = options || {};
    var phrases = parseQuery(query);
    var entries = new Map();
    return loadTerms(termNames(phrases), entries, null).then(function (docs) {
      return docs && docs.length ? applyFilters(docs, options.filters) : [];
    }).then(function (docs) {
      return narrow(phrases, docs);
    }).then(function (docs) {
      return new Search(phrases, entries, docs, options.sort).more(options.want || PAGE_SIZE);
    });
  }

  function termNames(phrases) {
    var names = [];
    phrases.forEach(function (p) {
      p.terms.forEach(function (t) { if (names.indexOf(t.term) < 0) names.push(t.term); });
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

  /* When more candidates would have to be read than a page holds, rule some out by the trigrams of the
   * phrases' runs of three or more characters: first the trigrams that cover each run without overlap
   * (and its last one), then, if still too many remain, the others. A phrase of frequent bigrams is
   * usually rare as trigrams (工业财政园区 has all its bigrams in 53 of the benchmark's 2,000 speeches,
   * all its trigrams in 13, and occurs in 2), and the trigram where two words meet (业财政) is the
   * selective one. A trigram file costs about as much as one speech's document file. A bucket only rules
   * documents out: a hash collision costs a document read, never a wrong result. */
  function narrow(phrases, docs) {
    var tooMany = function (d) { return d.length > settings.narrowAbove; };
    var runs = [];
    phrases.forEach(function (p) { if (!p.single) runs = runs.concat(p.gramRuns); });
    if (!runs.length || !tooMany(docs)) return Promise.resolve(docs);
    var cover = [], rest = [];
    runs.forEach(function (chars) {
      var points = chars.map(function (c) { return c.codePointAt(0); });
      for (var j = 0; j + 3 <= points.length; j++) {
        var isCover = j % 3 === 0 || j === points.length - 3;
        (isCover ? cover : rest).push(points.slice(j, j + 3));
      }
    });
    return narrowByGrams(cover, docs).then(function (fewer) {
      return rest.length && tooMany(fewer) ? narrowByGrams(rest, fewer) : fewer;
    });
  }

  /* The documents of `docs` in the buckets of all of `grams` (trigrams as code points). */
  function narrowByGrams(grams, docs) {
    return loadManifest().then(function (man) {
      var buckets = [];
      grams.forEach(function (points) {
        var b = gramBucket(points, man.gramBits);
        if (buckets.indexOf(b) < 0) buckets.push(b);
      });
      return Promise.all(buckets.map(function (b) { return loadGramBucket(b, man); }));
    }).then(function (lists) {
      return lists.reduce(function (left, list) { return intersect(left, list); }, docs);
    });
  }

  // Speeches read per batch and per call of Search.more; narrowing starts above this many candidates.
  // keepDocs: speeches kept in memory once read.
  var settings = { batchDocs: 10, maxDocs: 20, narrowAbove: 10, keepDocs: 200 };

  function Search(phrases, entries, docs, sort) {
    var self = this;
    this.phrases = phrases;
    this.entries = entries;
    this.sort = sort;
    this.results = [];
    this.bounds = new Map(docs.map(function (d) { return [d, upperBound(phrases, entries, d)]; }));
    this.queue = docs.slice();
    if (sort !== "date") {
      this.queue.sort(function (a, b) { return self.bounds.get(b) - self.bounds.get(a) || a - b; });
    }
    if (phrases.every(function (p) { return p.single; })) {
      // Every phrase is one index term: its documents and its counts are the results and their scores.
      this.results = this.queue.map(function (d) { return { doc: d, score: self.bounds.get(d), at: null }; });
      this.queue = [];
    }
  }

  Object.defineProperty(Search.prototype, "pending", { get: function () { return this.queue.length; } });
  Object.defineProperty(Search.prototype, "total", { get: function () { return this.results.length; } });

  Search.prototype.settled = function (want) {
    if (!this.queue.length) return true;
    if (this.results.length < want) return false;
    if (this.sort === "date") return true; // candidates are read newest first
    var last = this.results[want - 1], next = this.queue[0], bound = this.bounds.get(next);
    return last.score > bound || (last.score === bound && last.doc < next);
  };

  /* Read candidates until the first `want` results are certain, or `docs` speeches (settings.maxDocs by
   * default) have been read by this call; resolves to this search. `options.batch` speeches are read at
   * once (settings.batchDocs by default) and `options.progress(read, left)` is called after each batch. */
  Search.prototype.more = function (want, docs, options) {
    var self = this;
    var budget = docs === undefined ? settings.maxDocs : docs;
    var batchSize = (options && options.batch) || settings.batchDocs;
    var progress = (options && options.progress) || function () {};
    var read = 0;
    function step() {
      if (self.settled(want) || budget <= 0) return Promise.resolve(self);
      var batch = self.queue.splice(0, Math.min(batchSize, budget));
      budget -= batch.length;
      return Promise.all(batch.map(function (doc) {
        return loadDoc(doc).then(function (d) { return match(self.phrases, doc, d); });
      })).then(function (found) {
        found.forEach(function (r) { if (r) self.results.push(r); });
        sortResults(self.results, self.sort);
        read += batch.length;
        progress(read, self.queue.length);
        return step();
      });
    }
    return step();
  };

  /* The best score a document could have, from the tf bytes: a phrase is in the title only if all its
   * terms are, and occurs no more often than its rarest term. */
  function upperBound(phrases, entries, doc) {
    return phrases.reduce(function (score, p) {
      var flags = 3, count = 63;
      p.terms.forEach(function (t) {
        var entry = entries.get(t.term);
        var v = entry.v[indexOf(entry.docs, doc)];
        flags &= v & 3;
        count = Math.min(count, v >> 2);
      });
      return score + phraseScore(flags, count);
    }, 0);
  }

  function phraseScore(flags, count) {
    return (flags & 2 ? 1000 : 0) + (flags & 1 ? 100 : 0) + count;
  }

  /* The result for one speech read in full, or null when a phrase is not in its text. Per phrase: 1000
   * when it is in the title, 100 when it is in a heading, plus the number of places it occurs (at most
   * 63), as the index counts a term; `at` is where the first phrase first occurs. */
  function match(phrases, doc, d) {
    var score = 0, at = null, places = 0;
    for (var i = 0; i < phrases.length; i++) {
      var found = placesOf(phrases[i], d.text);
      if (!found.length) return null;
      if (at === null) at = found[0];
      places += found.length;
      var inTitle = new RegExp(phrases[i].pattern, "iu").test(d.meta.t);
      var inHeading = d.meta.h.some(function (h) { return new RegExp(phrases[i].pattern, "iu").test(h[2]); });
      score += phraseScore((inTitle ? 2 : 0) | (inHeading ? 1 : 0), Math.min(found.length, 63));
    }
    // places: every place where a phrase occurs (no cap), for the concordance and the CSV
    return { doc: doc, score: score, at: at, places: places };
  }

  /* Where `phrase` occurs in `text` (offsets, ascending). Overlapping places count, as they do for a
   * term (哈哈 occurs twice in 哈哈哈). */
  function placesOf(phrase, text) {
    var re = new RegExp(phrase.pattern, "giu");
    var out = [];
    var m;
    while ((m = re.exec(text)) !== null) {
      out.push(m.index);
      re.lastIndex = m.index + 1;
    }
    return out;
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
    return loadDoc(result.doc).then(function (d) {
      var re = phraseRegex(phrases);
      var at = result.at;
      if (at === null) {
        var m = re.exec(d.text);
        at = m ? m.index : null;
      }
      var section = null;
      if (at !== null) d.meta.h.forEach(function (h) { if (h[0] <= at) section = h; });
      return { doc: result.doc, meta: d.meta, section: section, snippet: at === null ? null : cutSnippet(d.text, at, re) };
    });
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
    var trendBox = el("div", { class: "sa-page__trend" });
    var list = el("ol", { class: "sa-page__results" });
    var more = el("button", { type: "button", class: "md-button sa-page__more", hidden: "", text: LABELS.more });
    root.append(form, status, trendBox, list, more);

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

    var current = null, shown = 0, busy = null, busyFor = null;
    /* The status line and the "more" button for what is known now (the count by year may have read every
     * candidate since the page was shown). */
    function showStatus() {
      var found = current.found, query = current.query;
      // Hidden once every result is shown and no candidate is left to read.
      more.hidden = shown >= found.total && !found.pending;
      status.textContent = found.pending && shown >= found.total ? LABELS.partial(found.total, found.pending)
        : found.total ? LABELS.found(found.total, query, found.pending) : LABELS.none(query);
    }
    /* Show the next page of results. One call at a time: a second click while a page is loading waits
     * for it instead of appending the same results twice. */
    function showMore() {
      if (busy && busyFor === current) return busy;
      var search = current;
      busyFor = search;
      var found = search.found;
      more.disabled = true;
      busy = found.more(shown + PAGE_SIZE).then(function () {
        var page = found.results.slice(shown, shown + PAGE_SIZE);
        shown += page.length;
        showStatus();
        return Promise.all(page.map(function (r) { return describe(r, found.phrases); }));
      }).then(function (items) {
        if (search !== current) return; // a newer search replaced this one meanwhile
        items.forEach(function (item) {
          list.appendChild(el("li", { class: "sa-result" }, [
            el("a", { href: resultUrl(item, search.query), class: "sa-result__title" }, [item.meta.t]),
            el("br"), metaLine(item.meta, item.section), el("br"), snippetNode(item.snippet),
          ]));
        });
      }).finally(function () {
        if (busyFor === search) {
          busy = busyFor = null;
          more.disabled = false;
        }
      });
      return busy;
    }
    function run() {
      var query = input.value.trim();
      // "A|B|C" compares up to three phrases over time; the results listed are those of the first
      var series = seriesOf(query);
      var filters = { year: selects.year.value, speaker: selects.speaker.value, event: selects.event.value };
      var options = { filters: filters, sort: selects.sort.value };
      var started = performance.now();
      list.textContent = "";
      trendBox.textContent = "";
      shown = 0;
      if (!series.length) { status.textContent = ""; more.hidden = true; return Promise.resolve(); }
      status.textContent = LABELS.searching;
      return search(series[0], options).then(function (found) {
        current = { found: found, query: series[0] };
        return showMore();
      }).then(function () {
        root.dataset.ms = String(Math.round(performance.now() - started));
        // The chart fills in after the first page of results, which must not wait for it.
        if (current.found.total || current.found.pending || series.length > 1) {
          var search = current;
          showTrend(trendBox, { series: series, filters: filters, sort: options.sort, first: search.found,
            counted: function () { if (search === current) showStatus(); } });
        }
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

  /* The phrase over time (archive-trend.js), loaded only when the search page first needs it. */
  var trendModule = null;
  function showTrend(box, options) {
    if (!trendModule) {
      trendModule = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = ROOT + "assets/javascripts/archive-trend.js";
        tag.onload = function () { resolve(window.archiveTrend); };
        tag.onerror = function () { trendModule = null; reject(new Error("archive-trend.js did not load")); };
        document.head.appendChild(tag);
      });
    }
    return trendModule.then(function (trend) { return trend.show(box, options); })
      .catch(function (err) { console.warn(err); });
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
    // ?n=k: the k-th place after the section's heading (a concordance line links to its own place)
    var nth = Math.max(1, parseInt(new URLSearchParams(location.search).get("n"), 10) || 1);
    var after = marks.filter(function (mark) {
      return !anchor || anchor.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    var target = after[Math.min(nth, after.length) - 1] || marks[0];
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
    gramBucket: gramBucket, seriesOf: seriesOf, loadFacets: loadFacets, loadDoc: loadDoc, placesOf: placesOf,
    sortResults: sortResults, phraseRegex: phraseRegex, facetTest: facetTest, el: el, root: ROOT, labels: LABELS,
  };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

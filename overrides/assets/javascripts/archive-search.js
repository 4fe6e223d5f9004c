/* speech-archive search client: exact substring search for Chinese (character bigrams, proven in the text)
 * and word search for other scripts, over the static index in search-index/ (see converter/search/FORMAT.md).
 * No dependencies; every request goes to this site only. */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../../", script ? script.src : location.href).href;
  var INDEX = ROOT + "search-index/";
  var PAGE_SIZE = 10;
  /* “A”, or “A”、“B”和“C” / “A”, “B” and “C”: a query's phrases in the status line. */
  function quoted(qs, comma, and) {
    var q = qs.map(function (x) { return "“" + x + "”"; });
    return q.length < 2 ? q.join("") : q.slice(0, -1).join(comma) + and + q[q.length - 1];
  }
  /* The phrases of a search as the reader wrote them (the query itself when it has none to search). */
  function textsOf(found, query) {
    var qs = (found.phrases || []).map(function (p) { return p.text; });
    return qs.length ? qs : [query];
  }
  function contains(qs) { return (qs.length > 1 ? "同时包含" : "包含") + quoted(qs, "、", "和"); }
  function listed(qs) { return quoted(qs, ", ", " and "); }

  var LABELS = /^zh/i.test(document.documentElement.lang || "zh") ? {
    search: "搜索", fullText: "搜索全文", year: "年份", speaker: "讲话人", event: "活动", sort: "排序",
    relevance: "相关度", date: "日期（最新）", all: "全部", more: "更多结果", searching: "正在搜索…",
    // qs: the query's phrases, each of which a result contains (not necessarily together)
    found: function (n, qs, more) { return "找到 " + n + (more ? " 篇以上" : " 篇") + "讲话" + contains(qs); },
    none: function (qs) { return "没有找到" + contains(qs) + "的讲话"; },
    allResults: function (n, more) { return "全部 " + n + (more ? "+" : "") + " 条结果 →"; },
    partial: function (n, m) { return "已找到 " + n + " 篇；另有 " + m + " 篇可能包含，请点“更多结果”继续核实"; },
    failed: "搜索索引无法读取。请刷新页面重试；如仍不行，网站需要重新构建。",
    oldBrowser: "此浏览器版本过旧，无法使用全文搜索。请使用 Chrome/Edge 103、Firefox 113、Safari 16.4 或更新版本。",
  } : {
    search: "Search", fullText: "Search the full text", year: "Year", speaker: "Speaker", event: "Event",
    sort: "Sort", relevance: "Relevance", date: "Date (newest)", all: "All", more: "More results",
    searching: "Searching…",
    found: function (n, qs, more) {
      return (more ? "More than " : "") + n + (n === 1 && !more ? " speech contains " : " speeches contain ") + listed(qs);
    },
    none: function (qs) { return "No speech contains " + listed(qs); },
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
      else if (m[2]) out.push({ kind: "word", value: m[2].toLowerCase(), written: m[2], index: m.index, end: end });
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
        tokens.forEach(function (t, i) {
          if (t.kind === "other" && !inWord(tokens, i)) {
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

  /* An apostrophe between two words written against it (tea's, don't) is part of one phrase: "tea's"
   * is not "tea" and "s" anywhere in the speech. */
  function inWord(tokens, i) {
    var t = tokens[i], before = tokens[i - 1], after = tokens[i + 1];
    return APOSTROPHE.test(t.value) && !!before && !!after && before.kind === "word" && after.kind === "word" &&
      before.end === t.index && t.end === after.index;
  }
  var APOSTROPHE = /^['\u2019]$/;

  function addPhrase(phrases, tokens) {
    // Punctuation at either end of a phrase says nothing; inside a quoted phrase it must be there.
    while (tokens.length && tokens[0].kind === "other") tokens = tokens.slice(1);
    while (tokens.length && tokens[tokens.length - 1].kind === "other") tokens = tokens.slice(0, -1);
    if (!tokens.length) return;
    var terms = [];
    var first = tokens[0].index;
    tokens.forEach(function (t) {
      // at: where the term starts in the phrase (in UTF-16 code units, as the text's offsets count)
      if (t.kind === "word") {
        terms.push({ term: t.value, at: t.index - first });
      } else if (t.kind === "cjk") {
        var chars = Array.from(t.value);
        if (chars.length === 1) {
          terms.push({ term: chars[0], at: t.index - first });
          return;
        }
        // Every bigram: a speech without one of them cannot contain the run; the rarest say most
        // (chooseTerms). CJK characters are one code unit each.
        for (var j = 0; j + 1 < chars.length; j++) {
          terms.push({ term: chars[j] + chars[j + 1], at: t.index - first + j, pair: true });
        }
      }
    });
    phrases.push({
      // As the reader wrote it, for the page's status line.
      text: tokens.map(function (t, i) {
        return (i && t.index > tokens[i - 1].end ? " " : "") + (t.written || t.value);
      }).join(""),
      allTerms: terms,
      terms: terms, // the terms whose postings are read: chooseTerms keeps the rarest bigrams
      pattern: phrasePattern(tokens),
      // One index term and nothing else: its document list and counts are the phrase's, no text to read.
      single: terms.length === 1 && tokens.length === 1,
      // Written together (no spaces between its tokens), the phrase has one length in the text.
      fixed: tokens.every(function (t, i) { return i === 0 || t.index === tokens[i - 1].end; }),
      // It begins with a Chinese character: nothing before it is tested, so a place can be seen from the
      // character stored before a block (a word's place needs the character before it: not a letter).
      cjkFirst: tokens[0].kind === "cjk",
      length: tokens[tokens.length - 1].end - first,
    });
  }

  /* The phrase as it must appear in the text: tokens written together in the query must be together in
   * the text, and tokens the query separates by spaces must be separated by spaces (or tabs) there. So
   * "文化 现立" never matches 文化现立, and 文化现立 never matches "文化 现立": exact substrings. A word
   * must not continue into letters or digits on either side ("grow" is not in "growth"). */
  function phrasePattern(tokens) {
    return tokens.map(function (t, i) {
      // Typed ' or ’, either stands in the text (Word writes ’).
      var piece = t.kind === "other" && APOSTROPHE.test(t.value) ? "['\u2019]" : escapeRe(t.value);
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
  // byKind: bytes per folder of the index (t, d, ...), so the benchmark can say where they go.
  var stats = { requests: 0, bytes: 0, byKind: {} };

  function counted(path, bytes) {
    stats.requests += 1;
    stats.bytes += bytes;
    var kind = path.split("/")[0];
    stats.byKind[kind] = (stats.byKind[kind] || 0) + bytes;
  }

  /* fetch(), tried once more after a network error (not an HTTP error status): a dropped connection on a
   * mobile network, or the browser restarting its network process (which fails every fetch in flight),
   * should not fail the search. A slow or busy server delays a fetch; it does not fail it. */
  function fetchAgain(url, init) {
    return fetch(url, init).catch(function (err) {
      if (!(err instanceof TypeError)) throw err;
      return new Promise(function (resolve) { setTimeout(resolve, 250); }).then(function () {
        return fetch(url, init);
      });
    });
  }

  /* A whole small file (index.json, facets), kept for the page's life. A failed fetch is forgotten, so the
   * next search asks again instead of failing for good. */
  var cache = new Map();
  function fetchWhole(path) {
    return remembered(cache, path, Infinity, function () {
      return fetchAgain(INDEX + path).then(function (r) {
        if (!r.ok) throw new Error("search index: " + path + ": " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        counted(path, buf.byteLength);
        return new Uint8Array(buf);
      });
    });
  }

  /* The bytes start..end-1 of an index file (FORMAT.md: shards and speeches are read in parts). It asks
   * with a Range request; a server that ignores Range (python -m http.server, mkdocs serve) answers with
   * the whole file, which is then kept, so that the file's other parts cost nothing more. `fresh`: past
   * the browser's HTTP cache, neither read from it nor written to it (cache: "no-store"). */
  var wholeFiles = new Map(); // path -> Uint8Array, the most recent settings.keepFiles of them
  function fetchRange(path, start, end, fresh) {
    var whole = wholeFiles.get(path);
    if (whole) return Promise.resolve(whole.subarray(start, Math.min(end, whole.length)));
    var init = { headers: { Range: "bytes=" + start + "-" + (end - 1) }, cache: fresh ? "no-store" : "default" };
    return fetchAgain(INDEX + path, init).then(function (r) {
      if (!r.ok) throw new Error("search index: " + path + ": " + r.status);
      return r.arrayBuffer().then(function (buf) {
        counted(path, buf.byteLength);
        var bytes = new Uint8Array(buf);
        if (r.status === 206) {
          if (isPart(r.headers.get("Content-Range"), start, end, bytes.length)) return bytes;
          // Chromium's cache can answer a range with a shorter one it holds from an earlier request
          // (when the server sends no ETag): ask the server itself.
          if (!fresh) return fetchRange(path, start, end, true);
          throw new Error("search index: " + path + ": a part other than the one asked for");
        }
        while (wholeFiles.size >= settings.keepFiles) wholeFiles.delete(wholeFiles.keys().next().value);
        wholeFiles.set(path, bytes);
        return bytes.subarray(start, Math.min(end, bytes.length));
      });
    });
  }

  /* Is a 206 answer (its Content-Range, "bytes a-b/size", and its length) the part start..end-1, or all
   * of it that the file has? */
  function isPart(range, start, end, length) {
    var m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range || "");
    if (!m || +m[1] !== start || length !== +m[2] - start + 1) return false;
    return +m[2] === end - 1 || (m[3] !== "*" && +m[2] === +m[3] - 1);
  }

  /* The bytes start..end-1 of a file whose beginning `head` holds already, or fetched (only what `head`
   * does not hold; past the HTTP cache when `fresh`). */
  function partOf(path, head, start, end, fresh) {
    if (end <= head.length) return Promise.resolve(head.subarray(start, end));
    if (start >= head.length) return fetchRange(path, start, end, fresh);
    return fetchRange(path, head.length, end, fresh).then(function (rest) {
      var all = new Uint8Array(end - start);
      all.set(head.subarray(start));
      all.set(rest, head.length - start);
      return all;
    });
  }

  /* A file's first `size` bytes: the first read (index.json's firstRead), and the rest when they do not
   * fit in it. */
  function fetchPrefix(path, first, size) {
    return fetchRange(path, 0, first).then(function (bytes) {
      var r = new Reader(bytes);
      var end = r.varint() + r.p;
      if (end <= bytes.length) return bytes;
      return fetchRange(path, bytes.length, end).then(function (rest) {
        var all = new Uint8Array(bytes.length + rest.length);
        all.set(bytes);
        all.set(rest, bytes.length);
        return all;
      });
    });
  }

  /* The index files' parts are raw DEFLATE; browsers inflate it natively since Chrome 103, Firefox 113
   * and Safari 16.4. */
  function canInflate() {
    try {
      return typeof DecompressionStream === "function" && !!new DecompressionStream("deflate-raw");
    } catch (e) {
      return false;
    }
  }

  /* Inflate `parts` (Uint8Arrays that continue one another) into one Uint8Array, dropping its first `skip`
   * bytes. The parts go straight into the stream and the output is read chunk by chunk: wrapping them in a
   * Blob and reading through a Response cost more than the inflating (a Blob is registered with the
   * browser process), and a block's stream begins with the 32 KB dictionary, which need not be copied. */
  function inflate(parts, skip) {
    parts = parts instanceof Uint8Array ? [parts] : parts;
    skip = skip || 0;
    var stream = new DecompressionStream("deflate-raw");
    var writer = stream.writable.getWriter();
    // A corrupt part rejects these too; the reader below reports it, so they need no handler of their own.
    parts.forEach(function (part) { writer.write(part).catch(function () {}); });
    writer.close().catch(function () {});
    var reader = stream.readable.getReader();
    var chunks = [];
    var size = 0;
    var seen = 0; // bytes of output so far, the skipped ones included
    function next() {
      return reader.read().then(function (r) {
        if (r.done) return joined(chunks, size);
        var chunk = r.value;
        if (seen + chunk.length > skip) {
          var kept = seen >= skip ? chunk : chunk.subarray(skip - seen);
          chunks.push(kept);
          size += kept.length;
        }
        seen += chunk.length;
        return next();
      });
    }
    return next();
  }

  function joined(chunks, size) {
    if (chunks.length === 1) return chunks[0];
    var out = new Uint8Array(size);
    var at = 0;
    chunks.forEach(function (c) { out.set(c, at); at += c.length; });
    return out;
  }

  var decoder = new TextDecoder();
  function fetchJson(path, deflated) {
    return fetchWhole(path).then(function (b) { return deflated ? inflate(b) : b; }).then(function (b) {
      return JSON.parse(decoder.decode(b));
    });
  }

  var FORMAT = 7; // of the index this client reads (converter/search/FORMAT.md)
  var manifest = null;
  var manifestNow = null; // the manifest itself, once loaded (every search loads it first)
  function loadManifest() {
    if (!manifest) {
      manifest = fetchJson("index.json", false).then(function (man) {
        // A page cached from an older build must not misread a newer index (or the reverse).
        if (man.format !== FORMAT) throw new Error("search index format " + man.format + ", expected " + FORMAT);
        manifestNow = man;
        return man;
      });
      manifest.catch(function () { manifest = null; });
    }
    return manifest;
  }

  /* ---------- a speech: its header, its blocks of text, its metadata ---------- */
  // The speeches read lately, at most settings.keepDocs of them: counting a phrase year by year reads
  // thousands, and a phone must not hold them all. A Map iterates in insertion order: the first is the oldest.
  var docCache = new Map();

  /* The header of speech `doc` (FORMAT.md): the text's length, where each block starts and lies in the
   * file, where the metadata lies, and the lines (title, headings) whose places score more. Blocks and
   * metadata are read when needed (blockOf, metaOf). `blocks`: how many of the first blocks the caller
   * reads next; they follow the header in the file, so they are asked for with it (about BLOCK_BYTES
   * each), saving a request's wait. */
  function loadHead(doc, blocks) {
    return remembered(docCache, doc, settings.keepDocs, function () {
      return loadManifest().then(function (man) {
        return fetchPrefix("d/" + doc, man.firstRead.d + (blocks || 0) * BLOCK_BYTES);
      }).then(function (bytes) {
        var r = new Reader(bytes);
        var head = blockFields(doc, r, r.varint() + r.p);
        head.metaAt = [head.end, head.end + r.varint()];
        var lines = r.varint(), offset = 0;
        for (var i = 0; i < lines; i++) head.lines.push([offset += r.varint(), r.varint()]);
        head.first = bytes;
        return head;
      });
    });
  }

  /* The promise for `key` in `cache` (a Map, least recently used first), made by load() when missing and
   * forgotten when it fails, so that the next call asks again. At most `limit` are kept: a page that runs
   * many searches (the count by year reads thousands of speeches and dozens of terms a phrase) must not
   * hold every speech, term and shard directory it met. */
  function remembered(cache, key, limit, load) {
    var value = cache.get(key);
    if (value !== undefined) {
      cache.delete(key); // most recently used: to the end
      cache.set(key, value);
      return value;
    }
    while (cache.size >= limit) cache.delete(cache.keys().next().value);
    value = load();
    value.catch(function () { if (cache.get(key) === value) cache.delete(key); });
    cache.set(key, value);
    return value;
  }

  /* A speech's head from the header's fields about its blocks (the text's length, the block count, each
   * block's gap and sizeLead), read by `r`; its blocks begin at byte `begin` of the file. */
  function blockFields(doc, r, begin) {
    var head = { doc: doc, path: "d/" + doc, units: r.varint(), starts: [], leads: [], at: [], sizes: [],
      lines: [], blocks: new Map(), meta: null, first: null, bulk: false };
    var count = r.varint(), start = 0, at = begin;
    for (var k = 0; k < count; k++) {
      head.starts.push(start += r.varint());
      var sizeLead = r.varint();
      head.leads.push(sizeLead % 4);
      head.sizes.push(Math.floor(sizeLead / 4));
      head.at.push(at);
      at += head.sizes[k];
    }
    head.end = at;
    return head;
  }

  /* The block tables (FORMAT.md: b/<n>, the block fields of blockTables.docs speeches each), kept for the
   * page's life: {bytes, at: where each speech's record begins}. A table of another size than index.json
   * gives, or with another number of speeches, is from another build: it is refused (the speeches' own
   * headers are read instead), for it would point into the wrong bytes. */
  var tables = new Map();
  function loadTable(n) {
    return remembered(tables, n, Infinity, function () {
      var man = manifestNow, per = man.blockTables.docs;
      var refused = new Error("search index: b/" + n + " is not the table index.json describes");
      return fetchWhole("b/" + n).then(function (packed) {
        if (packed.length !== man.blockTables.bytes[n]) throw refused;
        return inflate(packed);
      }).then(function (bytes) {
        var r = new Reader(bytes), at = [];
        while (r.p < bytes.length) {
          at.push(r.p);
          r.varint();
          r.varint();
          for (var k = 2 * r.varint(); k > 0; k--) r.varint();
        }
        if (at.length !== Math.min(per, man.docs - n * per)) throw refused;
        return { bytes: bytes, at: at };
      });
    });
  }

  /* Speech `doc`'s head from its block table: its blocks, without the lines (title, headings) or where
   * its metadata is; enough to prove a phrase by date, one request a speech instead of two in a row. Not
   * kept with the speeches read (docCache): a result shown reads its real header. Its blocks are read
   * past the browser's HTTP cache (`bulk`): the count by year reads a thousand speeches this way, and
   * Chromium writing a cache entry for each part cost more than the reading (the count of a phrase in
   * 1,000 of 10,000 speeches: 2.6 s with the cache, 1.6 s without), for parts seldom asked for again. */
  function tableHead(doc) {
    var per = manifestNow.blockTables.docs;
    return loadTable(Math.floor(doc / per)).then(function (table) {
      var r = new Reader(table.bytes, table.at[doc % per]);
      var head = blockFields(doc, r, r.varint());
      head.first = new Uint8Array(0);
      head.bulk = true;
      return head;
    });
  }

  /* Of `docs` (every candidate, read by date), those to read through their block table: the groups
   * whose table costs less than their candidates' headers, each a first read and a request in a row
   * (REQUEST_BYTES: on the wire its headers alone take a few hundred bytes). At 10,000 speeches a
   * table holds 1,024 speeches in about 34 KB: worth it from about 90 candidates among them. */
  function viaTables(docs) {
    var man = manifestNow, blockTables = man.blockTables, out = new Set();
    if (!blockTables) return out;
    var inGroup = new Map();
    docs.forEach(function (d) {
      var g = Math.floor(d / blockTables.docs);
      inGroup.set(g, (inGroup.get(g) || 0) + 1);
    });
    docs.forEach(function (d) {
      var g = Math.floor(d / blockTables.docs);
      if (inGroup.get(g) * (man.firstRead.d + REQUEST_BYTES) > blockTables.bytes[g]) out.add(d);
    });
    return out;
  }
  var REQUEST_BYTES = 250;

  /* The texts of blocks `ks` (ascending) of a speech, each with the character before it and the overlap
   * after it (FORMAT.md). Neighbouring blocks not yet read are fetched with one request. */
  function loadBlocks(head, ks) {
    var wanted = ks.filter(function (k) { return !head.blocks.has(k); });
    var i = 0;
    while (i < wanted.length) {
      var j = i;
      while (j + 1 < wanted.length && wanted[j + 1] === wanted[j] + 1) j++;
      readBlocks(head, wanted[i], wanted[j]);
      i = j + 1;
    }
    return Promise.all(ks.map(function (k) { return head.blocks.get(k); }));
  }

  /* The blocks' preset dictionary (FORMAT.md) as the beginning of a DEFLATE stream: one stored block that
   * holds it, which every block's compressed data continues (it was compressed with that dictionary in
   * DEFLATE's window). Read once, when the first block is. */
  var dictionary = null;
  function loadDictionary() {
    if (!dictionary) {
      dictionary = loadManifest().then(function (man) {
        if (!man.dictionary) return null;
        return fetchWhole("dictionary").then(inflate).then(function (d) {
          var prefix = new Uint8Array(5 + d.length);
          // BFINAL 0, BTYPE 00 (stored); LEN and its complement NLEN, little-endian
          prefix.set([0, d.length & 255, d.length >> 8, ~d.length & 255, (~d.length >> 8) & 255]);
          prefix.set(d, 5);
          return prefix;
        });
      });
      dictionary.catch(function () { dictionary = null; });
    }
    return dictionary;
  }

  /* A block's bytes, inflated after the dictionary, which is then cut off. */
  function inflateBlock(bytes) {
    return loadDictionary().then(function (prefix) {
      if (!prefix) return inflate(bytes);
      return inflate([prefix, bytes], prefix.length - 5);
    });
  }

  function readBlocks(head, first, last) {
    var bytes = partOf(head.path, head.first, head.at[first], head.at[last] + head.sizes[last], head.bulk);
    var text = new TextDecoder(manifestNow.text);
    for (var k = first; k <= last; k++) {
      (function (k) {
        var block = bytes.then(function (b) {
          var from = head.at[k] - head.at[first];
          return inflateBlock(b.subarray(from, from + head.sizes[k]));
        }).then(function (b) { return text.decode(b); });
        block.catch(function () { head.blocks.delete(k); });
        head.blocks.set(k, block);
      })(k);
    }
  }

  /* The metadata of a speech: {u: url, t: title, d: date, s: speaker, e: event, h: [[offset, id, heading,
   * level], ...]}. */
  function metaOf(head) {
    if (!head.meta) {
      head.meta = partOf(head.path, head.first, head.metaAt[0], head.metaAt[1]).then(inflate).then(function (b) {
        return JSON.parse(decoder.decode(b));
      });
      head.meta.catch(function () { head.meta = null; });
    }
    return head.meta;
  }

  /* Where block k's own text ends (the next block's start, or the text's end). */
  function blockEnd(head, k) {
    return k + 1 < head.starts.length ? head.starts[k + 1] : head.units;
  }

  /* The block whose own text holds offset `at`. */
  function blockAt(head, at) {
    var lo = 0, hi = head.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (head.starts[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* Windows of text over blocks `ks` (ascending, already read): each run of neighbouring blocks is one
   * window {from, text, own: [start, end)}: the character before the run, the run's own text and the
   * overlap after it. `from` is where text begins in the speech. */
  function windows(head, ks, texts) {
    var out = [];
    for (var i = 0; i < ks.length; i++) {
      var k = ks[i], t = texts[i], own = blockEnd(head, k) - head.starts[k];
      var prev = out.length && out[out.length - 1];
      if (prev && prev.last === k - 1) {
        // the previous window's overlap is this block's beginning: replace it with the whole block
        prev.text = prev.text.slice(0, prev.keep) + t.slice(head.leads[k]);
        prev.keep += own;
        prev.own[1] = blockEnd(head, k);
        prev.last = k;
      } else {
        out.push({ from: head.starts[k] - head.leads[k], text: t, keep: head.leads[k] + own,
          own: [head.starts[k], blockEnd(head, k)], last: k });
      }
    }
    return out;
  }

  /* One speech with its whole text: {meta, text} (the concordance and the CSV read speeches whole). */
  function loadDoc(doc) {
    return loadHead(doc).then(function (head) {
      var all = head.starts.map(function (s, k) { return k; });
      return Promise.all([metaOf(head), loadBlocks(head, all)]).then(function (got) {
        // one window over every block: the whole text (the first block has nothing before it)
        return { meta: got[0], text: windows(head, all, got[1])[0].text };
      });
    });
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
  /* A varint that is a bit mask, as the numbers of its bits (a long speech has more blocks than a
   * number holds bits exactly). */
  Reader.prototype.bits = function () {
    var out = [], group = 0, byte;
    do {
      byte = this.b[this.p++];
      for (var bit = 0; bit < 7; bit++) {
        if (byte >> bit & 1) out.push(group * 7 + bit);
      }
      group++;
    } while (byte & 128);
    return out;
  };

  /* The bits of a term's part (FORMAT.md, "A term's parts"), from byte `pos` on, the highest bit of a
   * byte first. */
  function BitReader(bytes, pos) {
    this.b = bytes;
    this.q = (pos || 0) * 8; // the next bit
  }
  BitReader.prototype.bit = function () {
    var q = this.q++;
    if (q >> 3 >= this.b.length) throw new Error("a damaged search index part");
    return this.b[q >> 3] >> (7 - (q & 7)) & 1;
  };
  BitReader.prototype.read = function (n) {
    var v = 0;
    for (var i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  };
  // Rice code with parameter k: the quotient in unary (ones, then a zero), then k low bits.
  BitReader.prototype.rice = function (k) {
    var q = 0;
    while (this.bit()) q++;
    return q * Math.pow(2, k) + this.read(k);
  };
  // Truncated binary code of a number below `size`.
  BitReader.prototype.truncated = function (size) {
    var k = 31 - Math.clz32(size), u = Math.pow(2, k + 1) - size, v = this.read(k);
    return v < u ? v : v * 2 + this.bit() - u;
  };

  /* A shard's directory: term -> {at, posting, deflated, inBytes, masks, masksDeflated, masksInBytes}
   * (FORMAT.md: a part is in bits, or in bytes as format 6 wrote it, whichever is smaller). */
  var dirs = new Map();
  function loadDir(shard) {
    return remembered(dirs, shard, settings.keepShards, function () {
      var path = "t/" + shard;
      return loadManifest().then(function (man) {
        return fetchPrefix(path, man.firstRead.t);
      }).then(function (bytes) {
        var r = new Reader(bytes);
        var size = r.varint();
        return inflate(bytes.subarray(r.p, r.p + size)).then(function (dir) {
          var terms = new Map(), at = r.p + size, d = new Reader(dir), name = new Uint8Array(0);
          for (var n = d.varint(); n > 0; n--) {
            // front coded: the bytes shared with the previous name, then the rest
            var shared = d.varint(), len = d.varint(), next = new Uint8Array(shared + len);
            next.set(name.subarray(0, shared));
            next.set(dir.subarray(d.p, d.p + len), shared);
            name = next;
            d.p += len;
            var posting = d.varint(), masks = d.varint();
            var e = { at: at, posting: Math.floor(posting / 4), deflated: posting % 2, inBytes: Math.floor(posting / 2) % 2,
              masks: Math.floor(masks / 4), masksDeflated: masks % 2, masksInBytes: Math.floor(masks / 2) % 2 };
            at += e.posting + e.masks;
            terms.set(decoder.decode(name), e);
          }
          return { path: path, head: bytes, terms: terms };
        });
      });
    });
  }

  /* The entry of `term`: {docs: Int32Array, v: Uint8Array (tf bytes), masks()} or null when absent. */
  var terms = new Map();
  function loadTerm(term) {
    return remembered(terms, term, settings.keepTerms, function () {
      return loadManifest().then(function (man) {
        return loadDir(fnv1a(term) % man.shards).then(function (dir) {
          var e = dir.terms.get(term);
          if (!e) return null;
          // Small masks come with the posting in the same request: they are the ones that place phrases
          // (placingTerms) and find a one-term phrase's first place (firstPlace).
          var withMasks = e.masks <= settings.secondMasks ? e.masks : 0;
          var masks = null;
          return partOf(dir.path, dir.head, e.at, e.at + e.posting + withMasks).then(function (b) {
            if (withMasks) masks = b.subarray(e.posting);
            return e.deflated ? inflate(b.subarray(0, e.posting)) : b.subarray(0, e.posting);
          }).then(function (bytes) {
            var entry = e.inBytes ? decodeTermBytes(bytes, man.docs) : decodeTerm(bytes, 0, man.docs);
            entry.masksSize = e.masks;
            entry.masks = function () { return loadMasks(entry, dir, e, masks); };
            return entry;
          });
        });
      });
    });
  }

  /* A posting (FORMAT.md): df and whether any document is flagged (title, heading), how many are, the
   * Rice parameters, then in bits the documents (a bitmap, or the first id and Rice coded gaps), the
   * counts and the flags. The tf bytes (count << 2 | flags) are rebuilt as format 6 stored them. */
  function decodeTerm(bytes, start, count) {
    var r = new Reader(bytes, start);
    var dfFlag = r.varint(), flagged = dfFlag % 2 ? r.varint() : 0, df = Math.floor(dfFlag / 2);
    var params = df > 1 ? bytes[r.p++] : 0;
    var b = new BitReader(bytes, r.p);
    var docs = new Int32Array(df), v = new Uint8Array(df), j;
    if (params & 1) {
      for (var d = 0, k = 0; d < count; d++) if (b.bit()) docs[k++] = d;
    } else {
      var idBits = 32 - Math.clz32(count - 1), kGap = params >> 4;
      docs[0] = b.read(idBits);
      for (j = 1; j < df; j++) docs[j] = docs[j - 1] + 1 + b.rice(kGap);
    }
    var kTf = (params >> 1) & 7;
    for (j = 0; j < df; j++) v[j] = (b.rice(kTf) + 1) * 4;
    var kFlag = flagged ? Math.max(0, 31 - Math.clz32(Math.floor(df / flagged)) - 1) : 0;
    for (var i = 0, at = -1; i < flagged; i++) {
      at += 1 + b.rice(kFlag);
      v[at] |= b.read(2);
    }
    return { docs: docs, v: v };
  }

  /* A posting in bytes (format 6's): df, mode, the documents (a bitmap, or varint gaps), a tf byte each. */
  function decodeTermBytes(bytes, count) {
    var r = new Reader(bytes);
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

  /* Masks in bytes (format 6's): for each document, by its count: the block; the first block and the gap
   * to the second; or a bit mask as a varint. */
  function decodeMasksBytes(entry, bytes) {
    var r = new Reader(bytes), out = new Array(entry.v.length);
    for (var i = 0; i < out.length; i++) {
      var count = entry.v[i] >> 2;
      if (count > 2) {
        out[i] = r.bits();
        continue;
      }
      var first = r.varint();
      out[i] = [first];
      var gap = count === 2 ? r.varint() : 0;
      if (gap) out[i].push(first + gap);
    }
    return out;
  }

  /* The blocks where a term starts, in each of its speeches (in the order of entry.docs): read once, when
   * a phrase is to be found in the text. A term's count in a speech says how its blocks are written: once,
   * the block; twice, the first and the gap to the second; more often, a bit mask (FORMAT.md). */
  function loadMasks(entry, dir, e, read) {
    if (!entry.blockLists) {
      var bytes = read ? Promise.resolve(read) : partOf(dir.path, dir.head, e.at + e.posting, e.at + e.posting + e.masks);
      entry.blockLists = bytes.then(function (b) {
        return e.masksDeflated ? inflate(b) : b;
      }).then(function (bytes) {
        if (e.masksInBytes) return (entry.blockListsNow = decodeMasksBytes(entry, bytes));
        // B (blocks 0..B-1 hold every start), then per document a list (a truncated binary block number
        // for each time the term occurs) or a mask of B bits, whichever the count makes shorter
        var r = new Reader(bytes), last = r.varint(), width = 32 - Math.clz32(last - 1);
        var b = new BitReader(bytes, r.p), out = new Array(entry.v.length);
        for (var i = 0; i < out.length; i++) {
          var times = entry.v[i] >> 2, blocks = [];
          if (times < 63 && times * width < last) {
            for (var t = 0; t < times; t++) {
              var k = b.truncated(last);
              if (blocks[blocks.length - 1] !== k) blocks.push(k);
            }
          } else {
            for (var block = 0; block < last; block++) if (b.bit()) blocks.push(block);
          }
          out[i] = blocks;
        }
        entry.blockListsNow = out;
        return out;
      });
      entry.blockLists.catch(function () { entry.blockLists = null; });
    }
    return entry.blockLists;
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
      facets = fetchJson("facets", true);
      facets.catch(function () { facets = null; });
    }
    return facets;
  }

  /* The year of every speech, for the count by year: {years: [...], y: [index of each speech's year]},
   * as in the facets. index.json lists the first speech of each year (FORMAT.md), which is enough
   * unless a speaker or event filter needs the facets themselves (120 KB at 10,000 speeches). */
  function loadYears(filters) {
    if (facets || (filters && (filters.speaker || filters.event))) return loadFacets();
    return loadManifest().then(function (man) {
      if (!man.years) return loadFacets(); // an index built before index.json had them
      var runs = man.years;
      var y = new Array(man.docs);
      runs.forEach(function (run, i) {
        var end = i + 1 < runs.length ? runs[i + 1][1] : man.docs;
        for (var doc = run[1]; doc < end; doc++) y[doc] = i;
      });
      return { years: runs.map(function (run) { return run[0]; }), y: y };
    });
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
    loadDictionary().catch(function () {}); // the first block read needs it: ask for it now
    return chooseTerms(phrases).then(function (found) {
      return found ? loadTerms(termNames(phrases), entries, null) : null;
    }).then(function (docs) {
      return docs && docs.length ? applyFilters(docs, options.filters) : [];
    }).then(function (docs) {
      phrases.forEach(function (p) {
        p.terms.forEach(function (t) { t.entry = entries.get(t.term); });
        p.placing = placingTerms(p);
      });
      return narrow(phrases, docs, entries, options.sort);
    }).then(function (docs) {
      return new Search(phrases, entries, docs, options.sort).more(options.want === undefined ? PAGE_SIZE : options.want);
    });
  }

  /* Keep, of each phrase's bigrams, the settings.pairsPerPhrase whose postings are smallest: the rarest,
   * whose documents are fewest and whose blocks place the phrase best. A speech with the phrase has every
   * one of its bigrams, so any of them gives every candidate. The shards' directories say the sizes (and
   * whether a term occurs at all) before any posting is read. Resolves to false when a term of a phrase
   * occurs nowhere: nothing can match. */
  function chooseTerms(phrases) {
    var names = [];
    phrases.forEach(function (p) {
      p.allTerms.forEach(function (t) { if (names.indexOf(t.term) < 0) names.push(t.term); });
    });
    return Promise.all(names.map(termInfo)).then(function (infos) {
      if (infos.some(function (i) { return !i; })) return false;
      var size = new Map(names.map(function (n, i) { return [n, infos[i].posting]; }));
      phrases.forEach(function (p) {
        p.allTerms.forEach(function (t) { t.info = infos[names.indexOf(t.term)]; });
        var pairs = p.allTerms.filter(function (t) { return t.pair; });
        pairs.sort(function (a, b) { return size.get(a.term) - size.get(b.term) || a.at - b.at; });
        p.terms = p.allTerms.filter(function (t) { return !t.pair; }).concat(pairs.slice(0, settings.pairsPerPhrase));
      });
      return true;
    });
  }

  /* A term's entry in its shard's directory (sizes of its posting and masks), or null when it is absent. */
  function termInfo(term) {
    return loadManifest().then(function (man) {
      return loadDir(fnv1a(term) % man.shards);
    }).then(function (dir) { return dir.terms.get(term) || null; });
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

  /* The terms whose blocks place a phrase in a speech: the one with the fewest bytes of blocks and, when
   * they are few, the next (a phrase can only start where every term of it starts nearby). None for a
   * phrase that is too long or has spaces of any width, which is looked for in the whole text. */
  function placingTerms(p, every) {
    if (!inBlocks(p)) return [];
    var withBlocks = p.terms.filter(function (t) { return t.entry && t.entry.masksSize; });
    withBlocks.sort(function (a, b) { return a.entry.masksSize - b.entry.masksSize; });
    return every ? withBlocks : withBlocks.filter(function (t, i) {
      return i === 0 || (i === 1 && t.entry.masksSize <= settings.secondMasks);
    });
  }
  var BLOCK_MIN = 511; // characters a block holds at least (builder.BLOCK, less one for a surrogate pair)

  /* Whether a place of phrase p lies within the block where it starts and the next: it has no spaces of
   * any width and is shorter than a block. Otherwise it is looked for in the whole text. */
  function inBlocks(p) {
    return p.fixed && p.length + 2 <= BLOCK_MIN;
  }

  /* Rule out the candidates where a phrase cannot be: where the blocks of its placing terms leave no
   * block for it to start in. It reads the blocks of those terms (one part of their shard each). When
   * more candidates are left than one search reads, the phrase's other selective bigrams are read too
   * (addSelectiveTerms), and their entries added to `entries`. */
  function narrow(phrases, docs, entries, sort) {
    var placed = phrases.filter(function (p) { return !p.single && p.placing.length; });
    if (!placed.length || !docs.length) return Promise.resolve(docs);
    function placeable(docs) {
      return Promise.all(placed.map(function (p) {
        return Promise.all(p.placing.map(function (t) { return t.entry.masks(); }));
      })).then(function () {
        return docs.filter(function (doc) {
          return placed.every(function (p) { return mayHold(p, doc); });
        });
      });
    }
    return placeable(docs).then(function (left) {
      if (left.length <= settings.maxDocs) return left;
      var first = firstRead(phrases, entries, left, sort);
      return Promise.all(placed.map(function (p) { return addSelectiveTerms(p, first); })).then(function (added) {
        placed.forEach(function (p) { p.terms.forEach(function (t) { entries.set(t.term, t.entry); }); });
        return added.some(Boolean) ? placeable(left) : left;
      });
    });
  }

  /* Whether speech `doc` may hold phrase p: it has every one of the phrase's terms read, and, when the
   * phrase is placed, a block where it may start (its placing terms' masks read already). */
  function mayHold(p, doc) {
    if (!p.terms.every(function (t) { return indexOf(t.entry.docs, doc) >= 0; })) return false;
    return !p.placing.length || startBlocks(p, doc).length > 0;
  }

  /* Add to phrase p's terms and placing terms its other bigrams whose masks are likely to save more
   * reading than they cost; resolve to how many. `docs`: the candidates the search reads next. A speech
   * read costs its header and about a kilobyte (BLOCK_BYTES) a block where the phrase may start, so the
   * blocks beyond one a speech are what better placing can save: that many kilobytes are spent on the
   * masks of bigrams that start in few blocks of each speech (at most settings.selectiveMasks bytes of
   * masks a speech: once or twice), most selective first. A phrase of common bigrams (作和能) placed by one
   * of them has thousands of candidates where it does not occur, and its other bigram, once a speech,
   * rules most of them out; a bigram found in most blocks of every speech (在一, 责任) rules out few. A
   * bigram whose posting is not read yet is read when its masks are small (they come with it). */
  function addSelectiveTerms(p, docs) {
    var blocks = docs.reduce(function (sum, doc) { return sum + startBlocks(p, doc).length; }, 0);
    var budget = (blocks - docs.length) * BLOCK_BYTES;
    var others = p.allTerms.filter(function (t) {
      if (!t.pair || p.placing.indexOf(t) >= 0) return false;
      if (!t.entry) return t.info.masks <= settings.secondMasks;
      return t.entry.masksSize && t.entry.masksSize <= settings.selectiveMasks * t.entry.docs.length;
    });
    others.sort(function (a, b) { return perSpeech(a) - perSpeech(b); });
    var chosen = others.filter(function (t) {
      budget -= t.entry ? t.entry.masksSize : t.info.posting + t.info.masks;
      return budget >= 0;
    });
    return Promise.all(chosen.map(function (t) {
      return t.entry || loadTerm(t.term).then(function (e) { t.entry = e; });
    })).then(function () {
      var more = chosen.filter(function (t) { return t.entry && t.entry.masksSize; });
      more.forEach(function (t) { if (p.terms.indexOf(t) < 0) p.terms.push(t); });
      p.placing = p.placing.concat(more);
      return more.length;
    });
  }
  var BLOCK_BYTES = 1000; // a block of 512 characters, compressed (about 0.8 KB), and its share of a request

  /* The settings.maxDocs candidates a search reads first (Search: best possible score first, or newest). */
  function firstRead(phrases, entries, docs, sort) {
    if (sort === "date") return docs.slice(0, settings.maxDocs);
    var bound = new Map(docs.map(function (d) { return [d, upperBound(phrases, entries, d)]; }));
    return docs.slice().sort(function (a, b) { return bound.get(b) - bound.get(a) || a - b; }).slice(0, settings.maxDocs);
  }

  /* Bytes of masks a speech of term t: about 1 when it occurs once or twice in each (a term whose
   * posting is not read yet counts as 1: only small ones are read). */
  function perSpeech(t) {
    return t.entry ? t.entry.masksSize / t.entry.docs.length : 1;
  }

  /* The blocks where phrase `p` may start in speech `doc`, from its placing terms' blocks (read already),
   * or null when it has none (every block). A term `at` characters into the phrase starts in the block
   * where the phrase starts or in the next one. */
  function startBlocks(p, doc) {
    var out = null;
    p.placing.forEach(function (t) {
      var blocks = termStarts(t, doc);
      out = out === null ? blocks : out.filter(function (k) { return blocks.indexOf(k) >= 0; });
    });
    return out;
  }

  /* The blocks where a phrase may start in speech `doc` by one of its terms (its blocks read already),
   * ascending, each once. Plain arrays, not sets: a phrase of common bigrams tests thousands of
   * candidates, and a speech has a few dozen blocks. */
  function termStarts(t, doc) {
    var out = [];
    function add(k) { if (!out.length || k > out[out.length - 1]) out.push(k); }
    termBlocks(t, doc).forEach(function (k) {
      if (t.at > 0 && k > 0) add(k - 1);
      add(k);
    });
    return out;
  }

  /* The blocks where term t itself starts in speech `doc` (its masks read already), ascending. */
  function termBlocks(t, doc) {
    return t.entry.blockListsNow[indexOf(t.entry.docs, doc)];
  }

  // Speeches read per batch and per call of Search.more; keepDocs, keepTerms, keepShards: speeches, terms
  // and shard directories kept in memory once read (remembered); keepFiles: whole files kept from a
  // server that ignores Range; secondMasks: the most bytes of blocks read for a phrase's second placing
  // term.
  // pairsPerPhrase: the bigrams of a phrase whose postings are read. selectiveMasks: the most bytes of
  // masks a speech of a bigram read to rule out candidates beyond the placing terms (addSelectiveTerms).
  // missBytes: bytes a search reads before it stops when fewer than half the speeches read were results.
  var settings = { batchDocs: 10, maxDocs: 20, keepDocs: 200, keepTerms: 200, keepShards: 400, keepFiles: 300,
    secondMasks: 8192, pairsPerPhrase: 2,
    selectiveMasks: 2, missBytes: 20000 };

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

  /* Before every candidate is read (the count by year): read the postings and masks of every bigram of
   * each phrase, not only of the two rarest, and rule out the candidates they leave no place in. A few
   * KB a term, against a block read (about 1 KB) for each candidate ruled out: a phrase of common
   * bigrams has hundreds of candidates where its pairs never meet. Resolves when done; once. */
  Search.prototype.widen = function () {
    var self = this;
    if (this.widened) return this.widened;
    var phrases = this.phrases.filter(function (p) { return !p.single; });
    this.widened = Promise.all(phrases.map(function (p) {
      return Promise.all(p.allTerms.map(function (t) {
        return loadTerm(t.term).then(function (entry) { t.entry = entry; });
      })).then(function () {
        p.terms = p.allTerms;
        p.placing = placingTerms(p, true);
        return Promise.all(p.placing.map(function (t) { return t.entry.masks(); }));
      });
    })).then(function () {
      self.queue = self.queue.filter(function (doc) {
        return phrases.every(function (p) { return mayHold(p, doc); });
      });
    });
    this.widened.catch(function () { self.widened = null; });
    return this.widened;
  };

  /* `counted`, a search of the same query and filters with every candidate read (the count by year
   * reads one by date): the speeches it did not find are no results, so this search keeps only the
   * others in its queue. Reading on then reads only results, and total + pending is the exact number. */
  Search.prototype.settleBy = function (counted) {
    if (counted === this || counted.pending) return; // only a search read to the end knows
    var found = new Set(counted.results.map(function (r) { return r.doc; }));
    this.queue = this.queue.filter(function (doc) { return found.has(doc); });
    this.exact = true;
  };

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
   * once (settings.batchDocs by default) and `options.progress(read, left)` is called after each batch;
   * with `want` Infinity, every candidate within `docs` is read that many at a time (readAll). */
  Search.prototype.more = function (want, docs, options) {
    var self = this;
    if (this.reading) {
      return this.reading.catch(function () {}).then(function () { return self.more(want, docs, options); });
    }
    var budget = docs === undefined ? settings.maxDocs : docs;
    var batchSize = (options && options.batch) || settings.batchDocs;
    var progress = (options && options.progress) || function () {};
    var read = 0, start = stats.bytes;
    // A search (and each "More results") stops early when most of what it read were not results and it
    // has spent settings.missBytes: a phrase of common bigrams can have thousands of candidates of which
    // few contain it, and the rest wait for the reader to ask. Reading every candidate (docs: Infinity,
    // for the count by year and the CSV) does not stop.
    var missBytes = docs === undefined ? settings.missBytes : Infinity;
    if (want === Infinity) return this.readAll(budget, batchSize, progress);
    function step() {
      if (self.settled(want) || budget <= 0) return Promise.resolve(self);
      if (stats.bytes - start > missBytes && self.results.length * 2 < read) return Promise.resolve(self);
      // Once `want` results are in and only their order is uncertain, the next few candidates settle it
      // as well as a whole batch does, at a fraction of the reading.
      var size = self.results.length >= want ? Math.ceil(batchSize / 2) : batchSize;
      var batch = self.queue.splice(0, Math.min(size, budget));
      budget -= batch.length;
      var proof = self.sort === "date";
      return Promise.all(batch.map(function (doc) { return match(self.phrases, doc, proof); })).then(function (found) {
        found.forEach(function (r) { if (r) self.results.push(r); });
        sortResults(self.results, self.sort);
        // the page being filled: not every result when every candidate is read (the count by year)
        if (isFinite(want)) prefetchMeta(self.results.slice(Math.max(0, want - PAGE_SIZE), want));
        read += batch.length;
        progress(read, self.queue.length);
        return step();
      });
    }
    return step();
  };

  /* Read `budget` candidates (every one, for the count by year) with `width` speeches in flight: each
   * one read starts the next, where batches waited for their slowest speech (a header, then a block: two
   * requests in a row) before the next batch began. `progress(read, left)` follows, and may stop the
   * reading by throwing (a newer search makes a count stale). Resolves to this search once every speech
   * in flight is done; on a failure, rejects after putting the speeches not read back in the queue. A
   * call of more() meanwhile waits for it (this.reading), so the results stay in order. */
  Search.prototype.readAll = function (budget, width, progress) {
    var self = this;
    var todo = this.queue.splice(0, Math.min(budget, this.queue.length));
    var next = 0, read = 0, error = null, unread = [];
    var proof = this.sort === "date";
    var tabled = proof ? viaTables(todo) : new Set(); // the score needs the header's lines
    function report() {
      sortResults(self.results, self.sort);
      progress(read, todo.length - read + self.queue.length);
    }
    function worker() {
      if (error || next >= todo.length) return Promise.resolve();
      var doc = todo[next++];
      return match(self.phrases, doc, proof, tabled.has(doc) && !docCache.has(doc)).then(function (r) {
        if (r) self.results.push(r);
        read += 1;
      }, function (err) {
        error = error || err;
        unread.push(doc);
      }).then(function () {
        if (error || read % width) return;
        try {
          report();
        } catch (err) {
          error = err; // a stale count: every worker stops
        }
      }).then(worker);
    }
    var workers = [];
    for (var i = 0; i < Math.min(width, todo.length); i++) workers.push(worker());
    this.reading = Promise.all(workers).then(function () {
      self.reading = null;
      if (error) {
        self.queue = unread.concat(todo.slice(next), self.queue);
        sortResults(self.results, self.sort);
        throw error;
      }
      report();
      return self;
    });
    return this.reading;
  };

  /* Ask for the metadata of the results that will be shown (describe needs it) while the search reads
   * on: the page then waits for one request fewer. */
  function prefetchMeta(results) {
    results.forEach(function (r) {
      loadHead(r.doc).then(metaOf).catch(function () {}); // describe asks again and reports a failure
    });
  }

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

  /* The result for one speech, or null when a phrase is not in its text. Per phrase: 1000 when it is in
   * the title, 100 when it is in a heading, plus the number of places it occurs (at most 63), as the index
   * counts a term; `at` is where the first phrase first occurs. A phrase of one index term is settled by
   * its tf byte; the others are looked for in the blocks where they can start. With `proof`, a speech is
   * only proven: its score then counts the places of the blocks read (placesIn), and `at` is the first
   * place in them. `viaTable`: the speech's blocks are found from its block table (tableHead), whose head
   * has no lines, so the score has no title or heading part either. */
  function match(phrases, doc, proof, viaTable) {
    var head = viaTable ? tableHead(doc).catch(function () { return loadHead(doc); }) : loadHead(doc);
    return head.then(function (head) {
      return Promise.all(phrases.map(function (p) {
        return p.single ? null : placesIn(head, p, startBlocks(p, doc), proof);
      })).then(function (found) {
        var score = 0, at = null;
        for (var i = 0; i < phrases.length; i++) {
          if (found[i] === null) {
            var v = phrases[i].terms[0].entry.v[indexOf(phrases[i].terms[0].entry.docs, doc)];
            score += phraseScore(v & 3, v >> 2);
            continue;
          }
          if (!found[i].length) return null;
          if (at === null && i === 0) at = found[i][0];
          score += phraseScore(lineFlags(head, found[i]), Math.min(found[i].length, 63));
        }
        return { doc: doc, score: score, at: at };
      });
    });
  }

  /* 2 when a place is in the title (line 0), 1 when one is in a heading (the other lines). */
  function lineFlags(head, places) {
    var flags = 0;
    head.lines.forEach(function (line, i) {
      var inside = places.some(function (at) { return at >= line[0] && at < line[0] + line[1]; });
      if (inside) flags |= i === 0 ? 2 : 1;
    });
    return flags;
  }

  /* Where phrase `p` occurs in a speech (offsets, ascending), looking only at the places that start in
   * blocks `starts` (null: anywhere). With `proof`, only until one is found (results listed by date and
   * the count by year do not use the score): the likeliest of those blocks first, and the others only
   * when the phrase is not there, so a speech that says it in twenty blocks is proven by one. */
  function placesIn(head, p, starts, proof) {
    var count = head.starts.length;
    starts = starts === null ? null : starts.filter(function (k) { return k < count; });
    if (!proof || starts === null || starts.length < 2 || !inBlocks(p)) {
      return placesInBlocks(head, p, starts);
    }
    // each placing term's own blocks, which both the blocks to read and the likeliest one come from
    var own = p.placing.map(function (t) { return termBlocks(t, head.doc); });
    var blocks = proofBlocks(p, own, starts);
    var first = likelyStart(own, blocks);
    return proofIn(head, p, [first]).then(function (out) {
      if (out.length) return out;
      var rest = blocks.filter(function (k) { return k !== first; });
      return rest.length ? proofIn(head, p, rest) : out;
    });
  }

  /* The blocks that show whether phrase p starts in blocks `starts` (ascending, each once), given `own`,
   * the blocks where each of its placing terms starts itself in the speech. A start k where a placing
   * term at 1 character into the phrase starts only in block k + 1 leaves one place for the phrase: k's
   * last character, which block k + 1 holds before its own text (FORMAT.md); so block k + 1 is read for
   * it, and it is usually a start of its own, read anyway. The count of 服务医疗 (in 1,274 of 10,000
   * speeches) reads 2,106 blocks instead of 2,691. */
  function proofBlocks(p, own, starts) {
    var out = [];
    starts.forEach(function (k) {
      // k is a start, so a term missing from it starts in block k + 1
      var edge = p.cjkFirst && p.placing.some(function (t, i) { return t.at === 1 && own[i].indexOf(k) < 0; });
      out.push(edge ? k + 1 : k);
    });
    return Array.from(new Set(out)).sort(function (a, b) { return a - b; });
  }

  /* The places of phrase p in blocks `ks` (and the blocks after them, for a phrase longer than the
   * overlap): every one the text read shows, for proof only (the score counts places by blocksToRead and
   * placesInBlocks, each once). A place at a window's first character, stored before its block, counts
   * for a phrase that begins with a Chinese character. */
  function proofIn(head, p, ks) {
    var read = blocksToRead(p, ks, head.starts.length);
    return loadBlocks(head, read).then(function (texts) {
      var out = [];
      windows(head, read, texts).forEach(function (w) {
        placesOf(p, w.text).forEach(function (i) {
          var at = w.from + i;
          if (at >= (p.cjkFirst ? w.from : w.own[0]) && at < w.own[1]) out.push(at);
        });
      });
      return out;
    });
  }

  /* Of blocks `starts` where a phrase may start in a speech (or that show such a start: proofBlocks), the
   * first where each of its placing terms starts too (`own`: each one's blocks). A term `at` characters
   * into the phrase also lets it start in the block before its own, but only within `at` characters of
   * that block's end: for 执法生 placed by 法生, the block before each block of 法生 is a start too, and
   * reading it first read two blocks for most speeches. */
  function likelyStart(own, starts) {
    for (var i = 0; i < starts.length; i++) {
      var k = starts[i];
      if (own.every(function (blocks) { return blocks.indexOf(k) >= 0; })) return k;
    }
    return starts[0];
  }

  /* The blocks to read for the places of phrase p that start in blocks `starts`: those blocks, when a
   * place is whole in its block with the block's overlap (a short phrase), with the next block when it
   * is longer, or null (every block) when it can be longer than a block. */
  function blocksToRead(p, starts, count) {
    if (!inBlocks(p)) return null;
    var read = starts.slice();
    if (p.length + 2 > manifestNow.overlap) {
      starts.forEach(function (k) { if (k + 1 < count && read.indexOf(k + 1) < 0) read.push(k + 1); });
      read.sort(function (a, b) { return a - b; });
    }
    return read;
  }

  /* The places of phrase p that start in blocks `starts` (null: anywhere). */
  function placesInBlocks(head, p, starts) {
    var all = head.starts.map(function (s, k) { return k; });
    var read = (starts && blocksToRead(p, starts, all.length)) || all;
    var wanted = new Set(starts || all);
    return loadBlocks(head, read).then(function (texts) {
      var out = [];
      windows(head, read, texts).forEach(function (w) {
        placesOf(p, w.text).forEach(function (i) {
          var at = w.from + i;
          if (at >= w.own[0] && at < w.own[1] && wanted.has(blockAt(head, at))) out.push(at);
        });
      });
      return out;
    });
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

  /* Metadata, section and snippet of one result: {doc, meta, section, snippet: [text, hit, text, ...]}. It
   * reads the metadata and the block of the first place (found first when the index settled the result). */
  function describe(result, phrases) {
    var known = result.at !== null && result.at !== undefined;
    return (known ? Promise.resolve(null) : blocksToLookIn(phrases, result.doc)).then(function (order) {
      return loadHead(result.doc, known ? 0 : leadingBlocks(order)).then(function (head) {
        var at = known ? Promise.resolve(result.at) : firstPlace(head, phrases, order);
        return Promise.all([metaOf(head), at]).then(function (got) {
          var meta = got[0], at = got[1];
          if (at === null) return { doc: result.doc, meta: meta, section: null, snippet: null };
          var k = blockAt(head, at);
          return loadBlocks(head, [k]).then(function (texts) {
            var w = windows(head, [k], texts)[0];
            var re = phraseRegex(phrases);
            var title = head.lines[0], titleEnd = title ? title[0] + title[1] : 0;
            at = pastTitle(w, at, titleEnd, re);
            var section = null;
            meta.h.forEach(function (h) { if (h[0] <= at) section = h; });
            var floor = at >= titleEnd ? Math.max(0, titleEnd - w.from) : 0; // the title is shown already
            return { doc: result.doc, meta: meta, section: section,
              snippet: cutSnippet(w.text, at - w.from, re, w.from > 0, w.own[1] < head.units, floor) };
          });
        });
      });
    });
  }

  /* The blocks where the phrases of a result the index settled start in speech `doc` (ascending), from
   * their terms' masks when they are few to read, or null: every block, from the first on. */
  function blocksToLookIn(phrases, doc) {
    return Promise.all(phrases.map(function (p) {
      var t = p.terms[0];
      var cheap = p.single && t.entry && t.entry.masksSize && t.entry.masksSize <= settings.secondMasks;
      return cheap ? t.entry.masks().then(function () { return Array.from(termStarts(t, doc)); }) : null;
    })).then(function (lists) {
      if (lists.some(function (l) { return l === null; })) return null;
      return Array.from(new Set([].concat.apply([], lists))).sort(function (a, b) { return a - b; });
    });
  }

  /* How many of the blocks firstPlace reads first (two of `order`) are the speech's first blocks. */
  function leadingBlocks(order) {
    if (order === null) return 2;
    return order[0] !== 0 ? 0 : order[1] === 1 ? 2 : 1;
  }

  /* The first place of any phrase in a speech the index settled, looking in blocks `order` (null: every
   * block), a few at a time. */
  function firstPlace(head, phrases, order) {
    var count = head.starts.length;
    order = order === null ? head.starts.map(function (s, k) { return k; }) : order.filter(function (k) { return k < count; });
    var re = phraseRegex(phrases);
    function from(i) {
      if (i >= order.length) return Promise.resolve(null);
      var ks = order.slice(i, i + 2);
      return loadBlocks(head, ks).then(function (texts) {
        var best = null;
        windows(head, ks, texts).forEach(function (w) {
          re.lastIndex = 0;
          var m;
          while (best === null && (m = re.exec(w.text)) !== null) {
            var at = w.from + m.index;
            if (at >= w.own[0] && at < w.own[1]) best = at;
            re.lastIndex = m.index + 1;
          }
        });
        return best !== null ? best : from(i + 2);
      });
    }
    return from(0);
  }

  /* A place in the title shows only what the result's title shows: the next place in the same window of
   * text, when it holds one, makes the snippet instead (and names the section). */
  function pastTitle(w, at, titleEnd, re) {
    if (at >= titleEnd) return at;
    re.lastIndex = Math.max(0, titleEnd - w.from);
    var m = re.exec(w.text);
    return m && m[0].length ? w.from + m.index : at;
  }

  /* The text around offset `at` of `text`, split into [plain, hit, plain, hit, ...]; "…" where the text
   * goes on (`before`, `after`: there is more text before or after `text`), from `floor` on at the
   * earliest. Neither end cuts a word of letters in two ("…rks at the Opening"). */
  function cutSnippet(text, at, re, before, after, floor) {
    var from = Math.max(floor || 0, at - 40);
    var to = Math.min(text.length, at + 80);
    while (from < at && from > 0 && LETTER.test(text[from - 1]) && LETTER.test(text[from])) from++;
    while (to > at && to < text.length && LETTER.test(text[to - 1]) && LETTER.test(text[to])) to--;
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
    if (from > 0 || before) parts[0] = "…" + parts[0];
    if (to < text.length || after) parts[parts.length - 1] += "…";
    return parts;
  }

  var LETTER = new RegExp("^" + WORD_CHAR + "$", "u"); // a letter or digit of a word (not a CJK character)

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

  /* Read what every search needs first (index.json and the blocks' dictionary) as soon as a search is
   * likely: on the search page, and when the header's box gets the focus. The first query then starts
   * with its own terms. */
  function prepare() {
    loadDictionary().catch(function () {}); // a failure is reported by the search that needs it
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
        var summary = any ? LABELS.allResults(out.found.total, out.found.pending) : LABELS.none(textsOf(out.found, query));
        list.appendChild(el("li", { role: "presentation", class: "sa-search__more" }, [
          any ? el("a", { href: ROOT + "search/?q=" + encodeURIComponent(query), tabindex: "-1" },
            [summary]) : summary,
        ]));
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }).catch(function (err) { console.warn(err); });
    }
    input.addEventListener("focus", prepare);
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
    prepare();
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

    var current = null, shown = 0, busy = null, busyFor = null, runs = 0, pageTitle = document.title;
    /* The status line and the "more" button for what is known now (the count by year may have read every
     * candidate since the page was shown). */
    function showStatus() {
      var found = current.found, query = current.query;
      // Hidden once every result is shown and no candidate is left to read.
      more.hidden = shown >= found.total && !found.pending;
      // Once the count by year has settled the search, every candidate left is a result.
      var total = found.exact ? found.total + found.pending : found.total;
      var unsure = found.exact ? 0 : found.pending;
      status.textContent = unsure && shown >= total ? LABELS.partial(total, unsure)
        : total ? LABELS.found(total, textsOf(found, query), unsure) : LABELS.none(textsOf(found, query));
    }
    /* Show the next page of results. One call at a time: a second click while a page is loading waits
     * for it instead of appending the same results twice. */
    function showMore() {
      if (!current) return Promise.resolve(); // a new search is starting
      if (busy && busyFor === current) return busy;
      var search = current;
      busyFor = search;
      var found = search.found;
      more.disabled = true;
      busy = found.more(shown + PAGE_SIZE).then(function () {
        if (search !== current) return []; // a newer search replaced this one meanwhile
        // The results not shown yet, best first: a page shown before every candidate was read ("N+
        // results") may be outranked by a result found later, which then comes on this page, not before
        // the shown ones (where slicing by position showed one result twice and skipped another).
        var page = found.results.filter(function (r) { return !search.shown.has(r.doc); }).slice(0, PAGE_SIZE);
        page.forEach(function (r) { search.shown.add(r.doc); });
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
      // The tab and the browser's history tell one search from another.
      document.title = query ? "“" + query + "” - " + pageTitle : pageTitle;
      // "A|B|C" compares up to three phrases over time; the results listed are those of the first
      var series = seriesOf(query);
      var filters = { year: selects.year.value, speaker: selects.speaker.value, event: selects.event.value };
      var options = { filters: filters, sort: selects.sort.value };
      var started = performance.now();
      list.textContent = "";
      trendBox.textContent = "";
      shown = 0;
      current = null; // the previous search's reading, and its count, must not show here any more
      var mine = ++runs; // a search that ends after a newer one began shows nothing
      if (!series.length) { status.textContent = ""; more.hidden = true; return Promise.resolve(); }
      status.textContent = LABELS.searching;
      return search(series[0], options).then(function (found) {
        if (mine !== runs) return;
        current = { found: found, query: series[0], shown: new Set() };
        return showMore();
      }).then(function () {
        if (mine !== runs) return;
        root.dataset.ms = String(Math.round(performance.now() - started));
        // The chart fills in after the first page of results, which must not wait for it.
        if (current.found.total || current.found.pending || series.length > 1) {
          var search = current;
          showTrend(trendBox, { series: series, filters: filters, sort: options.sort,
            counted: function (counted) {
              search.found.settleBy(counted);
              if (search === current) showStatus();
            } });
        }
      }, function (err) {
        if (mine !== runs) return;
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
      // Only the speech's own text, as the index holds it: the metadata box, the citations and the pager
      // (data-search-exclude) would put places before the text's and shift the concordance's ?n=.
      if (marks.length > 500 || node.parentNode.closest("script,style,mark,.headerlink,[data-search-exclude]")) return;
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
    kept: function () { return { docs: docCache.size, terms: terms.size, shards: dirs.size }; },
    seriesOf: seriesOf, loadFacets: loadFacets, loadYears: loadYears, loadDoc: loadDoc, placesOf: placesOf,
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

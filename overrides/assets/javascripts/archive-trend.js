/* speech-archive: a phrase over time, on the search page. For the query's phrases (up to three, "A|B|C"):
 * how many speeches contain each, year by year, as a bar chart and as the same numbers in a table; every
 * place the first phrase occurs, in context (a concordance); CSV downloads of the results and of the table.
 * The counts come from archive-search.js's exact search over every candidate speech, not from the first
 * page of results. archive-search.js loads this file after the first page of results is shown. */
(function () {
  "use strict";

  var api = window.archiveSearch;
  var el = api.el;
  var SVG = "http://www.w3.org/2000/svg";
  var COLOURS = ["#b71c1c", "#1565c0", "#2e7d32"]; // each at least 4.5:1 on white
  var SPEECHES_PER_PAGE = 10; // of the concordance
  var CONTEXT = 20; // characters on each side of a place in the concordance
  // Speeches in flight while counting, and read at once for the CSV; the browser queues what it cannot send
  // yet. Over HTTP/1.1 it opens six connections to a host, so more only wait in its queue; over HTTP/2 and
  // HTTP/3 every request shares one connection and a count waits mostly for round trips: with 80 ms round
  // trips emulated (nginx, HTTP/2), the count of 执法生 in 10,000 speeches (1,324 requests) took 4.2 s with 96
  // in flight and 7.1 s with 24. 96 is within the 100 streams a connection RFC 9113 asks servers to allow.
  var BATCH = sharedConnection() ? 96 : 24;

  /* Did this page come over HTTP/2 or HTTP/3, where one connection carries every request at once? */
  function sharedConnection() {
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    return !!nav && /^h[23]/.test(nav.nextHopProtocol || "");
  }

  var L = /^zh/i.test(document.documentElement.lang || "zh") ? {
    title: "逐年分布",
    counting: function (q, read, all) { return "正在统计“" + q + "”：已核对 " + read + " / " + all + " 篇"; },
    measure: "显示", speeches: "包含该词的讲话篇数", share: "占当年讲话的比例",
    year: "年份", undated: "未注明日期", total: "当年讲话总数",
    count: function (q) { return "“" + q + "”篇数"; },
    shareOf: function (q) { return "“" + q + "”占比（%）"; },
    caption: function (qs) { return qs.map(quote).join("、") + "逐年出现的讲话篇数"; },
    bar: function (q, y, n, pct) { return y + " 年：" + n + " 篇讲话包含“" + q + "”（占当年 " + pct + "%）"; },
    alone: function (q) { return "只搜索“" + q + "”"; },
    listed: function (q) { return "下方列出的是包含“" + q + "”的讲话。"; },
    csvResults: "下载结果列表（CSV）", csvYears: "下载逐年统计（CSV）", resultsFile: "搜索结果", yearsFile: "逐年统计",
    preparing: function (read, all) { return "正在准备 CSV：" + read + " / " + all; },
    kwic: "上下文：每一处出现", kwicCaption: function (t) { return "“" + t + "”中的出现位置"; },
    before: "前文", phrase: "词语", after: "后文", moreSpeeches: "更多讲话",
    places: function (n) { return n + " 处"; },
    failed: "逐年统计无法完成：搜索索引读取失败。请刷新页面重试。",
    stop: "停止统计", again: "重新统计", start: "开始逐年统计",
    stopped: function (q, read, all) { return "已停止统计“" + q + "”" + (all ? "（已核对 " + read + " / " + all + " 篇）" : "") + "。"; },
    saveData: "浏览器已开启省流量模式：逐年统计要读取每一篇可能包含该词的讲话，需要时请点击开始。",
  } : {
    title: "Year by year",
    counting: function (q, read, all) { return "Counting “" + q + "”: " + read + " of " + all + " speeches checked"; },
    measure: "Show", speeches: "Speeches containing it", share: "Share of the year's speeches",
    year: "Year", undated: "Undated", total: "Speeches that year",
    count: function (q) { return "Speeches with “" + q + "”"; },
    shareOf: function (q) { return "“" + q + "” share (%)"; },
    caption: function (qs) { return "Speeches containing " + qs.map(quote).join(", ") + ", by year"; },
    bar: function (q, y, n, pct) { return y + ": " + n + " speeches contain “" + q + "” (" + pct + "% of that year)"; },
    alone: function (q) { return "Search “" + q + "” alone"; },
    listed: function (q) { return "The results below are the speeches containing “" + q + "”."; },
    csvResults: "Download the results (CSV)", csvYears: "Download the table (CSV)", resultsFile: "results",
    yearsFile: "by-year",
    preparing: function (read, all) { return "Preparing the CSV: " + read + " of " + all; },
    kwic: "In context: every place it occurs", kwicCaption: function (t) { return "Places in “" + t + "”"; },
    before: "Before", phrase: "Phrase", after: "After", moreSpeeches: "More speeches",
    places: function (n) { return n + (n === 1 ? " place" : " places"); },
    failed: "The count by year could not be finished: the search index could not be read. Reload the page.",
    stop: "Stop counting", again: "Count again", start: "Count year by year",
    stopped: function (q, read, all) { return "Stopped counting “" + q + "”" + (all ? " (" + read + " of " + all + " speeches checked)" : "") + "."; },
    saveData: "Your browser asks to save data: the count by year reads every speech that may contain the phrase. Start it when you want it.",
  };

  function quote(q) { return "“" + q + "”"; }

  var generation = 0; // a newer search makes an older count stale: it stops and draws nothing

  function Stale() {}

  /* Fill `box` for the series of a search: {series: [query...], filters: {year, speaker, event}, sort}. The
   * count starts at once, with a button to stop it (a phrase in half of 10,000 speeches reads ~5 MB in
   * ~6 s on a fast connection); a reader who asked the browser to save data (Save-Data) starts it. */
  function show(box, options) {
    var mine = ++generation;
    box.textContent = "";
    var section = el("section", { class: "sa-trend", "aria-labelledby": "sa-trend-title" });
    var note = el("p", { class: "sa-trend__status", role: "status", "aria-live": "polite" });
    section.append(el("h2", { id: "sa-trend-title", text: L.title }), note);
    box.appendChild(section);
    if (askFirst) {
      note.textContent = L.saveData;
      section.appendChild(button(L.start, function () {
        askFirst = false; // asked once: the reader's click starts this count and the page's next ones
        if (mine === generation) show(box, options);
      }, true));
      return Promise.resolve();
    }
    return fill(section, note, options, mine);
  }

  // The reader asked the browser to save data (Save-Data): the count waits for a click.
  var askFirst = !!(navigator.connection && navigator.connection.saveData);

  function button(text, onClick, primary) {
    var b = el("button", { type: "button", class: "md-button" + (primary ? " md-button--primary" : ""), text: text });
    b.addEventListener("click", onClick);
    return b;
  }

  /* Count, with progress and a stop button, then draw. A newer search, or the stop button, makes this
   * count stale: it stops reading and draws nothing. */
  function fill(section, note, options, mine) {
    var stopped = false;
    var stale = function () { return stopped || mine !== generation; };
    var progress = el("progress", { class: "sa-trend__progress", max: "1", value: "0" });
    progress.setAttribute("aria-label", L.title);
    var working = el("p", { class: "sa-trend__working" }, [progress]);
    var last = { query: options.series[0], read: 0, all: 0 };
    working.appendChild(button(L.stop, function () {
      stopped = true;
      working.remove();
      note.textContent = L.stopped(last.query, last.read, last.all);
      var again = button(L.again, function () {
        if (mine === generation) show(section.parentNode, options);
      });
      section.appendChild(again);
      again.focus(); // the stop button it replaces had the focus
    }));
    section.appendChild(working);
    return api.loadYears(options.filters).then(function (facets) {
      return countAll(options, function (query, read, all) {
        if (stale()) throw new Stale();
        last = { query: query, read: read, all: all };
        note.textContent = L.counting(query, read, all);
        progress.value = all ? read / all : 1;
      }).then(function (counted) {
        if (stale()) return;
        working.remove();
        note.textContent = options.series.length > 1 ? L.listed(options.series[0]) : "";
        section.dataset.ready = "1";
        render(section, options, facets, counted);
      });
    }).catch(function (err) {
      if (err instanceof Stale || stale()) return;
      console.warn(err);
      working.remove();
      note.textContent = L.failed;
      section.dataset.error = "1";
    });
  }

  /* Every series' search read to the end, one after the other: [{query, search}]. The first series is
   * the page's own query: options.counted(search) then tells the page which of its candidates are
   * results (archive-search.js settleBy). */
  function countAll(options, report) {
    var counted = [];
    return options.series.reduce(function (chain, query, k) {
      return chain.then(function () {
        return count(query, options.filters, function (read, all) { report(query, read, all); });
      }).then(function (found) {
        counted.push({ query: query, search: found });
        if (k === 0 && options.counted) options.counted(found);
      });
    }, Promise.resolve()).then(function () { return counted; });
  }

  /* One query's search by date with every candidate read: its results are every speech that contains it
   * (exact, as archive-search.js proves them). The count needs only whether a speech holds the phrase,
   * which a search by date proves by one block (placesIn); a search by relevance reads every block where
   * the phrase may start, for its score (a quarter more at 10,000 speeches). So the count is a search of
   * its own, whatever the page's order, which reads no first page (want 0): the speeches the page read
   * are still in memory. `report(read, all)` follows the reading. benchmarks/search.py measures this. */
  function count(query, filters, report) {
    report = report || function () {};
    return api.search(query, { filters: filters, sort: "date", want: 0 }).then(function (found) {
      return found.widen().then(function () { return found; });
    }).then(function (found) {
      var all = found.total + found.pending;
      report(found.total, all);
      return found.more(Infinity, Infinity, {
        batch: BATCH,
        progress: function (read, left) { report(all - left, all); },
      });
    });
  }

  /* ---------- the numbers ---------- */

  /* One row per year that has speeches (after the speaker and event filters; only the chosen year when a
   * year is chosen), oldest first, undated last: {year, total, counts: [speeches per series]}. */
  function yearRows(facets, filters, counted) {
    var test = api.facetTest(facets, filters);
    var byYear = new Map();
    function row(year) {
      if (!byYear.has(year)) byYear.set(year, { year: year, total: 0, counts: counted.map(function () { return 0; }) });
      return byYear.get(year);
    }
    for (var doc = 0; doc < facets.y.length; doc++) {
      if (test(doc)) row(facets.years[facets.y[doc]]).total += 1;
    }
    counted.forEach(function (c, k) {
      c.search.results.forEach(function (r) { row(facets.years[facets.y[r.doc]]).counts[k] += 1; });
    });
    return Array.from(byYear.values()).sort(function (a, b) {
      return (a.year === "") - (b.year === "") || (a.year < b.year ? -1 : a.year > b.year ? 1 : 0);
    });
  }

  function share(n, total) {
    return total ? Math.round(1000 * n / total) / 10 : 0;
  }

  /* ---------- drawing ---------- */

  function render(section, options, facets, counted) {
    var rows = yearRows(facets, options.filters, counted);
    var queries = counted.map(function (c) { return c.query; });
    var measure = el("select", { id: "sa-trend-measure" });
    measure.append(el("option", { value: "speeches", text: L.speeches }), el("option", { value: "share", text: L.share }));
    var chart = el("div", { class: "sa-trend__chart" });
    var drawnWidth = 0;
    var draw = function () {
      chart.textContent = "";
      drawnWidth = chartWidth(chart);
      chart.appendChild(barChart(rows.filter(function (r) { return r.year; }), queries, measure.value, options,
        drawnWidth));
    };
    measure.addEventListener("change", draw);
    // Drawn at the width it is shown at, so its labels stay readable on a phone; again when that changes.
    window.addEventListener("resize", function () {
      if (chart.isConnected && Math.abs(chartWidth(chart) - drawnWidth) > 40) draw();
    });
    var legend = el("ul", { class: "sa-trend__legend" });
    queries.forEach(function (q, k) {
      var swatch = el("span", { class: "sa-trend__swatch", "aria-hidden": "true" });
      swatch.style.background = COLOURS[k];
      var label = queries.length > 1 ? el("a", { href: searchUrl(q, options.filters, options.sort), title: L.alone(q) }, [q]) : q;
      legend.appendChild(el("li", {}, [swatch, label]));
    });
    var downloads = el("p", { class: "sa-trend__downloads" });
    var csvNote = el("span", { class: "sa-trend__csv-status", role: "status" });
    var yearsButton = button(L.csvYears, function () {
      download(csvName(L.yearsFile, queries), yearsCsv(rows, queries));
    });
    var resultsButton = button(L.csvResults, function () {
      resultsButton.disabled = true;
      resultsCsv(counted[0], function (read, all) { csvNote.textContent = L.preparing(read, all); })
        .then(function (csv) { download(csvName(L.resultsFile, [queries[0]]), csv); csvNote.textContent = ""; })
        .catch(function (err) { console.warn(err); csvNote.textContent = L.failed; })
        .finally(function () { resultsButton.disabled = false; });
    });
    downloads.append(yearsButton, " ", resultsButton, " ", csvNote);
    section.append(
      el("div", { class: "sa-trend__controls" }, [el("label", { for: "sa-trend-measure", text: L.measure + " " }), measure]),
      el("div", { class: "sa-trend__figure" }, [el("div", {}, [chart, legend]), yearTable(rows, queries)]),
      downloads,
      concordance(counted[0])
    );
    draw(); // once in the page, where its width is known
  }

  /* The width the chart is shown at, in CSS pixels (its viewBox uses the same units): 320 to 720. */
  function chartWidth(node) {
    return Math.max(320, Math.min(720, Math.round(node.getBoundingClientRect().width) || 720));
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /* Grouped bars, one group per year, one bar per series; each bar links to the search narrowed to its
   * year. Inline SVG: no chart library, nothing from another host, and it prints. */
  function barChart(rows, queries, measure, options, width) {
    var W = width || 720, H = Math.round(W * 0.36) + 40, left = 48, right = 8, top = 12, bottom = 36;
    var value = function (r, k) { return measure === "share" ? share(r.counts[k], r.total) : r.counts[k]; };
    var max = 0;
    rows.forEach(function (r) { queries.forEach(function (_, k) { max = Math.max(max, value(r, k)); }); });
    var scale = niceMax(max);
    if (measure !== "share" && scale % 2) scale += 1; // whole numbers of speeches at 0, half and top
    var plotW = W - left - right, plotH = H - top - bottom;
    var group = rows.length ? plotW / rows.length : plotW;
    var barW = Math.max(1, group * 0.8 / queries.length);
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "sa-trend__svg", role: "group",
      "aria-label": L.caption(queries) });
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      var label = measure === "share" ? round1(scale * f) + "%" : String(Math.round(scale * f * 10) / 10);
      root.append(
        svg("line", { x1: left, x2: W - right, y1: y, y2: y, class: "sa-trend__grid" }),
        svg("text", { x: left - 4, y: y + 4, "text-anchor": "end", class: "sa-trend__tick", "aria-hidden": "true" }, [label])
      );
    });
    var every = Math.ceil(rows.length / Math.max(4, Math.floor(plotW / 48))); // labels 48 px apart at least
    rows.forEach(function (r, i) {
      var x0 = left + i * group + group * 0.1;
      queries.forEach(function (q, k) {
        var v = value(r, k);
        var h = scale ? plotH * v / scale : 0;
        var filters = Object.assign({}, options.filters, { year: r.year });
        var link = svg("a", { href: searchUrl(q, filters, options.sort), class: "sa-trend__bar",
          "aria-label": L.bar(q, r.year, r.counts[k], round1(share(r.counts[k], r.total))),
          "data-year": r.year, "data-series": String(k) });
        link.appendChild(svg("rect", { x: x0 + k * barW, y: top + plotH - h, width: Math.max(barW - 1, 1),
          height: Math.max(h, 0), fill: COLOURS[k] }));
        root.appendChild(link);
      });
      if (i % every === 0) {
        root.appendChild(svg("text", { x: x0 + group * 0.4, y: H - bottom + 16, "text-anchor": "middle",
          class: "sa-trend__tick", "aria-hidden": "true" }, [r.year]));
      }
    });
    root.appendChild(svg("line", { x1: left, x2: W - right, y1: top + plotH, y2: top + plotH, class: "sa-trend__axis" }));
    return root;
  }

  /* A round number at or above `max`, so the axis reads 0, half, whole. */
  function niceMax(max) {
    if (max <= 0) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    var nice = [1, 2, 2.5, 5, 10].map(function (m) { return m * step; }).filter(function (v) { return v >= max; });
    return nice[0];
  }

  function round1(v) { return (Math.round(v * 10) / 10).toFixed(1); }

  /* The same numbers as the chart, for screen readers, printing and copying. */
  function yearTable(rows, queries) {
    var head = el("tr", {}, [el("th", { scope: "col", text: L.year })]);
    queries.forEach(function (q) {
      head.append(el("th", { scope: "col", text: L.count(q) }), el("th", { scope: "col", text: L.shareOf(q) }));
    });
    head.appendChild(el("th", { scope: "col", text: L.total }));
    var body = el("tbody");
    rows.forEach(function (r) {
      var tr = el("tr", {}, [el("th", { scope: "row", text: r.year || L.undated })]);
      queries.forEach(function (_, k) {
        tr.append(el("td", { text: String(r.counts[k]) }), el("td", { text: round1(share(r.counts[k], r.total)) }));
      });
      tr.appendChild(el("td", { text: String(r.total) }));
      body.appendChild(tr);
    });
    // It scrolls when the years are many: a keyboard must be able to reach it (tabindex), named as a region.
    return el("div", { class: "sa-trend__table", tabindex: "0", role: "region", "aria-label": L.caption(queries) }, [
      el("table", { class: "sa-trend__numbers" }, [el("caption", { text: L.caption(queries) }), el("thead", {}, [head]), body]),
    ]);
  }

  function searchUrl(query, filters, sort) {
    var url = new URL(api.root + "search/");
    url.searchParams.set("q", query);
    ["year", "speaker", "event"].forEach(function (k) { if (filters && filters[k]) url.searchParams.set(k, filters[k]); });
    if (sort && sort !== "relevance") url.searchParams.set("sort", sort);
    return url.pathname + url.search;
  }

  /* ---------- the concordance ---------- */

  /* The concordance and the CSV list the speeches newest first, whatever the results' order: a phrase
   * over time reads best by date, and the count proves speeches by date without their full score. */
  function newestFirst(results) {
    var ordered = results.slice();
    api.sortResults(ordered, "date");
    return ordered;
  }

  /* Every place the first phrase occurs, with CONTEXT characters on either side, aligned on the phrase and
   * grouped by speech, SPEECHES_PER_PAGE speeches at a time. Read only when opened: it reads the speeches'
   * text, which the count did not need for a phrase of one index term. */
  function concordance(counted) {
    var details = el("details", { class: "sa-kwic" });
    var list = el("div", { class: "sa-kwic__speeches" });
    var more = el("button", { type: "button", class: "md-button", hidden: "", text: L.moreSpeeches });
    details.append(el("summary", { text: L.kwic }), list, more);
    var ordered = newestFirst(counted.search.results);
    var shown = 0, busy = null;
    function next() {
      if (busy) return busy;
      var page = ordered.slice(shown, shown + SPEECHES_PER_PAGE);
      shown += page.length;
      more.disabled = true;
      busy = Promise.all(page.map(function (r) { return api.loadDoc(r.doc); })).then(function (docs) {
        docs.forEach(function (d) { list.appendChild(speechLines(d, counted)); });
        more.hidden = shown >= ordered.length;
        details.dataset.shown = String(shown);
      }).catch(function (err) { console.warn(err); list.appendChild(el("p", { text: L.failed })); })
        .finally(function () { busy = null; more.disabled = false; });
      return busy;
    }
    details.addEventListener("toggle", function () { if (details.open && !shown) next(); });
    more.addEventListener("click", next);
    return details;
  }

  /* One speech's places, as a table: before | phrase | after. */
  function speechLines(d, counted) {
    var places = placesIn(d, counted.search.phrases);
    var title = el("a", { href: api.root + d.meta.u, text: d.meta.t });
    var meta = [d.meta.d, d.meta.s, d.meta.e, L.places(places.length)].filter(Boolean).join(" · ");
    var body = el("tbody");
    places.forEach(function (p) {
      body.appendChild(el("tr", {}, [
        el("td", { class: "sa-kwic__before" }, [el("span", { class: "sa-kwic__clip", text: p.before })]),
        el("td", { class: "sa-kwic__hit" }, [el("a", { href: spotUrl(d.meta, p, counted.query) }, [p.hit])]),
        el("td", { class: "sa-kwic__after", text: p.after }),
      ]));
    });
    var head = el("tr", {}, [L.before, L.phrase, L.after].map(function (t) { return el("th", { scope: "col", text: t }); }));
    return el("div", { class: "sa-kwic__speech" }, [
      el("h3", { class: "sa-kwic__title" }, [title]),
      el("p", { class: "sa-kwic__meta", text: meta }),
      el("table", { class: "sa-kwic__lines" }, [
        el("caption", { class: "sa-visually-hidden", text: L.kwicCaption(d.meta.t) }),
        el("thead", { class: "sa-visually-hidden" }, [head]), body]),
    ]);
  }

  /* Every place of any of the phrases in a speech's text, in order: {at, hit, before, after, section, nth}.
   * Newlines (between title, headings and paragraphs) read as spaces. `nth` counts the places from the
   * start of the section, which is how the speech page finds the place again (?n=). */
  function placesIn(d, phrases) {
    var starts = [];
    phrases.forEach(function (p) {
      var re = new RegExp(p.pattern, "iuy"); // sticky: matches exactly at lastIndex
      api.placesOf(p, d.text).forEach(function (at) {
        re.lastIndex = at;
        var m = re.exec(d.text);
        starts.push({ at: at, length: m ? m[0].length : 0 });
      });
    });
    starts.sort(function (a, b) { return a.at - b.at || b.length - a.length; });
    var flat = function (s) { return s.replace(/\n/g, " "); };
    var counts = new Map();
    return starts.map(function (s) {
      var section = null;
      d.meta.h.forEach(function (h) { if (h[0] <= s.at) section = h; });
      var key = section && section[1] ? section[1] : "";
      counts.set(key, (counts.get(key) || 0) + 1);
      return {
        at: s.at, section: section, nth: counts.get(key),
        hit: flat(d.text.slice(s.at, s.at + s.length)),
        before: flat(d.text.slice(Math.max(0, s.at - CONTEXT), s.at)),
        after: flat(d.text.slice(s.at + s.length, s.at + s.length + CONTEXT)),
      };
    });
  }

  function spotUrl(meta, place, query) {
    var url = api.root + meta.u + "?h=" + encodeURIComponent(query) + "&n=" + place.nth;
    if (place.section && place.section[1]) url += "#" + encodeURIComponent(place.section[1]);
    return url;
  }

  /* ---------- CSV ---------- */

  var FORMULA_START = /^[=+\-@\t\r＝＋－＠]/; // as speeches.csv guards its cells (hooks/archive_data.py)

  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (FORMULA_START.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csv(rows) {
    // A byte order mark, so spreadsheet programs read the UTF-8 (and the Chinese) correctly.
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function yearsCsv(rows, queries) {
    var head = ["year"];
    queries.forEach(function (q) { head.push("speeches: " + q, "share_percent: " + q); });
    head.push("speeches_that_year");
    return csv([head].concat(rows.map(function (r) {
      var line = [r.year || "undated"];
      queries.forEach(function (_, k) { line.push(r.counts[k], round1(share(r.counts[k], r.total))); });
      line.push(r.total);
      return line;
    })));
  }

  /* Every result of the first phrase: title, date, speaker, event, URL and the number of places it occurs.
   * A phrase of one index term was counted without reading the speeches, so they are read now. */
  function resultsCsv(counted, report) {
    var ordered = newestFirst(counted.search.results);
    var lines = new Array(ordered.length);
    var done = 0;
    var chain = Promise.resolve();
    for (var start = 0; start < ordered.length; start += BATCH) {
      chain = chain.then(readBatch.bind(null, start));
    }
    function readBatch(start) {
      var batch = ordered.slice(start, start + BATCH);
      return Promise.all(batch.map(function (r) { return api.loadDoc(r.doc); })).then(function (docs) {
        docs.forEach(function (d, i) {
          var places = placesIn(d, counted.search.phrases).length;
          lines[start + i] = [d.meta.t, d.meta.d, d.meta.s, d.meta.e, new URL(api.root + d.meta.u).href, places];
        });
        done += batch.length;
        report(done, ordered.length);
      });
    }
    return chain.then(function () {
      return csv([["title", "date", "speaker", "event", "url", "occurrences"]].concat(lines));
    });
  }

  // What no file name may hold on some system (Windows refuses \ / : * ? " < > |, and control characters),
  // and the invisible characters a name could hide its real end behind (bidirectional controls, zero widths).
  var UNSAFE_IN_NAME = /[\\/:*?"<>|\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;
  var NAME_PHRASES_MAX = 40; // characters: a CJK character is 3 bytes of the 255 a file system allows

  /* A CSV's file name: what it holds, the phrases and the reader's date, e.g. 逐年统计_乡村振兴_2026-11-30.csv,
     so a reader who downloads several keeps them apart; safe to save on every system. */
  function csvName(kind, queries, date) {
    var phrases = queries.map(function (q) {
      return String(q).trim().replace(/\s+/g, "-").replace(UNSAFE_IN_NAME, "").replace(/^[.-]+|[.-]+$/g, "");
    }).filter(Boolean).join("+");
    phrases = Array.from(phrases).slice(0, NAME_PHRASES_MAX).join("").replace(/[.+-]+$/, "");
    return [kind, phrases, localDate(date || new Date())].filter(Boolean).join("_") + ".csv";
  }

  function localDate(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }

  function download(name, text) {
    var url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    var link = el("a", { href: url, download: name, hidden: "" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  window.archiveTrend = {
    show: show, count: count, yearRows: yearRows, placesIn: placesIn, csvName: csvName, inFlight: BATCH,
  };
})();

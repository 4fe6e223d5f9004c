/* speech-archive: complete the citations (this page's address, today's date) and copy them; a speech's
   table of contents on narrow screens. No libraries, no network. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The page's own address, without the query (a reader's ?utm_… or search terms) or the fragment.
  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    var url = canonical ? canonical.href : window.location.href;
    return url.split(/[?#]/)[0];
  }

  function completeCitations() {
    var now = new Date();
    var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    document.querySelectorAll(".sa-cite-url").forEach(function (el) { el.textContent = pageAddress(); });
    document.querySelectorAll(".sa-cite-accessed").forEach(function (el) { el.textContent = today; });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function onCopy(event) {
    var button = event.currentTarget;
    var item = button.closest(".sa-cite__item");
    var text = item.querySelector(".sa-cite__text").textContent.replace(/\s+/g, " ").trim();
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    var status = document.querySelector(".sa-cite__status");
    function report(message) {
      button.textContent = message;
      if (status) { status.textContent = message; }
    }
    copyText(text).then(function () {
      report(button.dataset.copied);
      button.classList.add("sa-copy--done");
    }, function () {
      report(button.dataset.failed);
    }).then(function () {
      window.setTimeout(function () {
        button.textContent = label;
        if (status) { status.textContent = ""; }
      }, 2000);
    });
  }

  /* Phones and narrow windows (under 60em) never saw a speech's table of contents: Material shows it in
     the right sidebar from 60em up, and below that only in the drawer, under the page's entry in the
     navigation, which a speech page has not. A speech gets it as a collapsible block above its text,
     made from the sidebar's (no bytes in every page); archive.css hides the block from 60em up and in
     print. Its entries are made when it is first opened: the search highlights (archive-search.js)
     are placed when the page loads, before this runs, and must not count places in a copy of the
     headings. */
  function addContents() {
    var body = document.querySelector(".sa-speech__body");
    var toc = document.querySelector(".md-sidebar--secondary .md-nav--secondary");
    var list = toc && toc.querySelector("[data-md-component=toc]");
    if (!body || !list || list.querySelectorAll("a").length < 2) { return; }
    var label = (toc.getAttribute("aria-label") || "").trim();
    var details = document.createElement("details");
    details.className = "sa-toc";
    var summary = document.createElement("summary");
    summary.textContent = label;
    details.appendChild(summary);
    details.addEventListener("toggle", function () {
      if (!details.open || details.querySelector("nav")) { return; }
      var nav = document.createElement("nav");
      nav.setAttribute("aria-label", label);
      nav.appendChild(copyOfList(list));
      details.appendChild(nav);
    });
    body.parentNode.insertBefore(details, body);
  }

  // The sidebar's nested list as plain links (its own classes are styled and watched by Material).
  function copyOfList(list) {
    var copy = document.createElement("ul");
    Array.prototype.forEach.call(list.children, function (item) {
      var link = item.querySelector(":scope > a");
      if (!link) { return; }
      var entry = document.createElement("li");
      var a = document.createElement("a");
      a.href = link.getAttribute("href");
      a.textContent = link.textContent.trim();
      entry.appendChild(a);
      var children = item.querySelector(":scope > nav > ul");
      if (children) { entry.appendChild(copyOfList(children)); }
      copy.appendChild(entry);
    });
    return copy;
  }

  function init() {
    addContents();
    completeCitations();
    document.querySelectorAll(".sa-copy").forEach(function (button) {
      button.addEventListener("click", onCopy);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

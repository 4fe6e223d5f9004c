/* speech-archive: complete the citations (this page's address, today's date) and copy them.
   No libraries, no network. */
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

  function init() {
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

// Progressive: every form works without this script (plain GET filters, POST + redirect reviews).
(function () {
  // a facet's select filters as soon as it changes
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // a review is saved in place: the server sends back the review's block
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("review-form") || !window.fetch) return;
    ev.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Partial": "1" },
                         credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
      .then(function (res) {
        if (!res.ok) { alert(res.text.replace(/<[^>]*>/g, "").trim() || "保存失败"); if (button) button.disabled = false; return; }
        var box = form.closest(".review");
        box.insertAdjacentHTML("afterend", res.text);
        box.remove();
      })
      .catch(function () { form.submit(); });
  });
})();

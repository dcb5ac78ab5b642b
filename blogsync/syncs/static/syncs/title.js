/* Fills in the entry form's title from the post's page when the URL field loses
   focus and the title is still empty. The form works without this script: a
   submission without a title makes the hub read it and show the form again. */
(function () {
  var form = document.querySelector("form[data-title-lookup]");
  if (!form || !window.fetch) {
    return;
  }
  var urlInput = form.elements.url;
  var titleInput = form.elements.title;
  var pageInput = form.elements.page;
  var status = document.getElementById("title-status");
  if (!urlInput || !titleInput || !status) {
    return;
  }
  var lastLookedUp = "";
  var running = null;

  function announce(text) {
    status.textContent = text;
  }

  urlInput.addEventListener("blur", function () {
    var url = urlInput.value.trim();
    if (titleInput.value.trim() || !/^https?:\/\/[^\s\/]+/i.test(url) || url === lastLookedUp) {
      return;
    }
    lastLookedUp = url;
    if (running) {
      running.abort();
    }
    running = new AbortController();
    var address = form.getAttribute("data-title-lookup") + "?url=" + encodeURIComponent(url);
    announce("Reading the title from your post's page…");
    fetch(address, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: running.signal,
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (!result.ok) {
          announce(result.body.error || "We could not read a title from that page. Please type the title.");
          return;
        }
        if (titleInput.value.trim() || urlInput.value.trim() !== url) {
          announce("");
          return;
        }
        titleInput.value = result.body.title;
        if (pageInput) {
          pageInput.value = result.body.page || "";
        }
        announce("We filled in the title from your post's page: " + result.body.title + ". Check it before you submit.");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          announce("We could not read a title from that page. Please type the title.");
        }
      });
  });
})();

/* blogsync widget: shows a topic's current numbered list inside any page.
   Include it with <script src=".../widget.js" async></script>. It builds its own DOM
   inside a shadow root, so the host page's styles and this widget's styles stay apart,
   and it sets every piece of text with textContent, never as HTML. */
(function () {
  "use strict";
  var config = __BLOGSYNC_CONFIG__;
  var script = document.currentScript;
  var host = document.createElement("div");
  host.setAttribute("data-blogsync-widget", "");
  if (script && script.parentNode) {
    script.parentNode.insertBefore(host, script);
  } else {
    document.body.appendChild(host);
  }
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var style = document.createElement("style");
  style.textContent =
    ":host{all:initial;display:block}" +
    ".box{--fg:#1d1d1f;--bg:#fdfcf9;--link:#0b5cad;--muted:#55565c;--line:#d8d6cf;" +
    "color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;" +
    "padding:.75em 1em;font:16px/1.5 system-ui,sans-serif;text-align:left}" +
    "@media (prefers-color-scheme:dark){.box{--fg:#ececef;--bg:#16171a;--link:#8cc2ff;" +
    "--muted:#a9abb3;--line:#3a3c42}}" +
    "h2{font-size:1.05em;margin:0 0 .5em;font-weight:600}" +
    "a{color:var(--link)}ol{margin:0;padding-left:1.75em}li{margin:.2em 0}" +
    "p{margin:.5em 0 0;color:var(--muted);font-size:.9em}strong{font-weight:700}";
  root.appendChild(style);
  var box = element("div", "box");
  root.appendChild(box);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(url, text) {
    var a = element("a", null, text);
    a.href = url;
    return a;
  }

  // A comparison key for addresses: host and path, without a trailing slash.
  function key(url) {
    try {
      var u = new URL(url, location.href);
      return u.host.toLowerCase() + u.pathname.replace(/\/+$/, "");
    } catch (e) {
      return "";
    }
  }

  function showFallback(message) {
    box.textContent = "";
    var p = element("p", null, message + " ");
    p.appendChild(link(config.page, "See the list of posts on the hub."));
    box.appendChild(p);
  }

  function render(data) {
    box.textContent = "";
    var heading = element("h2");
    heading.appendChild(link(data.topic.url, data.topic.label + ": " + data.topic.title));
    box.appendChild(heading);
    if (!data.lines.length) {
      box.appendChild(element("p", null, "No posts listed yet."));
      return;
    }
    var currentPage = key(location.href);
    var list = element("ol");
    data.lines.forEach(function (line) {
      var item = element("li");
      item.value = line.number;
      var mine = false;
      var text = document.createDocumentFragment();
      text.appendChild(document.createTextNode(line.name + ": "));
      line.entries.forEach(function (entry, index) {
        if (index > 0) {
          var last = index === line.entries.length - 1;
          text.appendChild(document.createTextNode(last ? " and " : ", "));
        }
        if (entry.url) {
          text.appendChild(link(entry.url, entry.title));
          if (key(entry.url) === currentPage) mine = true;
        } else {
          text.appendChild(document.createTextNode(entry.title));
        }
      });
      if (mine) {
        var strong = element("strong");
        strong.appendChild(text);
        item.appendChild(strong);
        item.appendChild(document.createTextNode(" (you are here)"));
      } else {
        item.appendChild(text);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  showFallback("Loading the list of posts…");
  fetch(config.data, { credentials: "omit" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(render)
    .catch(function () {
      showFallback("The list could not be loaded.");
    });
})();

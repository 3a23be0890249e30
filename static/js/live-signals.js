/*
 * Atelier — live signals on Today, over a WebSocket (Channels), CSP-safe.
 *
 *   <section data-live-signals data-ws-path="/ws/stylist/signals/">   (no path: no socket)
 *     <span data-live-status>…</span>
 *     <ul data-live-list>…</ul>            newest first; at most MAX_ITEMS
 *     <p data-live-empty hidden>…</p>      shown while the list is empty
 *   </section>
 *   <span data-unread-count>3</span>       anywhere: bumped when a client writes
 *   <time datetime="…" data-relative-time> "just now", "4 min ago", kept fresh
 *
 * Server events: {"type": "signal", client: {name, url}, product: {name}, kind, at, text},
 * {"type": "message", client: {name, url}, text} and {"type": "reaction", client: {id, name,
 * url}, product, lookbook, item, reaction, label, at, text}. A panel may narrow what it lists:
 * data-live-client="<client id>" (the client story) or data-live-lookbook="<lookbook id>"
 * (the lookbook page, which also rewrites [data-reaction-for="<item id>"] in place). Text is always set with
 * textContent, never as HTML. The socket reconnects with back-off.
 */
(function () {
  "use strict";

  var MAX_ITEMS = 8;
  var doc = document;

  function relative(iso) {
    var then = Date.parse(iso);
    if (isNaN(then)) return "";
    var seconds = Math.max(0, Math.round((Date.now() - then) / 1000));
    if (seconds < 45) return "just now";
    var minutes = Math.round(seconds / 60);
    if (minutes < 60) return minutes + " min ago";
    var hours = Math.round(minutes / 60);
    if (hours < 24) return hours + " h ago";
    return Math.round(hours / 24) + " d ago";
  }

  function refreshTimes(scope) {
    var times = (scope || doc).querySelectorAll("time[data-relative-time]");
    for (var i = 0; i < times.length; i++) {
      var text = relative(times[i].getAttribute("datetime"));
      if (text && times[i].textContent !== text) times[i].textContent = text;
    }
  }

  function signalItem(event) {
    var li = doc.createElement("li");
    li.className = "list__item is-new";
    var main = doc.createElement("div");
    main.className = "list__main";
    var title = doc.createElement("p");
    title.className = "list__title";
    var link = doc.createElement("a");
    link.href = (event.client && event.client.url) || "#";
    link.textContent = event.text || "";
    title.appendChild(link);
    var meta = doc.createElement("p");
    meta.className = "list__meta";
    var time = doc.createElement("time");
    time.setAttribute("datetime", event.at || new Date().toISOString());
    time.setAttribute("data-relative-time", "");
    time.textContent = "just now";
    meta.appendChild(time);
    main.appendChild(title);
    main.appendChild(meta);
    li.appendChild(main);
    return li;
  }

  function connect(panel) {
    var list = panel.querySelector("[data-live-list]");
    var empty = panel.querySelector("[data-live-empty]");
    var status = panel.querySelector("[data-live-status]");
    var path = panel.getAttribute("data-ws-path");
    if (!path) return; // served without WebSockets (a WSGI server): the list is what it knows
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 1000;
    var socket;

    function setStatus(text, live) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("badge--success", !!live);
      status.classList.toggle("badge--neutral", !live);
    }

    var onlyClient = panel.getAttribute("data-live-client");
    var onlyLookbook = panel.getAttribute("data-live-lookbook");

    function concerns(event) {
      if (onlyClient && (!event.client || event.client.id !== onlyClient)) return false;
      if (onlyLookbook && event.lookbook !== onlyLookbook) return false;
      return true;
    }

    function onReaction(event) {
      if (!concerns(event)) return;
      if (onlyLookbook) {
        var spots = doc.querySelectorAll('[data-reaction-for="' + event.item + '"]');
        for (var i = 0; i < spots.length; i++) {
          var badge = doc.createElement("span");
          badge.className = "reaction-badge badge " + ({ love: "badge--accent reaction-badge--love", not_for_me: "badge--neutral", ask: "badge--info" }[event.reaction] || "badge--neutral");
          badge.textContent = event.label || "";
          spots[i].textContent = "";
          spots[i].appendChild(badge);
          spots[i].classList.add("is-new");
        }
      }
      onSignal(event);
    }

    function onSignal(event) {
      if (!list || !concerns(event)) return;
      list.insertBefore(signalItem(event), list.firstChild);
      while (list.children.length > MAX_ITEMS) list.removeChild(list.lastChild);
      if (empty) empty.hidden = true;
    }

    function onMessage(event) {
      var counters = doc.querySelectorAll("[data-unread-count]");
      for (var i = 0; i < counters.length; i++) {
        var n = parseInt(counters[i].textContent, 10);
        counters[i].textContent = String((isNaN(n) ? 0 : n) + 1);
      }
      if (window.Atelier && window.Atelier.toast) window.Atelier.toast(event.text || "New message", "info");
    }

    function open() {
      socket = new WebSocket(scheme + window.location.host + path);
      socket.addEventListener("open", function () {
        delay = 1000;
        setStatus("Live", true);
        panel.setAttribute("data-live-connected", "");
      });
      socket.addEventListener("message", function (message) {
        var event;
        try {
          event = JSON.parse(message.data);
        } catch (e) {
          return;
        }
        if (event.type === "signal" && !onlyClient && !onlyLookbook) onSignal(event);
        else if (event.type === "reaction") onReaction(event);
        else if (event.type === "message" && !onlyClient && !onlyLookbook) onMessage(event);
      });
      socket.addEventListener("close", function (closeEvent) {
        panel.removeAttribute("data-live-connected");
        if (closeEvent.code === 4403) {
          setStatus("Unavailable", false);
          return; // not an advisor: do not knock again
        }
        setStatus("Reconnecting…", false);
        window.setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      });
    }

    open();
  }

  function start() {
    var panels = doc.querySelectorAll("[data-live-signals]");
    for (var i = 0; i < panels.length; i++) connect(panels[i]);
    refreshTimes();
    window.setInterval(refreshTimes, 30000);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();

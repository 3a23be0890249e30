/*
 * Atelier — the conversation between a client and her advisor, live (CSP-safe).
 *
 *   <div data-thread data-style="concierge|timeline" data-ws-path="/ws/thread/…"
 *        data-text-*="…">                         every word shown, translated by the page
 *     <ol data-thread-list>…<li data-message-id="uuid">…</li></ol>
 *   </div>
 *   <form data-thread-form> (the client's page) sent over the socket when it is open;
 *   without script, or while the socket is down, the form posts as before.
 *
 * Server events (stylists.consumers.thread): {"type": "message", id, mine, author, body,
 * subject, channel, channel_label, status, at, read}, {"type": "read", by, at},
 * {"type": "sent", ref}, {"type": "error", message, ref}. Text is set with textContent.
 */
(function () {
  "use strict";

  var doc = document;

  function timeLabel(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    var lang = doc.documentElement.lang || undefined;
    if (lang === "en") lang = "en-GB"; // the house writes "6 December, 09:55", as the server does
    try {
      return date.toLocaleString(lang, {
        day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", hour12: false,
      });
    } catch (e) {
      return date.toLocaleString();
    }
  }

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function Thread(root) {
    this.root = root;
    this.style = root.getAttribute("data-style");
    this.path = root.getAttribute("data-ws-path");
    this.form = doc.querySelector("[data-thread-form]");
    this.notice = doc.querySelector("[data-thread-notice]");
    this.socket = null;
    this.delay = 1000;
    this.counter = 0;
    if (!this.path) return; // a server without WebSockets: the page and its form, as they are
    var self = this;
    this.open();
    if (this.form) this.enhance();
    doc.addEventListener("visibilitychange", function () {
      if (!doc.hidden) self.markRead();
    });
    doc.addEventListener("htmx:afterSettle", function () { self.applyRead(); });
  }

  Thread.prototype.text = function (name) {
    return this.root.getAttribute("data-text-" + name) || "";
  };

  Thread.prototype.list = function () {
    return doc.querySelector("[data-thread-list]");
  };

  Thread.prototype.open = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.path);
    this.socket = socket;
    socket.addEventListener("open", function () {
      self.delay = 1000;
      self.root.setAttribute("data-thread-live", "");
      if (!doc.hidden) self.markRead();
    });
    socket.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "message") self.onMessage(event);
      else if (event.type === "read") self.onRead(event);
      else if (event.type === "sent") self.onSent(event);
      else if (event.type === "error") self.onError(event);
    });
    socket.addEventListener("close", function (closeEvent) {
      self.root.removeAttribute("data-thread-live");
      if (closeEvent.code === 4403) return; // not a party to this conversation
      window.setTimeout(function () { self.open(); }, self.delay);
      self.delay = Math.min(self.delay * 2, 30000);
    });
  };

  Thread.prototype.live = function () {
    return this.socket && this.socket.readyState === 1;
  };

  Thread.prototype.markRead = function () {
    if (this.live()) this.socket.send(JSON.stringify({ type: "read" }));
  };

  Thread.prototype.onMessage = function (event) {
    var list = this.list();
    if (!list || list.querySelector('[data-message-id="' + event.id + '"]')) return;
    var item = this.style === "timeline" ? this.timelineItem(event) : this.conciergeItem(event);
    var latest = doc.getElementById("latest");
    if (latest) latest.removeAttribute("id");
    item.id = "latest";
    item.classList.add("is-new");
    list.appendChild(item);
    list.hidden = false;
    var empty = doc.querySelector("[data-thread-empty]");
    if (empty) empty.hidden = true;
    if (!event.mine && !doc.hidden) this.markRead();
    if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
  };

  Thread.prototype.receipt = function (event) {
    return el("span", "thread__receipt", this.text(event.read ? "read" : "sent"));
  };

  Thread.prototype.conciergeItem = function (event) {
    var li = el("li", "thread__message thread__message--" + (event.mine ? "mine" : "house"));
    li.setAttribute("data-message-id", event.id);
    var meta = el("p", "thread__meta", (event.mine ? this.text("you") : event.author || this.text("house")) + " · ");
    var time = el("time", "", timeLabel(event.at));
    time.setAttribute("datetime", event.at);
    meta.appendChild(time);
    if (event.channel === "email") meta.appendChild(doc.createTextNode(" · " + this.text("email")));
    else if (event.channel !== "concierge") {
      meta.appendChild(doc.createTextNode(" · " + this.text("by").replace("%(channel)s", event.channel_label)));
    }
    if (event.mine) {
      meta.appendChild(doc.createTextNode(" · "));
      var receipt = this.receipt(event);
      receipt.setAttribute("data-receipt", "");
      meta.appendChild(receipt);
    }
    var body = el("div", "thread__body");
    body.setAttribute("dir", "auto"); // as the page draws it: her words keep their own direction
    if (event.subject) body.appendChild(el("p", "thread__subject", event.subject));
    body.appendChild(el("p", "thread__text", event.body));
    li.appendChild(meta);
    li.appendChild(body);
    return li;
  };

  Thread.prototype.timelineItem = function (event) {
    var li = el("li", "timeline__item" + (event.direction === "out" ? " timeline__item--accent" : ""));
    li.setAttribute("data-message-id", event.id);
    var meta = el("p", "timeline__meta");
    var time = el("time", "", timeLabel(event.at));
    time.setAttribute("datetime", event.at);
    meta.appendChild(time);
    meta.appendChild(doc.createTextNode(" · " + event.channel_label));
    if (event.direction === "out") {
      meta.appendChild(doc.createTextNode(" · "));
      var badge = el("span", "badge badge--neutral", this.text(event.read ? "read" : "sent"));
      if (event.channel === "concierge") badge.setAttribute("data-receipt", "");
      meta.appendChild(badge);
    }
    li.appendChild(meta);
    li.appendChild(el("p", "timeline__title", event.author + (event.subject ? " — " + event.subject : "")));
    var text = el("p", "timeline__text", event.body);
    text.setAttribute("dir", "auto");
    li.appendChild(text);
    return li;
  };

  // The other side read: the receipts on this page's own messages, up to then, say so.
  // Kept, and applied again after htmx swaps the thread (the advisor's composer).
  Thread.prototype.onRead = function (event) {
    var mineWereRead = (this.style === "timeline") === (event.by === "client");
    if (!mineWereRead) return;
    this.readAt = Date.parse(event.at);
    this.applyRead();
  };

  Thread.prototype.applyRead = function () {
    if (!this.readAt) return;
    var receipts = doc.querySelectorAll("[data-receipt]");
    for (var i = 0; i < receipts.length; i++) {
      var item = receipts[i].closest("[data-message-id]");
      var time = item && item.querySelector("time[datetime]");
      var at = time ? Date.parse(time.getAttribute("datetime")) : NaN;
      if (!isNaN(at) && at > this.readAt + 1000) continue; // written after she read
      var target = receipts[i].querySelector(".badge") || receipts[i];
      target.textContent = this.text("read");
      receipts[i].classList.add("is-read");
    }
  };

  Thread.prototype.enhance = function () {
    var self = this;
    var field = this.form.querySelector("textarea");
    this.form.addEventListener("submit", function (submitEvent) {
      if (!self.live() || !field || !field.value.trim()) return; // the form posts as before
      submitEvent.preventDefault();
      self.counter += 1;
      self.pending = { ref: "m" + self.counter, body: field.value };
      var message = { type: "send", body: field.value, ref: self.pending.ref };
      var extras = self.form.querySelectorAll("[data-thread-extra]"); // "Ask Élise" from a lookbook
      for (var i = 0; i < extras.length; i++) message[extras[i].name] = extras[i].value;
      self.socket.send(JSON.stringify(message));
      self.say(self.text("sending"), false);
    });
  };

  Thread.prototype.onSent = function (event) {
    if (!this.pending || this.pending.ref !== event.ref) return;
    var field = this.form && this.form.querySelector("textarea");
    if (field && field.value === this.pending.body) field.value = "";
    var extras = this.form ? this.form.querySelectorAll("[data-thread-extra]") : [];
    for (var i = 0; i < extras.length; i++) extras[i].parentNode.removeChild(extras[i]); // asked once
    this.pending = null;
    this.say("", false);
  };

  Thread.prototype.onError = function (event) {
    this.pending = null;
    this.say(event.message, true);
  };

  Thread.prototype.say = function (text, error) {
    if (!this.notice) return;
    this.notice.textContent = text;
    this.notice.classList.toggle("danger-text", !!error);
  };

  function start() {
    var roots = doc.querySelectorAll("[data-thread]");
    for (var i = 0; i < roots.length; i++) new Thread(roots[i]);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();

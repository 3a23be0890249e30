/*
 * Atelier — behaviour for both audiences, CSP-safe (no inline code, no eval).
 *
 * Everything is wired with data-attributes and event delegation, so content
 * swapped in by htmx works without re-binding; per-element set-up (countdowns,
 * sortable lists, auto-dismissing toasts) runs on load and on every htmx swap.
 *
 * Data-attribute API
 *   <meta name="csrf-token" content="…">     CSRF token sent with every unsafe request
 *   data-nav-toggle                          toggles the small-screen menu (aria-controls)
 *   data-toast-close                         closes the enclosing .toast
 *   data-autodismiss="8000"                  on a .toast: closes after N ms (paused on hover/focus)
 *   data-dialog-open="ID"                    opens <dialog id="ID"> as a modal
 *   data-fill-from="TEMPLATE-ID"             in a dialog: an empty element filled with a copy
 *                                            of <template id="TEMPLATE-ID"> when it opens
 *   data-dialog-close[="ID"]                 closes that dialog, or the enclosing one
 *   <dialog data-dialog-dismissable>         a click on the backdrop closes it
 *   data-confirm="Question?"                 on a button/link/form: asks before going on
 *   data-deadline="ISO-8601"                 live countdown chip ("2 h 14 min left" / "overdue 35 min")
 *     data-soon-minutes="60"                 threshold for .countdown--soon (default 60)
 *     data-done                              stops counting (the request was answered)
 *   data-sortable                            a list whose children (data-id) can be dragged
 *     data-sortable-url="/…/reorder/"        POSTs order=<id>&order=<id>… after each drop
 *     data-sortable-handle=".drag-handle"    optional handle selector
 *     data-sortable-target="#region"         optional: swap the HTML response there
 *     data-sortable-swap="outerHTML"         optional swap style (default innerHTML)
 *   data-autosubmit                          on a form: submits (requestSubmit) when a field changes
 *
 * Events dispatched: "atelier:sorted" (detail: {order, url}) on the list after a save.
 */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;

  /* CSRF ------------------------------------------------------------------ */

  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  var SAFE_METHODS = /^(GET|HEAD|OPTIONS|TRACE)$/i;

  doc.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (!SAFE_METHODS.test(detail.verb || "")) {
      detail.headers["X-CSRFToken"] = csrfToken();
    }
  });

  /* Page progress hairline while htmx requests are in flight. -------------- */

  var inFlight = 0;
  function setLoading(delta) {
    inFlight = Math.max(0, inFlight + delta);
    root.classList.toggle("is-loading", inFlight > 0);
  }
  doc.addEventListener("htmx:beforeRequest", function () {
    setLoading(1);
  });
  ["htmx:afterRequest", "htmx:sendError", "htmx:timeout", "htmx:sendAbort"].forEach(function (name) {
    doc.addEventListener(name, function () {
      setLoading(-1);
    });
  });

  /* Announcements for screen readers. -------------------------------------- */

  function announce(text) {
    var region = doc.getElementById("atelier-live");
    if (!region) {
      region = doc.createElement("div");
      region.id = "atelier-live";
      region.className = "live-region";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      doc.body.appendChild(region);
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  /* Toasts ------------------------------------------------------------------ */

  function closeToast(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    toast.classList.add("is-leaving");
    window.setTimeout(function () {
      if (toast.parentNode) toast.parentNode.removeChild(toast);
    }, reduce ? 0 : 200);
  }

  function armToast(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    var ms = parseInt(toast.getAttribute("data-autodismiss"), 10);
    if (!ms) return;
    var timer = null;
    function start() {
      stop();
      timer = window.setTimeout(function () {
        closeToast(toast);
      }, ms);
    }
    function stop() {
      if (timer) window.clearTimeout(timer);
      timer = null;
    }
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("mouseleave", start);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("focusout", start);
    start();
  }

  /* Client-side toast, e.g. when saving an order fails. */
  function showToast(text, level) {
    var region = doc.getElementById("toasts");
    if (!region) return false;
    var toast = doc.createElement("div");
    toast.className = "toast toast--" + (level || "info");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    var body = doc.createElement("div");
    body.className = "toast__body";
    body.textContent = text;
    var close = doc.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.setAttribute("data-toast-close", "");
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    toast.appendChild(body);
    toast.appendChild(close);
    if (level !== "error") toast.setAttribute("data-autodismiss", "6000");
    region.appendChild(toast);
    armToast(toast);
    return true;
  }

  /* Dialogs ----------------------------------------------------------------- */

  function openDialog(dialog, opener) {
    if (!dialog || typeof dialog.showModal !== "function" || dialog.open) return;
    dialog._opener = opener || null;
    var empties = dialog.querySelectorAll("[data-fill-from]");
    for (var i = 0; i < empties.length; i++) {
      var template = doc.getElementById(empties[i].getAttribute("data-fill-from"));
      if (!empties[i].children.length && template && template.content) {
        empties[i].appendChild(template.content.cloneNode(true));
      }
    }
    dialog.showModal();
  }

  function closeDialog(dialog) {
    if (dialog && dialog.open) dialog.close();
  }

  doc.addEventListener(
    "close",
    function (event) {
      var dialog = event.target;
      if (dialog && dialog.tagName === "DIALOG" && dialog._opener && doc.contains(dialog._opener)) {
        dialog._opener.focus();
        dialog._opener = null;
      }
    },
    true
  );

  /* Small-screen navigation ------------------------------------------------ */

  function toggleNav(toggle) {
    var shell = toggle.closest(".app-sidebar, .concierge-header") || doc.body;
    var open = !shell.classList.contains("is-open");
    shell.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = shell.querySelector(".app-nav a, .concierge-nav a");
      if (first) first.focus();
    }
  }

  /* Clicks (delegated) ------------------------------------------------------ */

  doc.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;

    var toggle = target.closest("[data-nav-toggle]");
    if (toggle) {
      event.preventDefault();
      toggleNav(toggle);
      return;
    }

    var closer = target.closest("[data-toast-close]");
    if (closer) {
      closeToast(closer.closest(".toast"));
      return;
    }

    var opener = target.closest("[data-dialog-open]");
    if (opener) {
      event.preventDefault();
      openDialog(doc.getElementById(opener.getAttribute("data-dialog-open")), opener);
      return;
    }

    var dialogCloser = target.closest("[data-dialog-close]");
    if (dialogCloser) {
      var id = dialogCloser.getAttribute("data-dialog-close");
      event.preventDefault();
      closeDialog(id ? doc.getElementById(id) : dialogCloser.closest("dialog"));
      return;
    }

    // A click on the backdrop of a dismissable dialog lands on the dialog itself.
    if (target.tagName === "DIALOG" && target.hasAttribute("data-dialog-dismissable")) {
      var box = target.getBoundingClientRect();
      var inside =
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom;
      if (!inside) closeDialog(target);
    }
  });

  /* Confirmations: capture phase, so htmx and form submission never see a "no". */

  doc.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      if (!(target instanceof Element)) return;
      var el = target.closest("a[data-confirm], button[data-confirm], input[data-confirm]");
      if (!el || el.disabled) return;
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      } else if (el.form) {
        // The form's own data-confirm should not ask a second time.
        el.form.dataset.confirmed = "1";
      }
    },
    true
  );

  doc.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
      if (form.dataset.confirmed) {
        delete form.dataset.confirmed;
        return;
      }
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  /* Auto-submitting filter forms. */
  doc.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var form = target.closest("form[data-autosubmit]");
    if (form && typeof form.requestSubmit === "function") form.requestSubmit();
  });

  /* Escape closes the small-screen menu. */
  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = doc.querySelector(".app-sidebar.is-open, .concierge-header.is-open");
    if (!open) return;
    var toggle = open.querySelector("[data-nav-toggle]");
    if (toggle) {
      toggleNav(toggle);
      toggle.focus();
    }
  });

  /* Countdown chips ------------------------------------------------------------ */

  function formatSpan(totalMinutes) {
    var minutes = Math.abs(totalMinutes);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days > 0) return days + " d" + (hours ? " " + hours + " h" : "");
    if (hours > 0) return hours + " h" + (mins ? " " + mins + " min" : "");
    return mins + " min";
  }

  function updateCountdown(chip, now) {
    if (chip.hasAttribute("data-done")) return;
    var deadline = Date.parse(chip.getAttribute("data-deadline"));
    if (isNaN(deadline)) return;
    var soon = parseInt(chip.getAttribute("data-soon-minutes"), 10);
    if (isNaN(soon)) soon = 60;
    var diff = Math.floor((deadline - now) / 60000); // whole minutes left
    var label = chip.querySelector(".countdown__label") || chip;
    var text;
    if (diff < 0) {
      text = "overdue " + formatSpan(-diff);
    } else if (diff < 1) {
      text = "due now";
    } else {
      text = formatSpan(diff) + " left";
    }
    if (label.textContent !== text) label.textContent = text;
    chip.classList.toggle("countdown--overdue", diff < 0);
    chip.classList.toggle("countdown--soon", diff >= 0 && diff < soon);
    if (!chip.hasAttribute("title")) {
      chip.setAttribute("title", "Due " + new Date(deadline).toLocaleString());
    }
  }

  function tickCountdowns() {
    var now = Date.now();
    var chips = doc.querySelectorAll("[data-deadline]");
    for (var i = 0; i < chips.length; i++) updateCountdown(chips[i], now);
  }

  /* Sortable lists ----------------------------------------------------------- */

  function itemIds(list) {
    var ids = [];
    for (var i = 0; i < list.children.length; i++) {
      var id = list.children[i].getAttribute("data-id");
      if (id) ids.push(id);
    }
    return ids;
  }

  function restoreOrder(list, ids) {
    var byId = {};
    for (var i = 0; i < list.children.length; i++) {
      byId[list.children[i].getAttribute("data-id")] = list.children[i];
    }
    ids.forEach(function (id) {
      if (byId[id]) list.appendChild(byId[id]);
    });
  }

  function saveOrder(list, previous) {
    var url = list.getAttribute("data-sortable-url");
    var order = itemIds(list);
    if (!url) return;
    list.classList.add("is-saving");
    list.setAttribute("aria-busy", "true");

    function done(ok) {
      list.classList.remove("is-saving");
      list.removeAttribute("aria-busy");
      // Said once: a server answer brings its own toast (role=status), and
      // an error toast is an alert; the live region speaks only where neither does.
      if (ok) {
        if (!targetEl) announce("New order saved.");
        list.dispatchEvent(new CustomEvent("atelier:sorted", { bubbles: true, detail: { order: order, url: url } }));
      } else {
        restoreOrder(list, previous);
        if (!showToast("The new order could not be saved. Please try again.", "error")) {
          announce("The new order could not be saved.");
        }
      }
    }

    var target = list.getAttribute("data-sortable-target");
    var targetEl = target ? doc.querySelector(target) : null;

    var body = new URLSearchParams();
    order.forEach(function (id) {
      body.append("order", id);
    });
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest",
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        "HX-Request": "true",
        "HX-Current-URL": window.location.href,
      },
      body: body,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return targetEl ? response.text() : "";
      })
      .then(
        function (html) {
          if (targetEl) swapInto(targetEl, html, list.getAttribute("data-sortable-swap") || "innerHTML");
          done(true);
        },
        function () {
          done(false);
        }
      );
  }

  /* Put server HTML into the page the way htmx would, so hx-* inside it works. */
  function swapInto(el, html, style) {
    if (window.htmx && typeof window.htmx.swap === "function") {
      window.htmx.swap(el, html, { swapStyle: style });
      return;
    }
    if (style === "outerHTML") {
      el.outerHTML = html;
    } else {
      el.innerHTML = html;
      if (window.htmx) window.htmx.process(el);
    }
  }

  function initSortable(list) {
    if (list._sortable || !window.Sortable) return;
    var previous = itemIds(list);
    var options = {
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 160,
      ghostClass: "sortable-ghost",
      chosenClass: "sortable-chosen",
      dragClass: "sortable-drag",
      dataIdAttr: "data-id",
      onStart: function () {
        previous = itemIds(list);
      },
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        saveOrder(list, previous);
      },
    };
    var handle = list.getAttribute("data-sortable-handle");
    if (handle) options.handle = handle;
    list._sortable = window.Sortable.create(list, options);
  }

  /* Set-up on load and after each htmx swap ------------------------------------- */

  function init(scope) {
    var node = scope && scope.querySelectorAll ? scope : doc;
    var toasts = node.querySelectorAll(".toast[data-autodismiss]");
    for (var i = 0; i < toasts.length; i++) armToast(toasts[i]);
    if (node.matches && node.matches(".toast[data-autodismiss]")) armToast(node);
    var lists = node.querySelectorAll("[data-sortable]");
    for (var j = 0; j < lists.length; j++) initSortable(lists[j]);
    if (node.matches && node.matches("[data-sortable]")) initSortable(node);
    tickCountdowns();
  }

  function start() {
    root.classList.add("js");
    init(doc);
    window.setInterval(tickCountdowns, 15000);
    doc.addEventListener("visibilitychange", function () {
      if (!doc.hidden) tickCountdowns();
    });
  }

  doc.addEventListener("htmx:load", function (event) {
    init(event.target);
  });

  // Deferred scripts (SortableJS) have all run by DOMContentLoaded.
  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  window.Atelier = { toast: showToast, announce: announce, openDialog: openDialog, closeDialog: closeDialog };
})();

/*
 * Atelier — the KPI charts drawn by Chart.js (static/vendor/chartjs), CSP-safe.
 *
 *   <figure data-kpi-chart="buyers">
 *     <div class="kpi-chart__fallback"><svg role="img">…</svg></div>   the picture without script
 *   </figure>
 *   <script id="kpi-chart-data" type="application/json">               json_script: data, not code
 *     {"buyers": {"title", "summary", "labels": [...], "values": [... or null], "share": bool,
 *                 "empty": "" or the sentence shown when no month has a value}}
 *
 * Each figure gets a <canvas role="img" aria-label="summary"> drawn from its data and the SVG
 * is hidden. No number lives only in the canvas: the month table under the charts holds them
 * all. Colours and type come from the house palette (CSS custom properties); no animation.
 */
(function () {
  "use strict";

  function token(style, name, fallback) {
    var value = style.getPropertyValue(name).trim();
    return value || fallback;
  }

  function percent(value) {
    return Math.round(value * 100) + "%";
  }

  function draw(figure, spec, palette) {
    var fallback = figure.querySelector(".kpi-chart__fallback");
    var box = document.createElement("div");
    var canvas = document.createElement("canvas");
    box.className = "kpi-chart__canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", spec.summary);
    canvas.textContent = spec.summary;
    box.appendChild(canvas);
    figure.insertBefore(box, fallback);
    var format = spec.share ? percent : function (value) { return String(value); };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.title,
          data: spec.values,
          backgroundColor: palette.bar,
          hoverBackgroundColor: palette.barHover,
          borderRadius: 2,
          maxBarThickness: 32
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            backgroundColor: palette.ink,
            displayColors: false,
            callbacks: { label: function (item) { return format(item.raw); } }
          }
        },
        scales: {
          x: { grid: { display: false }, ticks: { color: palette.text, autoSkip: true, maxRotation: 0 } },
          y: {
            beginAtZero: true,
            max: spec.share ? 1 : undefined,
            grid: { color: palette.grid },
            border: { display: false },
            ticks: { color: palette.text, precision: spec.share ? undefined : 0, callback: format, maxTicksLimit: 5 }
          }
        }
      }
    });
    if (fallback) fallback.hidden = true;
    if (spec.empty) {  // nothing to draw: said in words under the empty axes
      var note = document.createElement("p");
      note.className = "kpi-chart__empty text-sm muted";
      note.textContent = spec.empty;
      figure.appendChild(note);
    }
  }

  function start() {
    var source = document.getElementById("kpi-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var specs = JSON.parse(source.textContent);
    var style = window.getComputedStyle(document.documentElement);
    var palette = {
      bar: token(style, "--accent-600", "#8f5b2c"),
      barHover: token(style, "--accent-700", "#7a4b22"),
      grid: token(style, "--ivory-300", "#e6dfd2"),
      text: token(style, "--ink-600", "#5a534a"),
      ink: token(style, "--ink-900", "#1c1a17")
    };
    window.Chart.defaults.font.family = token(style, "--font-sans", "Inter, sans-serif");
    window.Chart.defaults.font.size = 12;
    document.querySelectorAll("[data-kpi-chart]").forEach(function (figure) {
      var spec = specs[figure.getAttribute("data-kpi-chart")];
      if (spec) draw(figure, spec, palette);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* Draws the dashboard's charts from the JSON the page carries (#reporting-charts).
   Every chart has a table with the same numbers right below it. */
(function () {
  "use strict";
  var node = document.getElementById("reporting-charts");
  if (!node || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(node.textContent);
  // Colour-blind safe palette (Okabe-Ito), darkened for contrast on white.
  var palette = ["#0066cc", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9", "#5c6f82", "#e69f00", "#004d99"];
  var locale = document.documentElement.lang || "it";

  function format(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    var text = Number(value).toLocaleString(locale, { maximumFractionDigits: 1 });
    return unit ? text + " " + unit : text;
  }

  charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) { return; }
    var line = spec.type === "line";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: line ? colour : colour + "cc",
        borderColor: colour,
        borderWidth: line ? 2 : 1,
        pointRadius: line ? 3 : 0,
        spanGaps: true
      };
    });
    var stacked = !!(spec.options && spec.options.stacked);
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          title: { display: true, text: spec.title },
          tooltip: {
            callbacks: {
              label: function (context) { return context.dataset.label + ": " + format(context.parsed.y, spec.unit); }
            }
          }
        },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { callback: function (v) { return format(v, spec.unit); } } }
        }
      }
    });
    canvas.setAttribute("data-chart-ready", "1");
  });
  document.documentElement.setAttribute("data-charts-ready", String(charts.length));
})();

// A named query's chart (server/templates/named_query.html), drawn with Chart.js from the
// rows the page shows (the JSON in #chart-data: pob.publish.query_pages.chart_data). The
// canvas has a text alternative, and the same figures are in the table under it.
(function () {
  'use strict';
  var source = document.getElementById('chart-data');
  var canvas = document.getElementById('chart');
  if (!source || !canvas || typeof Chart === 'undefined') { return; }
  var data = JSON.parse(source.textContent);
  var ink = '#1b1b1b';
  var accent = '#0b4f8a';
  Chart.defaults.color = ink;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var chart;
  if (data.kind === 'bar') {
    var many = data.labels.length > 8;
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: accent }] },
      options: {
        indexAxis: many ? 'y' : 'x', responsive: true, maintainAspectRatio: false,
        animation: false, plugins: { legend: { display: false } },
        scales: { x: { ticks: { autoSkip: !many } }, y: { ticks: { autoSkip: false } } }
      }
    });
  } else {
    var points = data.points.map(function (p, i) {
      return { x: p.x, y: i % 6, label: p.label, date: p.date };
    });
    chart = new Chart(canvas, {
      type: 'scatter',
      data: { datasets: [{ data: points, backgroundColor: accent, pointRadius: 6 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return c.raw.date + ': ' + c.raw.label; } } }
        },
        scales: {
          x: { type: 'linear', ticks: { stepSize: 1, callback: function (v) { return String(Math.floor(v)); } } },
          y: { display: false, min: -1, max: 6 }
        }
      }
    });
  }
  canvas.setAttribute('data-drawn', String(chart.data.datasets[0].data.length));
}());

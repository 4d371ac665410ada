/* The dashboards' charts, drawn with the locally served ECharts: whichever of them the page
   holds (residents per committee, care tags, requests per committee, the trend over the sent
   briefings). */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var brand = "#c8102e", warn = "#b25e00", calm = "#2f6db5", ok = "#1b7f3b";
  function place(id, height) {
    var el = document.getElementById(id);
    if (!el) return null;
    el.style.height = height + "px";
    return echarts.init(el, null, { renderer: "svg" });
  }
  function bars(id, names, series) {
    if (!names || !names.length) return null;
    var chart = place(id, Math.max(160, names.length * 28 * Math.max(1, series.length * 0.7) + 60));
    if (!chart) return null;
    chart.setOption({
      animation: false,
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 36, top: series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f6" } } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 90, overflow: "truncate" } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, itemStyle: { color: s.color }, barMaxWidth: 20,
                 label: { show: true, position: "right" } };
      })
    });
    return chart;
  }
  function lines(id, trend) {
    if (!trend || !trend.days || !trend.days.length) return null;
    var chart = place(id, 260);
    if (!chart) return null;
    var colors = [brand, warn, calm, ok];
    chart.setOption({
      animation: false,
      legend: { top: 0, left: 0, right: 0 },
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: trend.days.map(function (d) { return d.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      tooltip: { trigger: "axis" },
      series: trend.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, connectNulls: true,
                 itemStyle: { color: colors[i % colors.length] } };
      })
    });
    return chart;
  }
  var charts = [
    bars("chart-committees", data.committees, [{ name: "", data: data.residents, color: brand }]),
    bars("chart-care-tags", data.tags, [{ name: "", data: data.tag_counts, color: warn }]),
    bars("chart-queues", data.queue_committees, [
      { name: data.queue_open_label || "open", data: data.queue_open, color: calm },
      { name: data.queue_overdue_label || "overdue", data: data.queue_overdue, color: brand }
    ]),
    lines("chart-trend", data.trend)
  ];
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { if (c) c.resize(); });
  });
})();

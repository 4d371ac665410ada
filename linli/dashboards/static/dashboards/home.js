/* The dashboard's two charts, drawn with the locally served ECharts. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var brand = "#c8102e", warn = "#b25e00";
  function bars(id, names, values, color) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    el.style.height = Math.max(160, names.length * 28 + 40) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f6" } } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 90, overflow: "truncate" } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      series: [{ type: "bar", data: values, itemStyle: { color: color }, barMaxWidth: 20,
                 label: { show: true, position: "right" } }]
    });
    return chart;
  }
  var charts = [
    bars("chart-committees", data.committees, data.residents, brand),
    bars("chart-care-tags", data.tags, data.tag_counts, warn)
  ];
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { if (c) c.resize(); });
  });
})();

// Draw every [data-chart] element from the JSON script it names; redraw after
// htmx swaps (an evidence tick sends fresh chart data out of band).
(function () {
  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = document.getElementById(el.dataset.chart);
      if (!data || !window.Plotly) return;
      var fig = JSON.parse(data.textContent);
      Plotly.react(el, fig.data, fig.layout, {displaylogo: false, responsive: true,
        modeBarButtonsToRemove: ["sendDataToCloud"]});
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();

// A tick sends one box's change — its code and whether it is now ticked —
// not the form around it, so two people ticking different boxes of one
// project both land (pipeline.services.project_evidence_toggle).
//
// What holds the form (data-evidence-ticks: the funnel row, the panel of the
// project's page) sends the ticks one after another (hx-sync queue) and
// swaps each answer into itself. The box is read when its request leaves;
// an answer is only swapped in when no later tick is waiting, else it would
// show those boxes as they were before and a quick click would undo them.
(function () {
  var BOX = "input[type=checkbox][name=evidence]";

  function holder(elt) {
    return elt && elt.hasAttribute && elt.hasAttribute("data-evidence-ticks") ? elt : null;
  }

  document.addEventListener("change", function (event) {
    var box = event.target, h = box.closest && box.closest("[data-evidence-ticks]");
    if (h && box.matches(BOX)) h.evidenceWaiting = (h.evidenceWaiting || 0) + 1;
  }, true);  // capture: counted before htmx sends or queues the tick

  document.addEventListener("htmx:configRequest", function (event) {
    if (!holder(event.detail.elt)) return;
    var box = event.detail.triggeringEvent && event.detail.triggeringEvent.target;
    if (!box || !box.matches(BOX)) {
      event.preventDefault();  // not a tick: send nothing
      return;
    }
    event.detail.parameters.code = box.value;
    event.detail.parameters.ticked = box.checked ? "true" : "false";
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var h = holder(event.detail.elt);
    if (h && h.evidenceWaiting > 1) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var h = holder(event.detail.elt);
    if (h && h.evidenceWaiting) h.evidenceWaiting -= 1;
  });
})();

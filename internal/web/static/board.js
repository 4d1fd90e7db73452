// The pipeline board's drag-and-drop, a progressive enhancement: every card
// has a "move to stage" select and button that work without this script
// (and by keyboard). Dropping a card on a column sets that select to the
// column's stage and submits the same form; the server answers as it
// does for the button (a lost stage asks for the reason).
(function () {
  var board = document.querySelector("[data-board]");
  if (!board) { return; }
  var dragged = null;
  var cards = board.querySelectorAll("[data-deal]");
  for (var i = 0; i < cards.length; i++) {
    if (cards[i].querySelector("form.move-form")) { cards[i].setAttribute("draggable", "true"); }
  }
  function clear() {
    var marked = board.querySelectorAll(".drop-target");
    for (var i = 0; i < marked.length; i++) { marked[i].classList.remove("drop-target"); }
  }
  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest("[data-deal][draggable=true]");
    if (!card) { return; }
    dragged = card;
    card.classList.add("dragging");
    if (e.dataTransfer) {
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", card.getAttribute("data-deal"));
    }
  });
  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    clear();
  });
  board.addEventListener("dragover", function (e) {
    var col = dragged && e.target.closest && e.target.closest("[data-stage]");
    if (!col) { return; }
    e.preventDefault();
    if (e.dataTransfer) { e.dataTransfer.dropEffect = "move"; }
    if (!col.classList.contains("drop-target")) { clear(); col.classList.add("drop-target"); }
  });
  board.addEventListener("drop", function (e) {
    var col = dragged && e.target.closest && e.target.closest("[data-stage]");
    if (!col) { return; }
    e.preventDefault();
    var form = dragged.querySelector("form.move-form");
    var select = form.querySelector("select[name=stage]");
    var stage = col.getAttribute("data-stage");
    clear();
    if (select.value === stage) { return; }
    select.value = stage;
    dragged.classList.remove("dragging");
    dragged = null;
    form.submit();
  });
})();

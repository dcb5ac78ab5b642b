/* Adds a "Copy" button after each read-only textarea marked data-copy. Without
   JavaScript the text can still be selected and copied by hand. */
document.querySelectorAll("textarea[data-copy]").forEach(function (area) {
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Copy";
  function copied() { button.textContent = "Copied"; }
  function selectForManualCopy() {
    area.select();
    button.textContent = "Selected: press Ctrl+C to copy";
  }
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(copied, selectForManualCopy);
      return;
    }
    area.select();
    if (document.execCommand("copy")) {
      copied();
    } else {
      selectForManualCopy();
    }
  });
  area.insertAdjacentElement("afterend", button);
});

// The composer's one convenience: a click on a suggested tag adds it to the tag field.
// Everything works without this script (the tags can be typed).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const field = document.getElementById("tags");
  if (!field) return;
  for (const button of document.querySelectorAll("button.suggestion")) {
    button.addEventListener("click", () => {
      const tag = button.dataset.tag || "";
      const have = field.value.split(/\s+/).filter(Boolean);
      if (!have.includes(tag) && !have.includes("#" + tag)) {
        have.push(tag);
        field.value = have.join(" ");
      }
      button.setAttribute("aria-pressed", "true");
    });
  }
});

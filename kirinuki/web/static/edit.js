// The edit page: reorder clips and groups by keyboard (the ↑↓ buttons, or Alt+↑/↓ in a clip)
// and by dragging the ⠿ handles; the order is sent by saving the form. Keeps the scroll
// position across the save, and fills tag fields from the suggestion buttons.
// Everything works without this script: the ↑↓ buttons then save and move on the server.
"use strict";
(() => {
  const form = document.getElementById("entry-form");
  if (!form) return;
  const groups = document.getElementById("groups");
  const KEY = "kirinuki-scroll:" + location.pathname;

  const saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    if (!location.hash) window.scrollTo(0, Number(saved) || 0);
  }
  form.addEventListener("submit", () => sessionStorage.setItem(KEY, String(window.scrollY)));

  const renumber = () => {
    groups.querySelectorAll(".edit-group .group-no").forEach((el, i) => {
      el.textContent = el.textContent.replace(/[0-9]+/, String(i + 1));
    });
  };

  // Move an item one step; at the edge of its group it goes to the next group.
  const moveItem = (item, step) => {
    const list = item.parentElement;
    const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (sibling) {
      list.insertBefore(item, step < 0 ? sibling : sibling.nextElementSibling);
    } else {
      const group = list.closest(".edit-group");
      const other = step < 0 ? group.previousElementSibling : group.nextElementSibling;
      if (!other || !other.classList.contains("edit-group")) return false;
      const target = other.querySelector("ol.items");
      if (step < 0) target.appendChild(item); else target.insertBefore(item, target.firstElementChild);
    }
    return true;
  };
  const moveGroup = (group, step) => {
    const other = step < 0 ? group.previousElementSibling : group.nextElementSibling;
    if (!other || !other.classList.contains("edit-group")) return false;
    groups.insertBefore(group, step < 0 ? other : other.nextElementSibling);
    renumber();
    return true;
  };
  const announce = (el) => {
    el.classList.add("moved");
    setTimeout(() => el.classList.remove("moved"), 600);
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.move");
    if (!button) return;
    event.preventDefault();
    const step = button.classList.contains("up") ? -1 : 1;
    const item = button.closest("li.item");
    const target = item || button.closest(".edit-group");
    if ((item ? moveItem(item, step) : moveGroup(target, step))) announce(target);
    button.focus();
  });

  form.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const item = event.target.closest("li.item");
    const target = item || event.target.closest(".edit-group");
    if (!target) return;
    event.preventDefault();
    const step = event.key === "ArrowUp" ? -1 : 1;
    if (item ? moveItem(item, step) : moveGroup(target, step)) announce(target);
    event.target.focus();
  });

  // Dragging by the handles: an item over an item or a group's list, a group over a group.
  let dragged = null;
  groups.addEventListener("dragstart", (event) => {
    const handle = event.target.closest ? event.target.closest(".handle") : null;
    if (!handle) return;
    dragged = handle.closest("li.item") || handle.closest(".edit-group");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.ref || "");
    dragged.classList.add("dragging");
  });
  groups.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();
    const over = event.target.closest(dragged.matches("li.item") ? "li.item, ol.items" : ".edit-group");
    if (!over || over === dragged || dragged.contains(over)) return;
    if (over.matches("ol.items")) {
      if (!over.contains(dragged)) over.appendChild(dragged);
      return;
    }
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, after ? over.nextElementSibling : over);
  });
  groups.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    renumber();
  });

  // A suggested tag joins its group's tag field.
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.suggestion");
    if (!button) return;
    const field = document.getElementById(button.dataset.field || "");
    if (!field) return;
    const tag = "#" + (button.dataset.tag || "");
    if (!field.value.split(/\s+|(?=#)/).includes(tag)) {
      field.value = (field.value.trim() + " " + tag).trim();
    }
    button.setAttribute("aria-pressed", "true");
  });
})();

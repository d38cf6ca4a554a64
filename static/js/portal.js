// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", (event) => {
  // Disable submit buttons after the first click so a double click sends one request.
  const form = event.target;
  if (form.dataset.once === undefined) return;
  window.setTimeout(() => {
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
  }, 0);
});

// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", (event) => {
  // Disable submit buttons after the first click so a double click sends one request.
  const form = event.target;
  if (form.dataset.once === undefined) return;
  window.setTimeout(() => {
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
  }, 0);
});

// Uploads show their progress. A form marked data-upload-progress is sent with
// XMLHttpRequest so the browser's upload progress can feed a <progress> bar; the page the
// server answers (after its redirect, with its messages) then replaces this one. Without
// JavaScript, or with no file chosen, the form posts as usual.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.uploadProgress === undefined || !window.FormData) return;
  const input = form.querySelector("input[type=file]");
  if (!input || input.files.length === 0) return;
  event.preventDefault();
  const data = new FormData(form);
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.setAttribute("value", "0");
  bar.setAttribute("data-testid", "upload-progress");
  bar.setAttribute("aria-label", form.dataset.uploadProgress);
  const percent = document.createElement("span");
  percent.setAttribute("role", "status");
  percent.className = "upload-percent";
  form.append(bar, percent);
  const show = (value) => {
    bar.setAttribute("value", String(value));
    percent.textContent = ` ${value}%`;
  };
  const request = new XMLHttpRequest();
  request.open("POST", form.getAttribute("action") || window.location.href);
  request.upload.addEventListener("progress", (progress) => {
    if (progress.lengthComputable) show(Math.floor((100 * progress.loaded) / progress.total));
  });
  request.upload.addEventListener("load", () => show(100));
  request.addEventListener("load", () => {
    if (request.responseURL) window.history.replaceState(null, "", request.responseURL);
    document.open();
    document.write(request.responseText);
    document.close();
  });
  request.addEventListener("error", () => form.submit());
  request.send(data);
});

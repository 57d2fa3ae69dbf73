// Workshop: progressive enhancements only; every page works without this file.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// After a refused save, take the user to the first field that needs correcting.
(function () {
  var invalid = document.querySelector("main .is-invalid");
  if (invalid && !document.querySelector("main [autofocus]")) {
    invalid.focus();
    invalid.scrollIntoView({block: "center", behavior: "instant"});
  }
}());

// Forms marked data-autosave keep a draft on the server as the user types, so that nothing
// typed is lost to a closed lid, a dropped connection or a session that timed out.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form) {
    return;
  }
  var url = form.getAttribute("data-autosave");
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var submitting = false;
  var dirty = false;

  function show(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function save() {
    timer = null;
    if (submitting || !dirty) {
      return;
    }
    dirty = false;
    fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function () {
        var now = new Date();
        show("Draft saved at " + now.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) + ".");
      })
      .catch(function () {
        dirty = true;
        show("The draft could not be saved just now; it will be tried again as you type.");
      });
  }

  function changed() {
    dirty = true;
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, 1200);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    submitting = true;
    if (timer) {
      clearTimeout(timer);
    }
  });
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(url, new FormData(form));
    }
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // "Add another finding" works without this script (the server adds a row); with it, the
  // row appears at once and takes the focus.
  var add = form.querySelector("[data-add-finding]");
  var template = document.getElementById("finding-template");
  var list = document.getElementById("findings");
  if (add && template && list) {
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(list.getAttribute("data-next-index"), 10) || 0;
      list.setAttribute("data-next-index", String(index + 1));
      var html = template.innerHTML.split("__index__").join(String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      list.appendChild(row);
      var numbers = list.querySelectorAll("[data-finding-number]");
      numbers.forEach(function (node, i) { node.textContent = String(i + 1); });
      var first = row.querySelector("select, input:not([type=hidden]), textarea");
      if (first) {
        first.focus();
      }
      changed();
    });
  }
}());

// Copy buttons: data-copy names the field whose value goes to the clipboard.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) {
    return;
  }
  field.select();
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
    });
  }
});

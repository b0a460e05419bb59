// Upload with a progress bar. Without JavaScript the form posts normally; with it, the same
// request goes through XMLHttpRequest so that upload progress events can fill the <progress>.
(function () {
  "use strict";
  function attach() {
    var form = document.getElementById("upload-form");
    if (!form || !window.XMLHttpRequest || !window.FormData) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var row = form.querySelector(".progress-row");
      var bar = document.getElementById("upload-progress");
      var percent = document.getElementById("upload-percent");
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      row.hidden = false;
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var p = Math.round((e.loaded / e.total) * 100);
        bar.value = p;
        bar.textContent = p + "%";
        percent.textContent = p + "%";
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status < 400 && type.indexOf("application/json") === 0) {
          window.location.assign(JSON.parse(xhr.responseText).redirect);
          return;
        }
        // A refusal: show the page the server rendered (the service's own message).
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = page.getElementById("main");
        if (fresh) {
          document.getElementById("main").innerHTML = fresh.innerHTML;
          attach();
          document.getElementById("main").focus();
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        row.hidden = true;
        document.getElementById("upload-error").innerHTML =
          '<p class="error">The upload did not reach the server; check your connection and try again.</p>';
      });
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("X-Podium-Upload", "1");
      xhr.send(new FormData(form));
    });
  }
  attach();
})();

// Guild's pages work without JavaScript; this only adds comforts.
"use strict";

// A file input with data-fills="ID" loads a text file into the textarea ID.
document.querySelectorAll("input[type=file][data-fills]").forEach(function (input) {
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var target = document.getElementById(input.dataset.fills);
    if (!file || !target) return;
    file.text().then(function (text) { target.value = text; });
  });
});

// A file input with data-max-bytes refuses a larger file before it is sent, saying why.
document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var max = Number(input.dataset.maxBytes);
    input.setCustomValidity(file && file.size > max ? input.dataset.tooLarge : "");
    input.reportValidity();
  });
});

// The browser's time zone, for matching working hours (minutes east of UTC).
document.querySelectorAll("input[data-utc-offset]").forEach(function (input) {
  input.value = String(-new Date().getTimezoneOffset());
});

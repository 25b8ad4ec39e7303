// Ask before a destructive form is sent: <form data-confirm="Вопрос?">. An inline onsubmit="" handler would be
// blocked by the Content-Security-Policy (script-src 'self'), so the question lives in a data attribute.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();

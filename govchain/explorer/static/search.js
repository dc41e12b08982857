/* The search box on every page: an ID-card number typed into it never leaves the browser. The form
 * is not submitted; the page says why, in its language, and offers "verify my payment" (which computes
 * the identity commitment locally). The server refuses such a query too, without echoing it. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var notice = document.getElementById("search-id-notice");
  if (!form || !notice) return;
  var input = document.getElementById("search-q");
  form.addEventListener("submit", function (event) {
    if (!window.govchainIdentity.containsIdNumber(input.value)) {
      notice.hidden = true;
      return;
    }
    event.preventDefault();
    notice.hidden = false;
    input.focus();
  });
  input.addEventListener("input", function () { notice.hidden = true; });
})();

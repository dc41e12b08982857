/* "Verify my payment": computes the identity commitment locally. The inputs have no `name`, so even
 * a submitted form would carry nothing; the ID-card number is never put in any request. Modules that
 * list payouts listen for the `govchain:commitment` event (detail: {commitment}). */
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var error = document.getElementById("verify-error");
  var result = document.getElementById("verify-result");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    var idNumber = document.getElementById("id-number").value;
    var salt = document.getElementById("salt").value;
    var value;
    try {
      value = window.govchainIdentity.commitment(idNumber, salt);
    } catch (e) {
      var messages = { id: form.dataset.msgId, check: form.dataset.msgCheck, salt: form.dataset.msgSalt };
      error.textContent = (e && messages[e.code]) || String(e && e.message || e);
      error.hidden = false;
      result.hidden = true;
      return;
    }
    document.getElementById("commitment").textContent = value;
    document.getElementById("commitment-credit").href = "/credit/" + value;
    result.hidden = false;
    document.dispatchEvent(new CustomEvent("govchain:commitment", { detail: { commitment: value, payoutsUrl: form.dataset.payoutsUrl } }));
  });
})();

// Proof of work for the declare forms (see tuidang/web/proof_of_work.py).
// Finds a counter such that SHA-256(challenge + counter) begins with `bits`
// zero bits, and puts "challenge:counter" into the hidden field. It sends
// nothing itself. Without this script, or if it fails, the declaration is
// still recorded; it is only checked by hand later.
(function () {
  "use strict";
  var field = document.querySelector("input[data-challenge]");
  var status = document.querySelector(".proof-of-work");
  if (!field || !status || !field.form) {
    return;
  }
  var form = field.form;
  var challenge = field.getAttribute("data-challenge");
  var bits = parseInt(field.getAttribute("data-bits"), 10);
  var BATCH = 64; // digests in flight at once
  var WAIT_ON_SUBMIT_MS = 30000; // then the form goes without a proof
  var solved = false;
  var gaveUp = false;
  var waiting = false;
  var sent = false;

  function say(key) {
    status.textContent = status.getAttribute("data-" + key);
    status.hidden = false;
  }

  function send() {
    if (!sent) {
      sent = true;
      form.submit();
    }
  }

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) {
        count += 8;
        continue;
      }
      var byte = bytes[i];
      while ((byte & 0x80) === 0) {
        count += 1;
        byte <<= 1;
      }
      return count;
    }
    return count;
  }

  async function solve() {
    var encoder = new TextEncoder();
    for (var start = 0; ; start += BATCH) {
      var pending = [];
      for (var i = 0; i < BATCH; i++) {
        pending.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + (start + i))));
      }
      // Each digest resolves as its own task: the page stays responsive.
      var digests = await Promise.all(pending);
      for (var j = 0; j < BATCH; j++) {
        if (zeroBits(new Uint8Array(digests[j])) >= bits) {
          return start + j;
        }
      }
    }
  }

  function fail() {
    gaveUp = true;
    say("failed");
    if (waiting) {
      send();
    }
  }

  form.addEventListener("submit", function (event) {
    if (solved || gaveUp) {
      return;
    }
    event.preventDefault();
    if (waiting) {
      return;
    }
    waiting = true;
    say("waiting");
    window.setTimeout(function () {
      if (!solved) {
        fail();
      }
    }, WAIT_ON_SUBMIT_MS);
  });

  if (!(window.crypto && window.crypto.subtle && window.TextEncoder) || !(bits > 0)) {
    fail();
    return;
  }
  say("working");
  solve().then(
    function (counter) {
      if (gaveUp) {
        return;
      }
      field.value = challenge + ":" + counter;
      solved = true;
      say("done");
      if (waiting) {
        send();
      }
    },
    fail
  );
})();

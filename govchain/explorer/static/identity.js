/* govchain identity commitments, Merkle proofs and ID-card number recognition in the browser: the twins
 * of govchain.domain (identity_commitment, verify_merkle_proof, contains_id_number). The explorer's
 * tests compare them with Python bit for bit. `commitment` needs js-sha3's keccak256 (vendored at
 * /static/vendor/js-sha3/sha3.min.js). Sends nothing anywhere. */
(function (global) {
  "use strict";
  var DOMAIN = "govchain.identity.v1";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  var USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function IdentityError(code, message) { this.code = code; this.message = message; }

  function ascii(text) {
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  function hexToBytes(hex) {
    var clean = hex.replace(/^0x/i, "");
    var out = new Uint8Array(clean.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(2 * i, 2), 16);
    return out;
  }

  function concat(parts) {
    var size = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  /* GB 11643-1999: 17 digits and a check character; lower-case x is accepted (as in Python). */
  function normalizeId(idNumber) {
    var n = String(idNumber).trim().toUpperCase();
    if (!/^[0-9]{17}[0-9X]$/.test(n)) throw new IdentityError("id", "an ID-card number has 17 digits and a check character");
    if (n[17] !== checkCharacter(n)) throw new IdentityError("check", "the ID-card number's check character is wrong");
    return n;
  }

  function checkCharacter(digits) {
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(digits[i]) * WEIGHTS[i];
    return CHECK[sum % 11];
  }

  /* GB 32100 (govchain.domain.is_valid_uscc): 18 characters of the alphabet, the last a check character. */
  function isValidUscc(text) {
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(text)) return false;
    var sum = 0, weight = 1;
    for (var i = 0; i < 17; i++) { sum += USCC_ALPHABET.indexOf(text[i]) * weight; weight = (weight * 3) % 31; }
    return text[17] === USCC_ALPHABET[(31 - (sum % 31)) % 31];
  }

  function isBirthDate(yyyymmdd) {
    var year = Number(yyyymmdd.slice(0, 4)), month = Number(yyyymmdd.slice(4, 6)), day = Number(yyyymmdd.slice(6, 8));
    if (year < 1900 || year > 2099 || month < 1 || month > 12) return false;
    var leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return day >= 1 && day <= (month === 2 && leap ? 29 : DAYS[month - 1]);
  }

  /* Shaped as a resident ID-card number (upper case, no separators): 18 characters with a real birth
   * date and the check character, or a wrong one unless it is a valid USCC; or 15 legacy digits. */
  function looksLikeIdNumber(text) {
    if (/^[1-9][0-9]{16}[0-9X]$/.test(text) && isBirthDate(text.slice(6, 14))) {
      return text[17] === checkCharacter(text) || !isValidUscc(text);
    }
    return /^[1-9][0-9]{14}$/.test(text) && isBirthDate("19" + text.slice(6, 12));
  }

  /* Whether a search query is or contains an ID-card number (after NFKC and upper-casing: as a whole
   * without separators, and word by word). */
  function containsIdNumber(query) {
    var text = String(query).normalize("NFKC").toUpperCase();
    var candidates = [text.replace(/[^0-9A-Z]/g, "")].concat(text.match(/[0-9A-Z]+/g) || []);
    return candidates.some(looksLikeIdNumber);
  }

  function parseSalt(salt) {
    var s = String(salt).trim();
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(s)) throw new IdentityError("salt", "the salt is 64 hex digits (0x optional)");
    return hexToBytes(s);
  }

  /* keccak256("govchain.identity.v1" ‖ salt (32 bytes) ‖ ID number (ASCII, upper-case X)) as 0x-hex. */
  function commitment(idNumber, salt) {
    var bytes = concat([ascii(DOMAIN), parseSalt(salt), ascii(normalizeId(idNumber))]);
    return "0x" + global.keccak256(bytes);
  }

  /* OpenZeppelin MerkleProof.verify: hash sorted pairs up to the root. Hex strings in and out. */
  function verifyMerkleProof(proof, root, leaf) {
    var computed = hexToBytes(leaf);
    for (var i = 0; i < proof.length; i++) {
      var node = hexToBytes(proof[i]);
      var pair = lessThan(computed, node) ? concat([computed, node]) : concat([node, computed]);
      computed = hexToBytes(global.keccak256(pair));
    }
    return toHex(computed) === String(root).toLowerCase();
  }

  function lessThan(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) return a[i] < b[i]; }
    return false;
  }

  function toHex(bytes) {
    return "0x" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  global.govchainIdentity = {
    commitment: commitment, normalizeId: normalizeId, parseSalt: parseSalt,
    verifyMerkleProof: verifyMerkleProof, IdentityError: IdentityError,
    containsIdNumber: containsIdNumber, looksLikeIdNumber: looksLikeIdNumber, isValidUscc: isValidUscc,
  };
})(window);

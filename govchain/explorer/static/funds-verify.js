/* "Verify my payment", fiscal funds: on `govchain:commitment`, asks this app for the payouts of that
 * commitment (only the commitment is sent), then checks each bank-settled payout's Merkle proof
 * against the root the chain records for its batch, with keccak computed here in the browser:
 * leaf = keccak256(keccak256(abi.encode(uint256 batchId, bytes32 beneficiary, uint64 amount, bytes32 settlementRef))).
 * A payout withheld at execution (identity revoked, or account changed after approval) was never
 * paid and is shown as withheld; a bank refund awaiting confirmation is shown as pending. */
(function () {
  "use strict";
  var box = document.getElementById("payouts");
  var zh = document.documentElement.lang !== "en";
  function t(a, b) { return zh ? a : b; }

  function hexToBytes(hex) {
    var s = String(hex).replace(/^0x/, "");
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  }
  function word(n) { /* a non-negative integer as a 32-byte big-endian word */
    var hex = BigInt(n).toString(16);
    return hexToBytes("0x" + "0".repeat(64 - hex.length) + hex);
  }
  function concat(parts) {
    var out = new Uint8Array(parts.reduce(function (n, p) { return n + p.length; }, 0));
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function leaf(p, commitment) {
    var encoded = concat([word(p.batch_id), hexToBytes(commitment), word(p.amount), hexToBytes(p.settlement_ref)]);
    return "0x" + window.keccak256(hexToBytes(window.keccak256(encoded)));
  }
  function yuan(fen) { return "¥" + (fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }
  var REASONS = {
    identity_revoked: ["身份已注销", "identity revoked"],
    account_changed: ["批准后账户已变更", "account changed after approval"]
  };
  function withheldText(p) {
    var reason = REASONS[p.withheld_reason] || REASONS.account_changed;
    return t("暂停发放，未支付（" + reason[0] + "）", "withheld (" + reason[1] + "), not paid");
  }
  function refundNote(p) {
    var notes = [];
    if (p.refunded) notes.push(t("已退回 ", "refunded ") + yuan(p.refunded));
    if (p.refund_pending) notes.push(t("退回待确认 ", "refund pending ") + yuan(p.refund_pending));
    return notes.join(" · ");
  }
  function getJson(url) {
    return fetch(url, { credentials: "omit", referrerPolicy: "no-referrer" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  document.addEventListener("govchain:commitment", function (event) {
    var commitment = event.detail.commitment;
    var template = event.detail.payoutsUrl || "/api/payouts?commitment={commitment}";
    box.textContent = t("正在查询……", "Looking up…");
    getJson(template.replace("{commitment}", encodeURIComponent(commitment)) + "&limit=1000").then(function (page) {
      box.textContent = "";
      var h = document.createElement("h2");
      h.textContent = t("发放记录", "Payouts");
      box.appendChild(h);
      if (!page.items.length) {
        var p = document.createElement("p");
        p.className = "muted";
        p.id = "payouts-none";
        p.textContent = t("该身份承诺没有发放记录。", "No payouts to this identity commitment.");
        box.appendChild(p);
        return;
      }
      var table = document.createElement("table");
      table.className = "list";
      table.id = "payout-list";
      var head = table.createTHead().insertRow();
      [t("批次", "Batch"), t("项目", "Program"), t("期次", "Period"), t("方式", "Mode"), t("金额", "Amount"), t("核验", "Check"), t("退回", "Refunds")].forEach(function (x) {
        var th = document.createElement("th"); th.textContent = x; head.appendChild(th);
      });
      var body = table.createTBody();
      box.appendChild(table);
      var roots = {};
      page.items.forEach(function (p) {
        var row = body.insertRow();
        row.dataset.batch = p.batch_id;
        row.dataset.status = p.status || "paid";
        cell(row, String(p.batch_id));
        var a = document.createElement("a"); a.href = "/program/" + p.program_id; a.textContent = "#" + p.program_id;
        row.insertCell().appendChild(a);
        cell(row, String(p.period));
        cell(row, p.mode === "bank" ? t("银行代发", "bank") : t("钱包", "wallet"));
        cell(row, yuan(p.amount), p.status === "withheld" ? "struck" : "");
        var check = cell(row, "", "check");
        var refunds = cell(row, refundNote(p), "refunds");
        if (p.refund_pending) refunds.dataset.pending = String(p.refund_pending);
        if (p.status === "withheld") {
          check.className = "check bad";
          check.textContent = withheldText(p);
          return;
        }
        if (p.mode !== "bank" || !p.proof) {
          check.textContent = t("链上转账（见交易）", "on-chain transfer (see tx)");
          return;
        }
        check.textContent = t("核验中……", "checking…");
        roots[p.batch_id] = roots[p.batch_id] || getJson("/api/batches/" + p.batch_id + "/merkle-root");
        roots[p.batch_id].then(function (r) {
          var computed = leaf(p, commitment);  /* our own commitment, not the server's copy */
          var ok = window.govchainIdentity.verifyMerkleProof(p.proof, r.merkle_root, computed);
          check.className = "check " + (ok ? "ok" : "bad");
          check.textContent = ok ? t("✓ 已核验：与链上默克尔根一致", "✓ verified against the on-chain Merkle root")
                                 : t("✗ 未通过核验", "✗ not verified");
          row.dataset.verified = ok ? "true" : "false";
        }).catch(function (e) { check.className = "check bad"; check.textContent = String(e.message || e); row.dataset.verified = "false"; });
      });
    }).catch(function (e) {
      box.textContent = t("查询失败：", "Lookup failed: ") + String(e.message || e);
    });
  });
})();

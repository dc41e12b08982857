/* "Verify my payment", fiscal funds. On `govchain:commitment` it sends only the commitment (computed
 * in the browser by verify.js: never the ID-card number, never the salt) and:
 * 1. lists every outcome of GET /api/payouts?commitment=…: paid, refunded (wallet refund or confirmed
 *    bank refund; a bank refund awaiting confirmation shown as pending), withheld at execution or
 *    refused at proposal with the reason. Each shows the program's name, the month its period pays,
 *    the date (block time) and a link to the transaction;
 * 2. checks each bank-settled payout's Merkle proof against the root the chain records for its batch,
 *    with keccak computed here and the citizen's own commitment:
 *    leaf = keccak256(keccak256(abi.encode(uint256 batchId, bytes32 beneficiary, uint64 amount, bytes32 settlementRef)));
 * 3. checks each wallet payout against the chain (GET /api/batches/{batch}/payouts/{index}, read from
 *    the chain, not the index): Disbursements.isPaid(program, period, index) and payoutState, and
 *    that the program's enrolment `index` is the citizen's own commitment;
 * 4. when nothing is found, asks GET /api/beneficiaries/{commitment} whether the commitment is a
 *    registered e-ID at all. This tells "check your salt" apart from "registered, no payout yet".
 *    It reveals nothing new: see the privacy notes in govchain/payout_lookup.py. */
(function () {
  "use strict";
  var box = document.getElementById("payouts");
  var zh = document.documentElement.lang !== "en";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function t(a, b) { return zh ? a : b; }

  /* --- encodings (twins of govchain.domain) ------------------------------------------------- */
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

  /* --- values as a person reads them ------------------------------------------------------ */
  function yuan(fen) { return "¥" + (fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function date(seconds) { /* a block time as a date in China time (UTC+8), as the footer says */
    var d = new Date((Number(seconds) + 8 * 3600) * 1000);
    var y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
    return t(y + "年" + m + "月" + day + "日", day + " " + MONTHS[m - 1] + " " + y);
  }
  function month(yyyymm) { /* "2026-11" → 2026年11月 / Nov 2026 */
    var parts = String(yyyymm).split("-"), m = Number(parts[1]);
    return t(parts[0] + "年" + m + "月", MONTHS[m - 1] + " " + parts[0]);
  }
  function periodText(p) {
    var n = p.period + 1;
    var number = t("第 " + n + " 期", "period " + n);
    return p.period_month ? month(p.period_month) + " · " + number : number;
  }
  function programName(p) { return zh ? p.program_name : (p.program_name_en || p.program_name); }
  function shortHash(h) { return h.slice(0, 10) + "…" + h.slice(-6); }

  var STATUS = {
    paid: ["已支付", "paid", "ok"],
    refunded: ["已退回", "refunded", "bad"],
    partly_refunded: ["部分退回", "partly refunded", "wait"],
    withheld: ["暂停发放，未支付", "withheld, not paid", "bad"],
    refused: ["未列入发放，未支付", "refused, not paid", "bad"]
  };
  var REASONS = {
    withheld: {
      identity_revoked: ["执行发放时电子身份已注销，本期未支付。", "Not paid: the e-ID was revoked before the batch was executed."],
      account_changed: ["批准后账户已变更（如找回密钥），本期未支付，可重新发放到您当前的账户。",
                        "Not paid: the account changed after approval (e.g. a key recovery); this period can be paid again to your current account."]
    },
    refused: {
      no_attestation: ["未列入发放批次：没有您的生存认证（领取资格认证）记录。完成认证后，之后的批次即可发放。",
                       "Left out of the batch: there is no proof of life for you on record. Once you complete the proof-of-life check, later batches can pay you."],
      attestation_expired: ["未列入发放批次：您的生存认证已过期，请重新认证。", "Left out of the batch: your proof of life has expired; please renew it."],
      identity_revoked: ["未列入发放批次：电子身份已注销。", "Left out of the batch: the e-ID was revoked."]
    }
  };
  var DATE_LABEL = { withheld: ["执行日期", "Executed on"], refused: ["审核日期", "Proposed on"] };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function link(href, text, cls) { var a = el("a", { href: href }, text); if (cls) a.className = cls; return a; }
  function txLink(hash) { return link("/tx/" + hash, shortHash(hash), "mono tx"); }
  function fact(table, key, label, content) { /* one "label: value" row of a payout */
    var row = table.insertRow();
    row.className = key;
    row.appendChild(el("th", {}, label));
    var td = row.insertCell();
    if (typeof content === "string") td.textContent = content; else if (content) td.appendChild(content);
    return td;
  }
  function getJson(url) {
    return fetch(url, { credentials: "omit", referrerPolicy: "no-referrer" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  /* --- one refund, as a line -------------------------------------------------------------- */
  function refundLine(r) {
    var span = el("span", { "class": "refund", "data-status": r.status, "data-kind": r.kind });
    var what;
    if (r.kind === "wallet") what = t("钱包退回：已从领取账户收回 ", "wallet refund: taken back from the payee's account ") + yuan(r.amount);
    else if (r.status === "refunded") what = t("银行退回（已确认）", "bank refund (confirmed) ") + yuan(r.amount);
    else if (r.status === "pending") what = t("银行退回 " + yuan(r.amount) + "，待银行或第二名工作人员确认（尚未退回）",
                                              "bank refund of " + yuan(r.amount) + " awaiting the bank's or a second officer's confirmation (not refunded yet)");
    else what = t("银行退回申请 " + yuan(r.amount) + " 已撤销", "bank refund request of " + yuan(r.amount) + " cancelled");
    span.appendChild(document.createTextNode(what + " · " + date(r.timestamp) + " · "));
    span.appendChild(txLink(r.tx_hash));
    return span;
  }

  /* --- one outcome, as a card ------------------------------------------------------------- */
  function card(p, commitment, roots) {
    var item = el("li", { "class": "payout " + p.status, "data-batch": p.batch_id, "data-status": p.status, "data-mode": p.mode });
    var status = STATUS[p.status] || [p.status, p.status, ""];
    var head = el("div", { "class": "payout-head" });
    head.appendChild(link("/program/" + p.program_id, programName(p), "program"));
    head.appendChild(el("span", { "class": "period" }, periodText(p)));
    head.appendChild(el("span", { "class": "badge status " + status[2] }, t(status[0], status[1])));
    item.appendChild(head);
    var amount = p.amount === null ? "—" : yuan(p.amount);
    item.appendChild(el("div", { "class": "payout-amount" + (p.status === "withheld" || p.status === "refused" ? " struck" : "") }, amount));

    var facts = el("table", { "class": "args facts" });
    item.appendChild(facts);
    var label = DATE_LABEL[p.status] || ["发放日期", "Paid on"];
    fact(facts, "date", t(label[0], label[1]), date(p.timestamp));
    fact(facts, "mode", t("方式", "Mode"), p.mode === "bank" ? t("银行代发", "bank transfer") : t("钱包转账", "wallet transfer"));
    fact(facts, "tx", t("交易", "Transaction"), txLink(p.tx_hash)).appendChild(document.createTextNode(" " + t("（批次 #", "(batch #") + p.batch_id + t("）", ")")));
    var reasons = REASONS[p.status];
    if (reasons) {
      var why = reasons[p.reason] || [p.status_text, p.status_text];
      fact(facts, "reason", t("原因", "Why"), t(why[0], why[1]));
    }
    if (p.paid_later_in) fact(facts, "later", t("补发", "Paid later"), t("本期已在批次 #" + p.paid_later_in + " 中发放", "this period was paid in batch #" + p.paid_later_in));
    if (p.refunds && p.refunds.length) {
      var cell = fact(facts, "refunds", t("退回", "Refunds"), null);
      p.refunds.forEach(function (r, i) { if (i) cell.appendChild(el("br")); cell.appendChild(refundLine(r)); });
      if (p.refund_pending) cell.dataset.pending = String(p.refund_pending);
    }
    if (p.status !== "refused") check(item, fact(facts, "check", t("链上核验", "On-chain check"), ""), p, commitment, roots);
    return item;
  }

  function verdict(item, td, ok, text, detail) {
    td.className = "check " + (ok ? "ok" : "bad");
    td.textContent = text;
    if (detail) td.appendChild(el("span", { "class": "muted mono detail" }, " " + detail));
    item.dataset.verified = ok ? "true" : "false";
  }

  function check(item, td, p, commitment, roots) {
    if (p.mode === "bank" && p.status !== "withheld") {
      if (!p.proof) { td.textContent = "—"; return; }
      td.className = "check pending";
      td.textContent = t("核验中……", "checking…");
      roots[p.batch_id] = roots[p.batch_id] || getJson("/api/batches/" + p.batch_id + "/merkle-root");
      roots[p.batch_id].then(function (r) {
        var ok = window.govchainIdentity.verifyMerkleProof(p.proof, r.merkle_root, leaf(p, commitment)); /* our own commitment, not the server's copy */
        verdict(item, td, ok, ok ? t("✓ 已核验：与链上默克尔根一致", "✓ verified against the on-chain Merkle root") : t("✗ 未通过核验", "✗ not verified"));
      }).catch(function (e) { verdict(item, td, false, String(e.message || e)); });
      return;
    }
    if (p.index === null || p.index === undefined) { td.textContent = "—"; return; }
    td.className = "check pending";
    td.textContent = t("核验中……", "checking…");
    getJson("/api/batches/" + p.batch_id + "/payouts/" + p.index).then(function (c) {
      var call = "isPaid(" + c.program_id + ", " + c.period + ", " + c.index + ") = " + c.is_paid;
      if (c.beneficiary.toLowerCase() !== commitment.toLowerCase() || c.batch_status !== "executed") {
        verdict(item, td, false, t("✗ 与链上记录不符：该登记序号不是您的身份承诺", "✗ does not match the chain: this enrolment is not your commitment"));
      } else if (p.status === "withheld") {
        verdict(item, td, c.withheld, c.withheld ? t("✓ 已核验：链上记录为暂停发放，未支付", "✓ verified on chain: withheld, not paid")
                                                 : t("✗ 与链上记录不符", "✗ does not match the chain"), "payoutState.withheld = " + c.withheld);
      } else {
        var ok = c.is_paid && !c.withheld && c.refunded === p.refunded;
        var text = !ok ? t("✗ 与链上记录不符", "✗ does not match the chain")
                 : p.refunded ? t("✓ 已核验：链上记录本期已支付，已退回 ", "✓ verified on chain: paid, then refunded ") + yuan(c.refunded)
                 : t("✓ 已核验：链上记录本期已支付", "✓ verified on chain: this period is paid");
        verdict(item, td, ok, text, call);
      }
    }).catch(function (e) { verdict(item, td, false, String(e.message || e)); });
  }

  /* --- nothing found: a wrong salt, or no payout yet? --------------------------------------- */
  function nothingFound(commitment) {
    var p = el("div", { id: "payouts-none", "class": "muted" }, t("正在核对登记信息……", "Checking the registration…"));
    box.appendChild(p);
    getJson("/api/beneficiaries/" + commitment).then(function (b) {
      if (!b.registered) {
        p.id = "payouts-unknown";
        p.className = "alert bad";
        p.textContent = t(
          "没有找到与该身份证号和盐值对应的电子身份登记，也没有发放记录。如果您已被告知登记或参保，请核对盐值（以及身份证号）：任何一位不同都会得到完全不同的身份承诺。为保护您的隐私，系统无法判断是哪一项有误——身份证号和盐值都不会离开您的浏览器。",
          "No e-ID registration and no payout found for this ID-card number and salt. If you were told you are registered or enrolled, check the salt (and the ID-card number): a single different character gives an entirely different commitment. To protect your privacy the system cannot tell which one is wrong: neither your ID-card number nor your salt leaves your browser.");
        return;
      }
      var text = t("✓ 您的电子身份已在链上登记（身份证号与盐值正确）。", "✓ Your e-ID is registered on chain (the ID-card number and salt are right). ");
      if (!b.enrolments.length) text += t("您未参加任何补贴项目，暂无发放记录。", "You are not enrolled in any program, so there is no payout.");
      else text += t("您已参加：", "You are enrolled in: ") + b.enrolments.map(function (e) {
        var name = zh ? e.program_name : (e.program_name_en || e.program_name);
        return name + t("（自 " + date(e.enrolled_at) + (e.active ? "" : "，已移出名单") + "）", " (since " + date(e.enrolled_at) + (e.active ? "" : ", removed from the list") + ")");
      }).join(t("、", ", ")) + t("。尚无发放记录。", ". No payout yet.");
      if (b.revoked) text += t("该电子身份已注销。", " This e-ID has been revoked.");
      p.textContent = text;
      p.dataset.registered = "true";
    }).catch(function (e) { p.textContent = t("查询失败：", "Lookup failed: ") + String(e.message || e); });
  }

  function summary(items) {
    var paid = items.filter(function (p) { return p.status === "paid" || p.status === "partly_refunded" || p.status === "refunded"; });
    var kept = paid.reduce(function (n, p) { return n + p.amount - p.refunded; }, 0);
    var notPaid = items.length - paid.length;
    return t("共 " + items.length + " 条记录：支付 " + paid.length + " 笔，扣除退回后实得 " + yuan(kept) + (notPaid ? "；未支付 " + notPaid + " 次（原因见下）" : ""),
             items.length + " record(s): " + paid.length + " paid, " + yuan(kept) + " received after refunds" + (notPaid ? "; " + notPaid + " not paid (see why below)" : ""));
  }

  document.addEventListener("govchain:commitment", function (event) {
    var commitment = event.detail.commitment;
    var template = event.detail.payoutsUrl || "/api/payouts?commitment={commitment}";
    box.textContent = t("正在查询……", "Looking up…");
    getJson(template.replace("{commitment}", encodeURIComponent(commitment)) + "&limit=1000").then(function (page) {
      box.textContent = "";
      box.appendChild(el("h2", {}, t("发放记录", "Payouts")));
      if (!page.items.length) { nothingFound(commitment); return; }
      box.appendChild(el("p", { id: "payouts-summary" }, summary(page.items)));
      var list = el("ol", { id: "payout-list", "class": "payouts" });
      box.appendChild(list);
      var roots = {};
      page.items.slice().reverse().forEach(function (p) { list.appendChild(card(p, commitment, roots)); }); /* newest first */
    }).catch(function (e) {
      box.textContent = t("查询失败：", "Lookup failed: ") + String(e.message || e);
    });
  });
})();

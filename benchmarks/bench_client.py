"""client.tx_per_s_pipelined vs client.tx_per_s_naive: credit records, one per transaction, confirmed.

Both run in the same process against the same fresh Anvil: govchain's pipelined sender (sign all,
send in JSON-RPC batches, gather receipts) and a plain web3.py build/sign/send/wait loop.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import deployed_chain  # noqa: E402
from report import record  # noqa: E402

from govchain.clients.credit import CreditEntry  # noqa: E402
from govchain.sender import Call  # noqa: E402
from govchain.signer import dev_accounts  # noqa: E402

PIPELINED = 3_000
NAIVE = 300
GAS = 120_000  # a fixed limit comfortably above one append (<= 62,000): no per-call estimate


def main() -> None:
    with deployed_chain() as bench:
        credit = bench.contract("CreditRegistry")
        entry = CreditEntry(1, -5, os.urandom(32)).as_tuple()

        sender = bench.sender(6)  # a tax officer (CREDIT_WRITER_ROLE)
        calls = [Call.of(credit.functions.append(os.urandom(32), entry), gas=GAS) for _ in range(PIPELINED)]
        start = time.perf_counter()
        receipts = sender.transact_many(calls)
        pipelined = PIPELINED / (time.perf_counter() - start)
        assert all(r.status == 1 for r in receipts)

        w3 = bench.w3
        account = dev_accounts(w3.eth.chain_id, 7)[6]
        start = time.perf_counter()
        for _ in range(NAIVE):
            tx = credit.functions.append(os.urandom(32), entry).build_transaction(
                {"from": account.address, "nonce": w3.eth.get_transaction_count(account.address)}
            )
            signed = account.sign_transaction(tx)
            tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
            assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
        naive = NAIVE / (time.perf_counter() - start)

    record(
        {
            "client.tx_per_s_pipelined": round(pipelined, 1),
            "client.tx_per_s_naive": round(naive, 1),
            "client.speedup_vs_naive": round(pipelined / naive, 1),
        }
    )


if __name__ == "__main__":
    main()

// ethers.js side of the EIP-712 compliance test (tests/test_relay.py): an implementation nobody
// here wrote. Reads a JSON job on stdin:
//   {"action": "sign",   "privateKey": "0x..", "domain": {...}, "types": {...}, "message": {...}}
//   {"action": "verify", "signature": "0x..",  "domain": {...}, "types": {...}, "message": {...}}
// and prints {"signature": "0x.."} or {"signer": "0x.."}.
import { Wallet, verifyTypedData } from "ethers";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
if (job.action === "sign") {
  const signature = await new Wallet(job.privateKey).signTypedData(job.domain, job.types, job.message);
  process.stdout.write(JSON.stringify({ signature }));
} else if (job.action === "verify") {
  process.stdout.write(JSON.stringify({ signer: verifyTypedData(job.domain, job.types, job.message, job.signature) }));
} else {
  process.stderr.write(`unknown action ${job.action}\n`);
  process.exit(2);
}

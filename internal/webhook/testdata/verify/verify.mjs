// Reads {secret, headers, body} as JSON lines on stdin and prints, for
// each, "ok" or the reference library's error: the independent check of
// Tandem's webhook signatures.
import { Webhook } from "standardwebhooks";
import { createInterface } from "node:readline";

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { secret, headers, body } = JSON.parse(line);
  try {
    new Webhook(secret).verify(body, headers);
    console.log("ok");
  } catch (e) {
    console.log("error: " + e.message);
  }
}

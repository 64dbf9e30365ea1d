/**
 * @module test/_helpers/abuse-cases
 * Raw HTTP/1.1 abuse for the attack suite: request smuggling (CL+TE, TE+CL, duplicate or malformed
 * Content-Length, obfuscated Transfer-Encoding), odd Host headers, oversized heads and bodies,
 * absolute-form and other unusual request targets. Every callback a case carries names a marker in
 * its text: `LEGIT-n` may reach the backend (at most once), `SMUGGLED-n` must never.
 */
import { signedQuery, textXml } from "./wechat";

export interface AbuseCase {
  readonly label: string;
  readonly bytes: string | Uint8Array;
}

let counter = 0;

/** A correctly signed plaintext callback to /wx whose message text is `marker`, as raw bytes (no Connection header). */
export function signedCallback(marker: string, host = "gw", extraHeaders: string[] = []): string {
  const body = textXml(marker);
  return [
    `POST /wx?${signedQuery()} HTTP/1.1`,
    `Host: ${host}`,
    "Content-Type: text/xml",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extraHeaders,
    "",
    body,
  ].join("\r\n");
}

const legit = () => `LEGIT-${++counter}`;
const smuggled = () => `SMUGGLED-${++counter}`;
const head = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;

/** Requests whose framing a front proxy and this server could read differently. */
export function smugglingCases(): AbuseCase[] {
  const inner = () => signedCallback(smuggled());
  const q = () => signedQuery().toString();
  const cases: AbuseCase[] = [];
  const add = (label: string, bytes: string) => cases.push({ label, bytes });
  {
    const body = `0\r\n\r\n${inner()}`;
    add(
      "CL.TE: Content-Length covers a smuggled request after an empty chunked body",
      head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${body.length}`, "Transfer-Encoding: chunked"]) + body,
    );
  }
  {
    const smuggle = inner();
    const chunk = `${smuggle.length.toString(16)}\r\n${smuggle}\r\n0\r\n\r\n`;
    add(
      "TE.CL: a chunk holding a request, Content-Length 4",
      head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", "Content-Length: 4", "Transfer-Encoding: chunked"]) + chunk,
    );
  }
  for (const te of ["chunked, identity", "xchunked", "CHUNKED", " chunked", "chunked\t", "identity, chunked"]) {
    const body = `0\r\n\r\n${inner()}`;
    add(
      `obfuscated Transfer-Encoding "${te}" with Content-Length`,
      head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${body.length}`, `Transfer-Encoding: ${te}`]) + body,
    );
  }
  {
    const body = `0\r\n\r\n${inner()}`;
    add(
      "Transfer-Encoding with a space before the colon",
      head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${body.length}`, "Transfer-Encoding : chunked"]) + body,
    );
    add(
      "two Transfer-Encoding headers",
      head([
        `POST /wx?${q()} HTTP/1.1`,
        "Host: gw",
        "Content-Type: text/xml",
        `Content-Length: ${body.length}`,
        "Transfer-Encoding: chunked",
        "Transfer-Encoding: identity",
      ]) + body,
    );
  }
  {
    const first = textXml(smuggled());
    const rest = inner();
    add(
      "two different Content-Length headers",
      head([
        `POST /wx?${q()} HTTP/1.1`,
        "Host: gw",
        "Content-Type: text/xml",
        `Content-Length: ${first.length}`,
        `Content-Length: ${first.length + rest.length}`,
      ]) +
        first +
        rest,
    );
    add(
      'Content-Length list "n, m"',
      head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${first.length}, ${first.length + rest.length}`]) + first + rest,
    );
  }
  for (const cl of ["+5", "-1", "0x10", "5 5", "99999999999999999999", "1e3"]) {
    add(`malformed Content-Length "${cl}"`, head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${cl}`]) + inner());
  }
  add(
    "chunk size overflowing 64 bits",
    `${head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Transfer-Encoding: chunked"])}FFFFFFFFFFFFFFFFFF\r\n${inner()}\r\n0\r\n\r\n`,
  );
  add("chunk size that is not hex", `${head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Transfer-Encoding: chunked"])}zz\r\n${inner()}\r\n0\r\n\r\n`);
  add("bare LF line endings", `POST /wx?${q()} HTTP/1.1\nHost: gw\nContent-Length: 0\nTransfer-Encoding: chunked\n\n0\n\n${inner()}`);
  add(
    "obs-fold continuation line",
    `POST /wx?${q()} HTTP/1.1\r\nHost: gw\r\nX-A: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${inner()}`,
  );
  add(
    "NUL in a header value",
    `${head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "X-A: a\u0000Transfer-Encoding: chunked", "Content-Length: 5"])}0\r\n\r\n${inner()}`,
  );
  return cases;
}

/** Odd Host headers, each on a health check and on a signed callback. */
export function oddHostCases(): AbuseCase[] {
  const hosts = [
    "a b",
    "\u00e4\u00b8\u00ad",
    ":80",
    "@evil.example",
    "evil.example#@gw",
    "gw.",
    "localhost:99999",
    "[::1",
    "[zz]",
    "a".repeat(2000),
    "gw\tx",
    "-",
    "..",
    "%2e",
  ];
  const cases: AbuseCase[] = [];
  for (const host of hosts) {
    const shown = host.length > 20 ? `${host.slice(0, 8)}…(${host.length})` : host;
    cases.push({ label: `Host "${shown}": health`, bytes: head(["GET /health HTTP/1.1", `Host: ${host}`, "Connection: close"]) });
    cases.push({ label: `Host "${shown}": callback`, bytes: signedCallback(legit(), host, ["Connection: close"]) });
  }
  cases.push({ label: "two Host headers", bytes: signedCallback(legit(), "gw", ["Host: evil.example", "Connection: close"]) });
  return cases;
}

/** Unusual request targets: absolute-form, authority-form, asterisk-form, oversized. */
export function targetCases(port: number): AbuseCase[] {
  const q = () => signedQuery().toString();
  const body = () => textXml(legit());
  const post = (target: string, b = body()) =>
    head([`POST ${target} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${b.length}`, "Connection: close"]) + b;
  return [
    { label: "absolute-form callback to another host", bytes: post(`http://evil.example/wx?${q()}`) },
    { label: "absolute-form callback with credentials", bytes: post(`http://user:pass@127.0.0.1:${port}/wx?${q()}`) },
    { label: "authority-form CONNECT", bytes: head([`CONNECT 127.0.0.1:${port} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"]) },
    { label: "asterisk-form OPTIONS", bytes: head(["OPTIONS * HTTP/1.1", "Host: gw", "Connection: close"]) },
    { label: "relative target without a slash", bytes: head(["GET health HTTP/1.1", "Host: gw", "Connection: close"]) },
    { label: "64 KB request target", bytes: head([`GET /health?${"a".repeat(65_536)} HTTP/1.1`, "Host: gw", "Connection: close"]) },
    { label: "NUL in the target", bytes: head(["GET /he\u0000alth HTTP/1.1", "Host: gw", "Connection: close"]) },
    { label: "HTTP/2 preface on HTTP/1", bytes: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" },
    { label: "unknown method", bytes: head(["BREW /wx HTTP/1.1", "Host: gw", "Connection: close"]) },
    { label: "HTTP/9.9", bytes: head(["GET /health HTTP/9.9", "Host: gw", "Connection: close"]) },
    { label: "garbage line", bytes: "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003garbage\r\n\r\n" },
  ];
}

/** Heads and bodies larger than any limit. */
export function oversizeCases(): AbuseCase[] {
  const q = () => signedQuery().toString();
  const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`);
  const big = "x".repeat(2 * 1024 * 1024);
  const chunked = `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`;
  return [
    { label: "one 128 KB header", bytes: head(["GET /health HTTP/1.1", "Host: gw", `X-Big: ${"a".repeat(131_072)}`, "Connection: close"]) },
    { label: "2000 headers", bytes: head(["GET /health HTTP/1.1", "Host: gw", ...many, "Connection: close"]) },
    {
      label: "Content-Length 100 MB, body not sent",
      bytes: head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", "Content-Length: 104857600", "Connection: close"]),
    },
    {
      label: "2 MB body with Content-Length",
      bytes: head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", `Content-Length: ${big.length}`, "Connection: close"]) + big,
    },
    {
      label: "2 MB chunked body",
      bytes: head([`POST /wx?${q()} HTTP/1.1`, "Host: gw", "Content-Type: text/xml", "Transfer-Encoding: chunked", "Connection: close"]) + chunked,
    },
  ];
}

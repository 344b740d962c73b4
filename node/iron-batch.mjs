// Seal and unseal many iron tokens with the real Node libraries in one process.
//
// Python interop tests pipe ONE JSON list of operations to stdin and read ONE JSON list of
// results from stdout, in the same order. Spawning Node per token would dominate test time.
//
// Operation fields:
//   op        "seal" | "unseal" | "h3-seal-session" | "h3-unseal-session"
//   lib       "iron-webcrypto" (1.2.1, what h3 v1 uses) | "iron-webcrypto2" (2.0.0) | "hapi"
//             (@hapi/iron 7.0.1) | "h3v1" | "h3v2" (h3's own exported sealSession/unsealSession)
//   object    seal: the value to seal (h3-seal-session: "session")
//   token     unseal: the Fe26.2 string
//   password  string | {id, secret} | {id, encryption, integrity} | unseal: {id: secret, ...}.
//             Any string may instead be {"$bytes": "<hex>"} for a raw key (Buffer).
//   options   iron SealOptions in camelCase, deep-merged over the library's defaults (h3v2:
//             8192 iterations). Fixed-parts seam for byte-exact vectors: encryption.salt and
//             integrity.salt (hex text, used verbatim as the PBKDF2 salt) and encryption.iv
//             (base64url of 16 bytes).
//   config    h3v1/h3v2 only: the rest of h3's session config (maxAge, legacySealFallback,
//             seal, ...). When "options" is given it replaces config.seal, deep-merged over
//             {...h3 defaults, ttl derived from maxAge} exactly like h3 computes it; without
//             "options" config.seal is passed through untouched (h3's own shallow spread).
//   now       ms since epoch; Date.now is stubbed to this value while the operation runs.
// Timing (benchmarks): {"op": "time", "target": <any op above>, "repeat": n, "rounds": r} runs the
//   target n times in a row per round, alone, and returns each round's mean milliseconds per call:
//   wall time, or with "clock": "cpu" the CPU time of the whole process (libuv's pool included).
// Result: {"ok": true, "value": ...} or {"ok": false, "error": "<message>"}.
import Hapi from "@hapi/iron";
import * as IronV1 from "iron-webcrypto";
import * as IronV2 from "iron-webcrypto2";
import * as H3v1 from "h3v1";
import * as H3v2 from "h3v2";

// h3 v2 bundles its own iron with these defaults (dist/h3.mjs `defaults`); it does not export them.
const H3V2_DEFAULTS = {
  ...IronV1.defaults,
  encryption: { ...IronV1.defaults.encryption, iterations: 8192 },
  integrity: { ...IronV1.defaults.integrity, iterations: 8192 },
};

const DEFAULTS = {
  "iron-webcrypto": IronV1.defaults,
  "iron-webcrypto2": IronV2.defaults,
  hapi: Hapi.defaults,
  h3v1: IronV1.defaults,
  h3v2: H3V2_DEFAULTS,
};

const isPlainObject = (value) =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array);

function deepMerge(base, over) {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

function decodePassword(value) {
  if (isPlainObject(value) && typeof value.$bytes === "string") return Buffer.from(value.$bytes, "hex");
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodePassword(v)]));
  }
  return value;
}

function sealOptions(lib, options, base = DEFAULTS[lib]) {
  const merged = deepMerge(base, options ?? {});
  if (typeof merged.encryption?.iv === "string") {
    merged.encryption = { ...merged.encryption, iv: Buffer.from(merged.encryption.iv, "base64url") };
  }
  return merged;
}

// What h3 spreads under config.seal (v1: maxAge only; v2: maxAge, else idleTimeout).
function h3Config(lib, op) {
  const config = { ...(op.config ?? {}), password: decodePassword(op.password) };
  if (op.options !== undefined) {
    const seconds = lib === "h3v2" ? config.maxAge || config.idleTimeout || 0 : config.maxAge || 0;
    config.seal = sealOptions(lib, op.options, { ...DEFAULTS[lib], ttl: seconds * 1000 });
  }
  return config;
}

const H3 = { h3v1: H3v1, h3v2: H3v2 };

async function seal(lib, object, op) {
  const password = decodePassword(op.password);
  switch (lib) {
    case "iron-webcrypto":
      return IronV1.seal(globalThis.crypto, object, password, sealOptions(lib, op.options));
    case "iron-webcrypto2":
      return IronV2.seal(object, password, sealOptions(lib, op.options));
    case "hapi":
      return Hapi.seal(object, password, sealOptions(lib, op.options));
    case "h3v1":
    case "h3v2": {
      // sealSession reads the session from event.context.sessions[name]; no request is needed.
      const config = h3Config(lib, op);
      const event = { context: { sessions: { [config.name || "h3"]: object } } };
      return H3[lib].sealSession(event, config);
    }
    default:
      throw new Error(`unknown lib: ${lib}`);
  }
}

async function unseal(lib, op) {
  const password = decodePassword(op.password);
  switch (lib) {
    case "iron-webcrypto":
      return IronV1.unseal(globalThis.crypto, op.token, password, sealOptions(lib, op.options));
    case "iron-webcrypto2":
      return IronV2.unseal(op.token, password, sealOptions(lib, op.options));
    case "hapi":
      return Hapi.unseal(op.token, password, sealOptions(lib, op.options));
    case "h3v1":
    case "h3v2":
      // Includes h3's own checks: maxAge/idleTimeout age and v2's 1-iteration legacy fallback.
      return H3[lib].unsealSession(undefined, h3Config(lib, op), op.token);
    default:
      throw new Error(`unknown lib: ${lib}`);
  }
}

async function runOne(op) {
  switch (op.op) {
    case "seal":
      return seal(op.lib, op.object, op);
    case "unseal":
      return unseal(op.lib, op);
    case "h3-seal-session":
      return seal(op.lib, op.session, op);
    case "h3-unseal-session":
      return unseal(op.lib, op);
    case "time":
      return timeRounds(op);
    default:
      throw new Error(`unknown op: ${op.op}`);
  }
}

async function timeRounds(op) {
  // process.cpuUsage() is in microseconds (user + system).
  const clock =
    op.clock === "cpu"
      ? () => {
          const { user, system } = process.cpuUsage();
          return (user + system) / 1000;
        }
      : () => performance.now();
  const perCall = [];
  for (let round = 0; round < (op.rounds ?? 1); round++) {
    const start = clock();
    for (let i = 0; i < op.repeat; i++) await runOne(op.target);
    perCall.push((clock() - start) / op.repeat);
  }
  return perCall;
}

async function withNow(now, fn) {
  if (now === undefined || now === null) return fn();
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function settle(op) {
  try {
    const value = await withNow(op.now, () => runOne(op));
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

// Ops without "now" run a few at a time (PBKDF2 at 8192 iterations runs on libuv's thread
// pool); an op with "now" runs alone, because the Date.now stub is process-wide, and so does "time".
const PARALLEL = 8;
const ops = JSON.parse(await readStdin());
if (!Array.isArray(ops)) throw new Error("stdin must hold a JSON list of operations");
const results = [];
let group = [];
const flush = async () => {
  results.push(...(await Promise.all(group.map(settle))));
  group = [];
};
for (const op of ops) {
  if ((op.now === undefined || op.now === null) && op.op !== "time") {
    group.push(op);
    if (group.length >= PARALLEL) await flush();
  } else {
    await flush();
    results.push(await settle(op));
  }
}
await flush();
process.stdout.write(JSON.stringify(results));

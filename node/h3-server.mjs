// The app contract (conformance/CONTRACT.md) served by REAL h3, so the conformance kit can judge
// h3 itself and the Python reference against the same scenarios.
//
// Usage: H3_SESSION_CONFIG='{"password": "..."}' PORT=8000 node h3-server.mjs v1|v2
// Binds 127.0.0.1 only, prints "listening on http://127.0.0.1:PORT" once ready, and exits
// cleanly on SIGTERM/SIGINT. PORT=0 picks a free port (the printed line then names it).
import http from "node:http";

const version = process.argv[2];
if (version !== "v1" && version !== "v2") {
  process.stderr.write("usage: node h3-server.mjs v1|v2\n");
  process.exit(2);
}

// "profile" belongs to the contract, not to h3; h3 would ignore it, but keep its config honest.
const { profile: _profile, ...config } = JSON.parse(process.env.H3_SESSION_CONFIG || "{}");
const altConfig = { ...config, name: `${config.name || "h3"}-alt` };
const port = Number.parseInt(process.env.PORT || "0", 10);
const host = "127.0.0.1";

// One set of handlers for both versions: h3 v1 and v2 share useSession/getSession/readBody names.
function routes(h3) {
  const countVisit = async (event, sessionConfig) => {
    const session = await h3.useSession(event, sessionConfig);
    const count = (session.data.count || 0) + 1;
    await session.update({ count });
    return count;
  };
  return {
    "GET /": async (event) => {
      const count = await countVisit(event, config);
      return `Hello world! You have visited this page ${count} times.`;
    },
    "GET /clear": async (event) => {
      const session = await h3.useSession(event, config);
      await session.clear();
      return "Session cleared";
    },
    "GET /data": async (event) => {
      await h3.useSession(event, config);
      const { id, createdAt, data } = await h3.getSession(event, config);
      return { id, createdAt, data };
    },
    "POST /update": async (event) => {
      const session = await h3.useSession(event, config);
      const body = await h3.readBody(event);
      await session.update(body ?? {});
      return session.data;
    },
    "GET /fail": async (event) => {
      const session = await h3.useSession(event, config);
      await session.update({ failed: true });
      throw new Error("intentional failure (contract route /fail)");
    },
    "GET /multi": async (event) => {
      const first = await countVisit(event, config);
      const second = await countVisit(event, altConfig);
      return { first, second };
    },
  };
}

function register(router, h3, wrap) {
  for (const [key, handler] of Object.entries(routes(h3))) {
    const [method, path] = key.split(" ");
    router[method.toLowerCase()](path, wrap(handler));
  }
}

async function startV1() {
  const h3 = await import("h3v1");
  const app = h3.createApp();
  const router = h3.createRouter();
  register(router, h3, h3.eventHandler);
  app.use(router);
  const server = http.createServer(h3.toNodeListener(app));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startV2() {
  const h3 = await import("h3v2");
  const app = new h3.H3();
  register(app, h3, (handler) => handler);
  // serve() (srvx) is what h3 v2 users run on Node; h3-behavior.md was observed through it.
  const server = h3.serve(app, { port, hostname: host, silent: true, gracefulShutdown: false });
  await server.ready();
  return { port: server.node.server.address().port, close: () => server.close(true) };
}

const server = version === "v1" ? await startV1() : await startV2();
process.stdout.write(`listening on http://${host}:${server.port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

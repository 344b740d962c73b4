// The bare ceiling for the benchmarks: h3 (v1 or v2) answering "Hello world!" on GET /, no session.
// Served exactly like h3-server.mjs (v1: node:http + toNodeListener; v2: srvx serve()).
// Usage: PORT=0 node bench-hello.mjs v1|v2; prints "listening on http://127.0.0.1:PORT".
import http from "node:http";

const version = process.argv[2];
const port = Number.parseInt(process.env.PORT || "0", 10);
const host = "127.0.0.1";
let close;
if (version === "v1") {
  const h3 = await import("h3v1");
  const app = h3.createApp();
  const router = h3.createRouter();
  router.get("/", h3.eventHandler(() => "Hello world!"));
  app.use(router);
  const server = http.createServer(h3.toNodeListener(app));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  process.stdout.write(`listening on http://${host}:${server.address().port}\n`);
  close = () => new Promise((resolve) => server.close(() => resolve()));
} else if (version === "v2") {
  const h3 = await import("h3v2");
  const app = new h3.H3();
  app.get("/", () => "Hello world!");
  const server = h3.serve(app, { port, hostname: host, silent: true, gracefulShutdown: false });
  await server.ready();
  process.stdout.write(`listening on http://${host}:${server.node.server.address().port}\n`);
  close = () => server.close(true);
} else {
  process.stderr.write("usage: node bench-hello.mjs v1|v2\n");
  process.exit(2);
}
const stop = async () => {
  await close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

// The server side, built with `vite build --ssr src/server.js` and run by Node.
import http from "node:http";
import { init } from "autometrics-runtime";
import { render } from "./render.jsx";
import { getUser } from "./users.js";

const autometrics = init({
  serviceName: "vite-app",
  exporter: { type: "prometheus", hostname: "127.0.0.1", port: Number(process.env.METRICS_PORT) },
});

async function handleRequest(req, res) {
  const id = Number(/^\/users\/(\d+)$/.exec(req.url)?.[1]);
  try {
    const user = await getUser(id);
    const state = JSON.stringify(user).replace(/</g, "\\u003c");
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><div id="root">${render(user)}</div><script>window.__USER__ = ${state}</script>`);
  } catch (error) {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end(error.message);
  }
}

const server = http.createServer((req, res) => void handleRequest(req, res));
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => {
  server.close();
  autometrics.shutdown().then(() => process.exit(0));
});

import http from "node:http";
import { init } from "autometrics-runtime";
import { greet } from "./greeting.js";
import { getUser } from "./users.js";

const autometrics = init({
  serviceName: "parcel-app",
  exporter: { type: "prometheus", hostname: "127.0.0.1", port: Number(process.env.METRICS_PORT) },
});

async function handleRequest(req, res) {
  const id = Number(/^\/users\/(\d+)$/.exec(req.url)?.[1]);
  try {
    const user = await getUser(id);
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(greet(user.name));
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

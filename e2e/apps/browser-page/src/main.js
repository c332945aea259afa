import { init } from "autometrics-runtime";
import { wireCart } from "./cart.js";

// Pushes to the app's own ingest endpoint. The interval is an hour so that,
// in the test, only the beacon sends (when the page is hidden or left).
init({
  serviceName: "shop-web",
  exporter: { type: "otlp", url: "/api/autometrics", intervalMs: 3_600_000 },
});

wireCart(document);

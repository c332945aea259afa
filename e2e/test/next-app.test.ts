import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { find, one, parseExposition } from "../../fixtures/harness/exposition";
import { panelQueries, substitute } from "../harness/dashboards";
import { installPacked } from "../harness/pack";
import { freePort } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";
import { type Prometheus, startPrometheus } from "../harness/prometheus";

const APP = join(__dirname, "..", "apps", "next-app");
const NEXT = require.resolve("next/dist/bin/next");
const env = { NEXT_TELEMETRY_DISABLED: "1" };
/** The same app without the plugin (next.config.ts), built into .next-plain. */
const PLAIN = { ...env, AUTOMETRICS_E2E_PLAIN: "1" };

function build(bundler: string, buildEnv: Record<string, string>, distDir: string): void {
  rmSync(join(APP, distDir), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [NEXT, "build", ...(bundler === "webpack" ? ["--webpack"] : [])], {
    cwd: APP,
    env: { ...process.env, ...buildEnv },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`next build (${distDir}) failed:\n${result.stdout}\n${result.stderr}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".js"))
    .map((e) => join(e.parentPath, e.name));
}

/** What only the Node runtime holds: prom-client's default metrics and the runtime's own help text. */
const NODE_ONLY = ["process_cpu_user_seconds_total", "nodejs_eventloop_lag", "AggregatorRegistry", "createRequire"];

/** A response as a reader sees it: status, the middleware's header, and the HTML without build-specific scripts, links and ids. */
async function seen(response: Response): Promise<string> {
  const body = (await response.text())
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "")
    .replace(/<link\b[^>]*>/g, "")
    .replace(/\$ACTION_ID_[0-9a-f]+/g, "$ACTION_ID");
  return `${response.status} ${response.headers.get("x-e2e-middleware")}\n${body}`;
}

/** The (function, module, caller) series with calls, as "function (module) <- caller: result". */
function recorded(text: string): string[] {
  return find(parseExposition(text).samples, "function_calls_total")
    .filter((s) => s.value > 0)
    .map((s) => `${s.labels.function} (${s.labels.module}) <- ${s.labels.caller_function}: ${s.labels.result}`)
    .sort();
}

before(function () {
  this.timeout(120_000);
  installPacked(APP, "runtime");
  installPacked(APP, "swc-plugin-wasm");
});

for (const bundler of ["turbopack", "webpack"]) {
  describe(`e2e: Next.js 16 App Router app, the whole tree instrumented by the SWC plugin (${bundler})`, function () {
    this.timeout(600_000);
    const processes = new Processes(join(__dirname, "..", ".logs", `next-${bundler}`));
    let base: string;
    let plainBase: string;
    let exporterPort: number;
    let prometheus: Prometheus;
    /** Each request of the load, answered by the instrumented and by the plain build. */
    const answers: { request: string; instrumented: string; plain: string }[] = [];

    before(async () => {
      build(bundler, env, ".next");
      build(bundler, PLAIN, ".next-plain");
      const [port, plainPort] = [await freePort(), await freePort()];
      exporterPort = await freePort();
      base = `http://127.0.0.1:${port}`;
      plainBase = `http://127.0.0.1:${plainPort}`;
      const exporter = { ...env, AUTOMETRICS_E2E_EXPORTER_PORT: String(exporterPort) };
      processes.start("next", process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], exporter, APP);
      processes.start("next-plain", process.execPath, [NEXT, "start", "-p", String(plainPort), "-H", "127.0.0.1"], PLAIN, APP);
      await processes.waitFor("next", async () => (await fetch(`${base}/metrics`)).ok, 30_000);
      await processes.waitFor("next-plain", async () => (await fetch(`${plainBase}/api/users/1`)).ok, 30_000);
      prometheus = await startPrometheus(processes, await freePort(), "next-app", [`127.0.0.1:${port}`]);
      await processes.waitFor("prometheus", async () => (await prometheus.query("up"))[0]?.value[1] === "1");

      // Every request goes to both builds, in the same order.
      const both = async (request: string, init?: () => RequestInit) => {
        const [instrumented, plain] = await Promise.all([base, plainBase].map(async (b) => seen(await fetch(`${b}${request}`, init?.()))));
        answers.push({ request, instrumented: instrumented!, plain: plain! });
        return instrumented!;
      };
      const pages = ["/", "/counter", "/cached", "/readme", "/todos", "/no-such-page"];
      // A server action posted as a form without JavaScript does: its id is in the page.
      const action = async (title: string) => {
        const page = await fetch(`${base}/todos`).then((r) => r.text());
        const id = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(page)?.[1];
        if (!id) throw new Error("no server action id in /todos");
        const plainPage = await fetch(`${plainBase}/todos`).then((r) => r.text());
        const plainId = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(plainPage)![1]!;
        const form = (field: string) => () => {
          const body = new FormData();
          body.set(field, "");
          body.set("title", title);
          return { method: "POST", body };
        };
        const [instrumented, plain] = await Promise.all([
          fetch(`${base}/todos`, form(id)()).then(seen),
          fetch(`${plainBase}/todos`, form(plainId)()).then(seen),
        ]);
        answers.push({ request: `POST /todos (${JSON.stringify(title)})`, instrumented, plain });
      };
      // Half the load creates the series; the other half comes after two scrapes, for rate() to see it.
      for (let id = 1; id <= 10; id++) await both(`/api/users/${id}`);
      for (const page of pages) await both(page);
      await action("buy milk");
      await action("");
      await new Promise((r) => setTimeout(r, 2500));
      for (let id = 11; id <= 20; id++) await both(`/api/users/${id}`);
      for (let i = 0; i < 4; i++) await both("/");
      await both("/todos");
      const total = async (fn: string) => Number((await prometheus.query(`sum(function_calls_total{function="${fn}"})`))[0]?.value[1]);
      await processes.waitFor(
        "prometheus",
        async () =>
          (await total("findUser")) === 20 &&
          (await total("greeting")) === 5 &&
          (await prometheus.query('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-95"}')).length > 0,
        30_000,
      );
    });
    after(async () => processes.stopAll());

    it("answers every request as the uninstrumented build does: status, middleware and rendered HTML", () => {
      expect(answers.length).to.equal(33);
      for (const { request, instrumented, plain } of answers) expect(instrumented, request).to.equal(plain);
      expect(answers.find((a) => a.request === "/counter")!.instrumented)
        .to.contain("seen /counter")
        .and.contain("count: 3");
      expect(answers.find((a) => a.request === "/cached")!.instrumented).to.match(/cached(<!-- -->)? (<!-- -->)?2/);
      expect(answers.find((a) => a.request === "/readme")!.instrumented).to.contain("MDX pages are server components too.");
      expect(answers.find((a) => a.request === 'POST /todos ("")')!.instrumented).to.match(/^500 /);
      expect(answers.at(-1)!.instrumented).to.contain("<li>buy milk</li>");
    });

    it("records server code with the source's labels and callers: pages, layouts, route handlers, a server action, cached functions, MDX, client components rendered on the server", async () => {
      const series = recorded(await (await fetch(`${base}/metrics`)).text());
      expect(series).to.deep.equal(
        [
          "CachedPage (app/cached/page.tsx) <- : ok",
          "Counter (components/counter.tsx) <- : ok",
          "CounterPage (app/counter/page.tsx) <- : ok",
          "GET (app/api/users/[id]/route.ts) <- : ok",
          "GET (app/metrics/route.ts) <- : ok",
          "MDXContent (app/readme/page.mdx) <- : ok",
          "Page (app/page.tsx) <- : ok",
          "RootLayout (app/layout.tsx) <- : ok",
          "Stamp (app/readme/page.mdx) <- : ok",
          "TodosPage (app/todos/page.tsx) <- : ok",
          "_createMdxContent (app/readme/page.mdx) <- MDXContent: ok",
          "addTodo (lib/todos.ts) <- createTodo: error",
          "addTodo (lib/todos.ts) <- createTodo: ok",
          // A "use cache" function counts its cache misses; Next runs them apart from the caller.
          "cachedCount (lib/cached.ts) <- : ok",
          "cachedGreeting (lib/cached.ts) <- : ok",
          "createTodo (app/todos/actions.ts) <- : error",
          "createTodo (app/todos/actions.ts) <- : ok",
          "findUser (lib/users.ts) <- GET: error",
          "findUser (lib/users.ts) <- GET: ok",
          "formatCount (lib/format.ts) <- Counter: ok",
          "formatCount (lib/format.ts) <- CounterPage: ok",
          "formatName (lib/users.ts) <- findUser: ok",
          "greeting (app/page.tsx) <- Page: ok",
          "listTodos (lib/todos.ts) <- TodosPage: ok",
        ].sort(),
      );
    });

    it("serves the same series from the exporter that instrumentation.ts starts as from the /metrics route", async () => {
      const [route, exporter] = await Promise.all(
        [`${base}/metrics`, `http://127.0.0.1:${exporterPort}/metrics`].map(async (url) => recorded(await (await fetch(url)).text())),
      );
      expect(exporter).to.include("findUser (lib/users.ts) <- GET: ok");
      // The route's own call in progress is not yet recorded in its answer.
      expect(exporter.filter((s) => !s.startsWith("GET (app/metrics/"))).to.deep.equal(
        route.filter((s) => !s.startsWith("GET (app/metrics/")),
      );
    });

    it("serves metrics for the route handler and the module it calls, with callers and app-relative modules", async () => {
      const { samples } = parseExposition(await (await fetch(`${base}/metrics`)).text());
      const count = (fn: string, caller: string, result: string) =>
        one(samples, "function_calls_total", {
          function: fn,
          caller_function: caller,
          result,
          module: fn === "GET" ? "app/api/users/[id]/route.ts" : "lib/users.ts",
        }).value;
      expect(count("GET", "", "ok")).to.equal(20);
      expect(count("findUser", "GET", "ok")).to.equal(18);
      expect(count("findUser", "GET", "error")).to.equal(2);
      expect(count("formatName", "findUser", "ok")).to.equal(18);
    });

    it("keeps Node-only code out of browser and edge bundles, which get the runtime's browser and edge entries", () => {
      const browser = filesUnder(join(APP, ".next", "static"));
      const edge = filesUnder(join(APP, ".next", "server")).filter((f) => readFileSync(f, "utf8").includes('"middleware.ts"'));
      const holding = (files: string[], text: string) => files.filter((f) => readFileSync(f, "utf8").includes(text));
      // Instrumented: the client component and the module it shares with the server, and the middleware.
      expect(holding(browser, '"components/counter.tsx"')).to.have.length.greaterThan(0);
      expect(holding(browser, '"lib/format.ts"')).to.have.length.greaterThan(0);
      expect(edge).to.have.length.greaterThan(0);
      for (const marker of NODE_ONLY) {
        expect(holding(browser, marker), `browser chunks holding ${marker}`).to.deep.equal([]);
        expect(holding(edge, marker), `edge chunks holding ${marker}`).to.deep.equal([]);
      }
    });

    it("answers every dashboard panel query through Prometheus, with the values the load implies", async () => {
      const functions = "GET|findUser|formatName|Page|greeting";
      const vars = {
        __rate_interval: "1m",
        __range: "5m",
        function: functions,
        functions_top_request_rate: functions,
        functions_top_error_rate: functions,
        success_rate_objective: "users",
        latency_objective: "pages",
        latency_objective_latency_threshold: "0.25",
      };
      for (const q of panelQueries()) {
        const result = await prometheus.query(substitute(q.expr, vars));
        expect(result.length, `${q.dashboard} / ${q.panel}`).to.be.greaterThan(0);
      }
      const slo = panelQueries().find((q) => q.dashboard === "service-level-objectives.json" && q.expr.includes("success_rate_objective"))!;
      expect(Number((await prometheus.query(substitute(slo.expr, vars)))[0]!.value[1])).to.be.closeTo(0.9, 0.02);
      const users = await prometheus.query('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-95"}');
      expect(users.map((r) => r.metric.objective_name)).to.deep.equal(["users"]);
    });
  });
}

/** A page and the module it calls, written by the dev test (and left out of git). */
const HMR_PAGE = join(APP, "app", "hmr", "page.tsx");
const HMR_MODULE = join(APP, "lib", "hmr.ts");
const hmrModule = (body: string) => `export function hmrGreeting(): string {\n  return ${body};\n}\n`;

for (const bundler of ["turbopack", "webpack"]) {
  describe(`e2e: next dev with the SWC plugin (${bundler})`, function () {
    this.timeout(180_000);
    const processes = new Processes(join(__dirname, "..", ".logs", `next-dev-${bundler}`));
    let base: string;

    before(async () => {
      mkdirSync(join(HMR_PAGE, ".."), { recursive: true });
      writeFileSync(
        HMR_PAGE,
        'import { connection } from "next/server";\nimport { hmrGreeting } from "../../lib/hmr";\n\nexport const instant = false;\n\n' +
          "export default async function HmrPage() {\n  await connection();\n  return <p>{hmrGreeting()}</p>;\n}\n",
      );
      writeFileSync(HMR_MODULE, hmrModule('"first"'));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const args = [NEXT, "dev", ...(bundler === "webpack" ? ["--webpack"] : []), "-p", String(port), "-H", "127.0.0.1"];
      processes.start("next-dev", process.execPath, args, env, APP);
      await processes.waitFor("next-dev", async () => (await fetch(`${base}/metrics`)).ok, 60_000);
    });
    after(async () => {
      await processes.stopAll();
      rmSync(join(HMR_PAGE, ".."), { recursive: true, force: true });
      rmSync(HMR_MODULE, { force: true });
    });

    it("re-instruments an edited module: the page serves the new code and its new function is recorded with its caller", async () => {
      const paragraph = async () => /<p>([^<]*)<\/p>/.exec(await (await fetch(`${base}/hmr`)).text())?.[1];
      expect(await paragraph()).to.equal("first");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the edited module's own template literal
      writeFileSync(HMR_MODULE, `${hmrModule("`second ${hmrSuffix()}`")}\nexport function hmrSuffix(): string {\n  return "edited";\n}\n`);
      await processes.waitFor("next-dev", async () => (await paragraph()) === "second edited", 60_000);
      const series = recorded(await (await fetch(`${base}/metrics`)).text()).filter((s) => s.includes("hmr") || s.includes("Hmr"));
      expect(series).to.include.members([
        "HmrPage (app/hmr/page.tsx) <- : ok",
        "hmrGreeting (lib/hmr.ts) <- HmrPage: ok",
        "hmrSuffix (lib/hmr.ts) <- hmrGreeting: ok",
      ]);
    });
  });
}

/**
 * The API of `@autometrics/autometrics` (autometrics-ts 1.0.1) on this
 * runtime: the wrapper with every option it had, the `@Autometrics()`
 * decorator in both dialects (compiled here by TypeScript and by Babel, as an
 * app would compile it), `recordBuildInfo` and build_info's `clearmode`, the
 * git config reading and objectives. The cases follow autometrics-ts's own
 * tests (integration, objectives, buildInfo, platformUtils); where this
 * runtime differs on purpose, the test says so and docs/migrating.md says why.
 */
import { transformSync } from "@babel/core";
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runInThisContext } from "node:vm";
import ts from "typescript";
import * as runtime from "../src";
import {
  Autometrics,
  AutometricsConfigError,
  ObjectiveLatency,
  ObjectivePercentile,
  autometrics,
  autometricsMetricProducer,
  init,
  recordBuildInfo,
} from "../src";
import { originUrl, resolveBuildInfo } from "../src/build-info";
import { buildInfoAttributes } from "../src/opentelemetry/attributes";
import { find, one } from "../../fixtures/harness/exposition";
import { freshInit, scrape, warnings } from "./helpers/runtime";

const HERE = "test/autometrics-ts-compat.test.ts";

async function calls(fn: string, result = "ok"): Promise<number | undefined> {
  const { samples } = await scrape();
  return find(samples, "function_calls_total", { function: fn, result, caller_function: "" })[0]?.value;
}

async function functionLabels(): Promise<string[]> {
  const { samples } = await scrape();
  return [...new Set(find(samples, "function_calls_total").map((s) => s.labels.function!))].sort();
}

describe("@autometrics/autometrics compatibility", () => {
  beforeEach(() => freshInit());

  describe("autometrics() wrapper", () => {
    it("single function: counts calls and times them, labelled by name and file", async () => {
      const helloWorldFn = autometrics(function helloWorld() {});
      helloWorldFn();
      helloWorldFn();
      const { samples } = await scrape();
      expect(one(samples, "function_calls_total", { function: "helloWorld", result: "ok" })).to.deep.include({ value: 2 });
      expect(one(samples, "function_calls_total", { function: "helloWorld", result: "ok" }).labels.module).to.equal(HERE);
      expect(one(samples, "function_calls_duration_seconds_count", { function: "helloWorld" }).value).to.equal(2);
    });

    it("single function with throw: a rejected promise is an error", async () => {
      const errorFn = autometrics(async function error() {
        return Promise.reject("Oh no");
      });
      let rejected: unknown;
      await errorFn().catch((e: unknown) => (rejected = e));
      expect(rejected).to.equal("Oh no");
      expect(await calls("error", "error")).to.equal(1);
    });

    it("labels methods as autometrics-ts did: className gives Foo.prototype.increase, with static Foo.increase", async () => {
      const increase = autometrics({ className: "Foo" }, function increase(this: { n: number }) {
        return ++this.n;
      });
      const reset = autometrics({ className: "Foo", static: true }, function reset() {
        return 0;
      });
      const named = autometrics({ className: "Foo", functionName: "add" }, () => 1);
      const plain = autometrics({ static: true }, function alone() {});
      const empty = autometrics({ className: "" }, function unowned() {});
      expect(increase.call({ n: 1 })).to.equal(2);
      reset();
      named();
      plain();
      empty();
      expect(await functionLabels()).to.deep.equal(["Foo.prototype.add", "Foo.prototype.increase", "Foo.reset", "alone", "unowned"]);
    });

    it("takes every option autometrics-ts took, in one call", async () => {
      const objective = {
        name: "api",
        successRate: ObjectivePercentile.P99,
        latency: [ObjectiveLatency.Ms250, ObjectivePercentile.P95],
      } as const;
      const options = {
        functionName: "handle",
        className: "Api",
        static: true,
        moduleName: "src/api.ts",
        objective: { ...objective, latency: [...objective.latency] as [ObjectiveLatency, ObjectivePercentile] },
        trackConcurrency: true,
        recordErrorIf: (r: { status: number }) => r.status >= 500,
        recordSuccessIf: (e: unknown) => e instanceof RangeError,
      };
      const handle = autometrics(options, async (status: number) => {
        if (status < 0) throw new RangeError("ignored");
        return { status };
      });
      await handle(200);
      await handle(503);
      await handle(-1).catch(() => {});
      const { samples } = await scrape();
      const base = { function: "Api.handle", module: "src/api.ts", objective_name: "api", objective_percentile: "99" };
      expect(one(samples, "function_calls_total", { ...base, result: "ok" }).value).to.equal(2);
      expect(one(samples, "function_calls_total", { ...base, result: "error" }).value).to.equal(1);
      expect(one(samples, "function_calls_concurrent", { function: "Api.handle" }).value).to.equal(0);
      expect(
        one(samples, "function_calls_duration_seconds_count", {
          function: "Api.handle",
          objective_latency_threshold: "0.25",
          objective_percentile: "95",
        }).value,
      ).to.equal(3);
    });

    it("tracks concurrency while calls are in flight", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = autometrics({ trackConcurrency: true }, async function slow() {
        await gate;
      });
      const running = [slow(), slow()];
      expect(one((await scrape()).samples, "function_calls_concurrent", { function: "slow" }).value).to.equal(2);
      release();
      await Promise.all(running);
      expect(one((await scrape()).samples, "function_calls_concurrent", { function: "slow" }).value).to.equal(0);
    });

    it("records the caller, as autometrics-ts's callerInfo test", async () => {
      const callee = autometrics(function callee() {});
      const caller = autometrics(function caller() {
        callee();
      });
      caller();
      const { samples } = await scrape();
      expect(one(samples, "function_calls_total", { function: "callee", result: "ok", caller_function: "caller" }).labels).to.include({
        caller_function: "caller",
        caller_module: HERE,
      });
    });

    it("rejects an unknown option with a TypeError that names it and lists the accepted ones", () => {
      expect(() => autometrics({ functionNmae: "x" } as never, () => {})).to.throw(
        TypeError,
        "autometrics: invalid option `functionNmae`: unknown option (known: functionName, moduleName, className, static, objective, trackConcurrency, recordErrorIf, recordSuccessIf)",
      );
    });

    it("rejects options of the wrong type the same way", () => {
      const cases: [object, string][] = [
        [{ functionName: 3 }, "`functionName`: expected a string, got number"],
        [{ moduleName: null }, "`moduleName`: expected a string, got null"],
        [{ className: {} }, "`className`: expected a string, got object"],
        [{ static: "yes" }, "`static`: expected a boolean, got string"],
        [{ objective: "api" }, "`objective`: expected an object, got string"],
        [{ objective: [] }, "`objective`: expected an object, got an array"],
        [{ trackConcurrency: 1 }, "`trackConcurrency`: expected a boolean, got number"],
        [{ recordErrorIf: true }, "`recordErrorIf`: expected a function, got boolean"],
        [{ recordSuccessIf: "no" }, "`recordSuccessIf`: expected a function, got string"],
      ];
      for (const [options, message] of cases) {
        expect(() => autometrics(options as never, () => {}), message).to.throw(TypeError, `autometrics: invalid option ${message}`);
      }
      // A bad objective value is a configuration error, as in init() and the plugins.
      expect(() => autometrics({ objective: { name: "x", successRate: "100" as never } }, () => {})).to.throw(
        AutometricsConfigError,
        "percentile 100 is not between 0 and 100",
      );
      expect(() => autometrics(3 as never, () => {})).to.throw(TypeError, "expected an options object or a function, got number");
    });

    it("keeps methods, arrows and async functions non-constructible, and constructors constructible", () => {
      const arrow = autometrics(() => 1);
      const method = autometrics({ functionName: "m" }, { m: () => 2 }.m);
      expect(arrow.prototype).to.equal(undefined);
      expect(() => new (arrow as never as new () => unknown)()).to.throw(TypeError);
      expect(method()).to.equal(2);
      function Point(this: { x: number }, x: number) {
        this.x = x;
      }
      const P = autometrics(Point) as unknown as new (x: number) => { x: number };
      expect(new P(1)).to.be.instanceOf(Point);
    });
  });

  describe("objectives (autometrics-ts's objectives test)", () => {
    it("success rate", async () => {
      const successRateFn = autometrics({ objective: { name: "test", successRate: ObjectivePercentile.P99 } }, function successRate() {});
      successRateFn();
      successRateFn();
      const { samples } = await scrape();
      expect(
        one(samples, "function_calls_total", { function: "successRate", result: "ok", objective_name: "test", objective_percentile: "99" })
          .value,
      ).to.equal(2);
    });

    it("latency: the threshold is rendered as the bucket's le", async () => {
      const latencyFn = autometrics(
        { objective: { name: "test", latency: [ObjectiveLatency.Ms100, ObjectivePercentile.P99_9] } },
        function latency() {},
      );
      latencyFn();
      latencyFn();
      const { samples } = await scrape();
      const bucket = one(samples, "function_calls_duration_seconds_bucket", {
        function: "latency",
        objective_name: "test",
        objective_latency_threshold: "0.1",
        objective_percentile: "99.9",
        le: "0.1",
      });
      expect(bucket.value).to.equal(2);
    });

    it("combined objective", async () => {
      const combinedObjectiveFn = autometrics(
        { objective: { name: "test", successRate: ObjectivePercentile.P99, latency: [ObjectiveLatency.Ms100, ObjectivePercentile.P99_9] } },
        function combinedObjective() {},
      );
      combinedObjectiveFn();
      combinedObjectiveFn();
      const { samples } = await scrape();
      expect(
        one(samples, "function_calls_total", { function: "combinedObjective", result: "ok", objective_percentile: "99" }).value,
      ).to.equal(2);
      expect(
        one(samples, "function_calls_duration_seconds_count", {
          function: "combinedObjective",
          objective_latency_threshold: "0.1",
          objective_percentile: "99.9",
        }).value,
      ).to.equal(2);
    });
  });

  describe("@Autometrics() decorator", () => {
    // One source, compiled by each dialect's compiler as an app would compile it.
    const SOURCE = `
      const { Autometrics } = require("autometrics-runtime");
      // Another decorator beside ours (autometrics-ts's integration test has one): it changes nothing.
      const other = () => () => undefined;

      @Autometrics()
      class Counter {
        constructor() { this.count = 0; }
        increase(by) { this.count += by; return this.count; }
        async later() { await null; return this; }
        static reset() { return "reset"; }
        static make = () => new Counter();
        static Nested = class Nested { static create() { return "nested"; } };
        @Autometrics({ skip: true }) quiet() { return "quiet"; }
        @other() helloWorld() { return "hello"; }
        @Autometrics({ objective: { name: "api", successRate: "99" } }) both() { return "once"; }
        get size() { return this.count; }
        *items() { yield this.count; }
      }

      class Service {
        @Autometrics({ objective: { name: "api", successRate: "99" } })
        fetch(x) { if (x < 0) throw new RangeError("negative"); return x * 2; }
        @Autometrics() static create() { return new Service(); }
        @Autometrics() get size() { return 3; }
        plain() { return "plain"; }
      }

      @Autometrics({ className: "Renamed", moduleName: "src/renamed.js" })
      class Original { run() { return 1; } }

      class Base { @Autometrics() greet() { return "hi from " + this.constructor.name; } }
      class Derived extends Base {}

      module.exports = { Counter, Service, Original, Base, Derived };
    `;
    // Decorators on private methods exist only in the standard dialect.
    const PRIVATE = `
      const { Autometrics } = require("autometrics-runtime");
      class Vault {
        @Autometrics() #open() { return "open"; }
        open() { return this.#open(); }
      }
      module.exports = { Vault };
    `;

    const typescript = (experimentalDecorators: boolean) => (source: string) =>
      ts.transpileModule(source, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators, allowJs: true },
        fileName: "decorated.ts",
      }).outputText;
    const babel = (source: string) =>
      transformSync(source, {
        configFile: false,
        babelrc: false,
        sourceType: "script",
        plugins: [[require.resolve("@babel/plugin-proposal-decorators"), { version: "2023-11" }]],
      })!.code!;

    /** Runs compiled CommonJS as a file of this folder would run, with `autometrics-runtime` the runtime under test. */
    function load(code: string, name: string): Record<string, any> {
      const module = { exports: {} as Record<string, any> };
      const fn = runInThisContext(`(function (exports, require, module) {${code}\n})`, {
        filename: join(process.cwd(), "test", "decorated", name),
      });
      fn(module.exports, (id: string) => (id === "autometrics-runtime" ? runtime : require(id)), module);
      return module.exports;
    }

    const dialects: [string, (source: string) => string, boolean][] = [
      ["TypeScript experimentalDecorators", typescript(true), false],
      ["TypeScript standard decorators", typescript(false), true],
      ["Babel 2023-11", babel, true],
    ];

    for (const [dialect, compile, standard] of dialects) {
      describe(dialect, () => {
        const file = `${dialect.replace(/\W+/g, "-").toLowerCase()}.js`;
        const module = `test/decorated/${file}`;

        it("on a class: every method, prototype and static, registered at once and labelled Class.method", async () => {
          const { Counter } = load(compile(SOURCE), file);
          // Registered when the class is defined: the series are there, at zero, before any call.
          expect(await calls("Counter.increase")).to.equal(0);
          expect(await calls("Counter.reset")).to.equal(0);
          const counter = new Counter();
          expect(counter.increase(2)).to.equal(2);
          expect(counter.increase(3)).to.equal(5);
          expect(await counter.later()).to.equal(counter);
          expect(Counter.reset()).to.equal("reset");
          expect(counter.helloWorld()).to.equal("hello");
          expect(Counter.make()).to.be.instanceOf(Counter);
          expect(Counter.Nested.create()).to.equal("nested");
          expect(counter.quiet()).to.equal("quiet");
          expect(counter.size).to.equal(5);
          expect([...counter.items()]).to.deep.equal([5]);
          const { samples } = await scrape();
          expect(one(samples, "function_calls_total", { function: "Counter.increase", result: "ok" }).labels.module).to.equal(module);
          expect(await calls("Counter.increase")).to.equal(2);
          expect(await calls("Counter.later")).to.equal(1);
          expect(await calls("Counter.reset")).to.equal(1);
          expect(await calls("Counter.helloWorld")).to.equal(1);
          expect(await calls("Counter.make")).to.equal(1); // a static field holding a function, as the plugins
          // Not instrumented: skipped, accessors, generators, the constructor, a class held by a static field.
          for (const absent of [
            "Counter.quiet",
            "Counter.size",
            "Counter.get size",
            "Counter.items",
            "Counter.constructor",
            "Counter.Nested",
          ]) {
            expect(await calls(absent), absent).to.equal(undefined);
          }
        });

        it("on a method of a decorated class: one wrapper, its own options", async () => {
          const { Counter } = load(compile(SOURCE), file);
          expect(new Counter().both()).to.equal("once");
          const { samples } = await scrape();
          expect(one(samples, "function_calls_total", { function: "Counter.both", result: "ok" }).labels).to.include({
            objective_name: "api",
            objective_percentile: "99",
          });
          expect(await calls("Counter.both")).to.equal(1);
        });

        it("on methods, static methods and getters: Class.method, Class.get x; `this`, results and throws pass through", async () => {
          const { Service } = load(compile(SOURCE), file);
          // A static method is registered when its class is defined. An instance method decorated alone is registered
          // with the class in the legacy dialect; a standard decorator is not told its class, which is known from the
          // first instance (docs/migrating.md).
          expect(await calls("Service.create")).to.equal(0);
          expect(await calls("Service.fetch")).to.equal(standard ? undefined : 0);
          const service = Service.create();
          expect(await calls("Service.fetch")).to.equal(0);
          expect(service).to.be.instanceOf(Service);
          expect(service.fetch(2)).to.equal(4);
          expect(() => service.fetch(-1)).to.throw(RangeError, "negative");
          expect(service.size).to.equal(3);
          expect(service.plain()).to.equal("plain");
          expect(await calls("Service.fetch")).to.equal(1);
          expect(await calls("Service.fetch", "error")).to.equal(1);
          expect(await calls("Service.create")).to.equal(1);
          expect(await calls("Service.get size")).to.equal(1);
          expect(await calls("Service.plain")).to.equal(undefined);
          const { samples } = await scrape();
          expect(one(samples, "function_calls_total", { function: "Service.fetch", result: "ok" }).labels).to.include({
            module,
            objective_name: "api",
          });
        });

        it("className and moduleName replace the class's name and the file", async () => {
          const { Original } = load(compile(SOURCE), file);
          expect(new Original().run()).to.equal(1);
          const { samples } = await scrape();
          expect(one(samples, "function_calls_total", { function: "Renamed.run", result: "ok" }).labels.module).to.equal("src/renamed.js");
        });

        it("names an inherited method by the class that defines it", async () => {
          const { Derived } = load(compile(SOURCE), file);
          expect(new Derived().greet()).to.equal("hi from Derived");
          expect(await functionLabels())
            .to.include("Base.greet")
            .and.not.include("Derived.greet");
        });

        if (standard) {
          it("on a private method: Class.#method", async () => {
            const { Vault } = load(compile(PRIVATE), file);
            expect(new Vault().open()).to.equal("open");
            expect(await calls("Vault.#open")).to.equal(1);
          });
        }
      });
    }

    it("rejects unknown options, and options that are for methods on a class", () => {
      expect(() => Autometrics({ skipp: true } as never)).to.throw(
        TypeError,
        "autometrics: invalid option `skipp`: unknown option (known: functionName",
      );
      expect(() => Autometrics({ static: true } as never)).to.throw(TypeError, "autometrics: invalid option `static`: decorators know");
      const decorator = Autometrics({ functionName: "x" });
      expect(() => decorator(class A {})).to.throw(TypeError, "autometrics: invalid option `functionName`: is for a method");
    });

    it("leaves a field alone, saying so once", async () => {
      const said = await warnings(() => {
        Autometrics()({}, "field", undefined);
        Autometrics()(undefined, { kind: "field", name: "field" });
      });
      expect(said)
        .to.match(/a property is left as it is/)
        .and.match(/a field is left as it is/);
    });

    it("differs from autometrics-ts on purpose: a decorated method is Class.method (the plugins' label), not Class.prototype.method", async function () {
      let original: typeof import("@autometrics/autometrics");
      try {
        original = require("@autometrics/autometrics");
      } catch {
        return this.skip(); // not installed: nothing to compare with
      }
      const sdk = require(require.resolve("@opentelemetry/sdk-metrics", { paths: [dirname(require.resolve("@autometrics/autometrics"))] }));
      const reader = new sdk.PeriodicExportingMetricReader({
        exporter: new sdk.InMemoryMetricExporter(sdk.AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 2 ** 31 - 1,
      });
      original.registerExporter({ metricReader: reader });
      const COUNTER = `
        const { Autometrics } = require("autometrics-runtime");
        @Autometrics()
        class Counter {
          increase() { return 1; }
          static reset() { return 0; }
        }
        module.exports = { Counter };
      `;
      const theirSource = COUNTER.replace('"autometrics-runtime"', '"@autometrics/autometrics"').replace(
        "{ Autometrics }",
        "{ AutometricsLegacy: Autometrics }",
      );
      const theirs = load(typescript(true)(theirSource), "theirs.js");
      new theirs.Counter().increase();
      theirs.Counter.reset();
      original.autometrics({ className: "Foo" }, function increase() {})();
      const { resourceMetrics } = await reader.collect();
      const labels = new Set<string>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name === "function.calls") for (const point of metric.dataPoints) labels.add(point.attributes.function);
        }
      }
      await reader.shutdown();
      // autometrics-ts: the wrapper's className convention, for its class decorator too.
      expect([...labels]).to.include.members(["Counter.prototype.increase", "Counter.reset", "Foo.prototype.increase"]);
      // Ours: the wrapper keeps that convention (tested above); the decorator gives the plugins' labels.
      const ours = load(typescript(true)(COUNTER), "ours.js");
      new ours.Counter().increase();
      ours.Counter.reset();
      autometrics({ className: "Foo" }, function increase() {})();
      expect(await functionLabels()).to.deep.equal(["Counter.increase", "Counter.reset", "Foo.prototype.increase"]);
    });
  });

  describe("build_info", () => {
    it("recordBuildInfo sets fields at run time, with autometrics-ts's label names too, and build_info stays one series", async () => {
      freshInit({ serviceName: "shop" });
      recordBuildInfo({
        version: "1.0.1",
        commit: "123456789",
        branch: "main",
        "repository.url": "https://github.com/autometrics-dev/autometrics-ts.git",
        "autometrics.version": "0.9.0",
      });
      let { samples } = await scrape();
      expect(one(samples, "build_info").labels).to.deep.equal({
        version: "1.0.1",
        commit: "123456789",
        branch: "main",
        service_name: "shop",
        repository_url: "https://github.com/autometrics-dev/autometrics-ts.git",
        repository_provider: "github",
        autometrics_version: "1.0.0",
      });
      recordBuildInfo({ commit: "abcdef", repositoryProvider: "gitea" });
      ({ samples } = await scrape());
      expect(one(samples, "build_info").labels).to.include({ version: "1.0.1", commit: "abcdef", repository_provider: "gitea" });
    });

    it("recordBuildInfo reaches the OpenTelemetry path too, clearmode included", async () => {
      freshInit({ serviceName: "shop" });
      recordBuildInfo({ version: "2.0.0", clearmode: "family" });
      const { resourceMetrics } = await autometricsMetricProducer().collect();
      const buildInfo = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === "build_info")!;
      expect(buildInfo.dataPoints).to.have.length(1);
      expect(buildInfo.dataPoints[0]!.attributes).to.include({ version: "2.0.0", clearmode: "family", "service.name": "shop" });
    });

    it("recordBuildInfo rejects unknown fields and values that are not strings", () => {
      expect(() => recordBuildInfo({ sha: "x" } as never)).to.throw(
        TypeError,
        "autometrics: invalid option `sha`: unknown build_info field (known: version",
      );
      expect(() => recordBuildInfo({ version: 1 } as never)).to.throw(TypeError, "`version`: expected a string, got number");
      expect(() => recordBuildInfo({ clearmode: "all" } as never)).to.throw(
        TypeError,
        '`clearmode`: expected "replace", "aggregate", "family" or ""',
      );
    });

    it("has a clearmode label when one is set (for an aggregating gateway), and none otherwise", async () => {
      freshInit({ buildInfo: { version: "1", clearmode: "family" } });
      let { samples } = await scrape();
      expect(one(samples, "build_info").labels).to.include({ clearmode: "family", autometrics_version: "1.0.0" });
      expect(buildInfoAttributes(resolveBuildInfo({ clearmode: "family" }, {}, false))).to.include({ clearmode: "family" });
      recordBuildInfo({ clearmode: "" });
      ({ samples } = await scrape());
      expect(one(samples, "build_info").labels).not.to.have.property("clearmode");
      freshInit();
      ({ samples } = await scrape());
      expect(Object.keys(one(samples, "build_info").labels)).to.deep.equal([
        "version",
        "commit",
        "branch",
        "service_name",
        "repository_url",
        "repository_provider",
        "autometrics_version",
      ]);
      expect(() => init({ registry: undefined, buildInfo: { clearmode: "sometimes" as never } })).to.throw(
        AutometricsConfigError,
        "`buildInfo.clearmode`",
      );
    });

    it("keeps the shared dashboards' build_info joins working: they join on instance and job and take version and commit only", () => {
      const folder = join(__dirname, "..", "..", "cli", "conformance", "dashboards");
      let joins = 0;
      for (const name of readdirSync(folder)) {
        const text = readFileSync(join(folder, name), "utf8");
        const all = text.match(/build_info/g)?.length ?? 0;
        const joined = text.match(/\* on\(instance, job\) group_left\(version, commit\) \(last_over_time\(build_info\[/g)?.length ?? 0;
        const inComments = text.match(/`build_info`/g)?.length ?? 0;
        expect(joined + inComments, name).to.equal(all);
        joins += joined;
      }
      expect(joins).to.be.greaterThan(0);
      expect(readFileSync(join(__dirname, "..", "..", "cli", "conformance", "autometrics.rules.yml"), "utf8")).not.to.include("build_info");
    });

    it("reads the version from AUTOMETRICS_VERSION, then PACKAGE_VERSION, then npm_package_version when detecting", () => {
      expect(resolveBuildInfo({}, { PACKAGE_VERSION: "2.0.0" }, false).version).to.equal("2.0.0");
      expect(resolveBuildInfo({}, { AUTOMETRICS_VERSION: "3.0.0", PACKAGE_VERSION: "2.0.0" }, false).version).to.equal("3.0.0");
      expect(resolveBuildInfo({ version: "4.0.0" }, { PACKAGE_VERSION: "2.0.0" }, false).version).to.equal("4.0.0");
      const empty = mkdtempSync(join(tmpdir(), "autometrics-compat-"));
      expect(resolveBuildInfo({}, { npm_package_version: "5.0.0" }, true, empty).version).to.equal("5.0.0");
      expect(resolveBuildInfo({}, { npm_package_version: "5.0.0" }, false).version).to.equal("");
    });

    it("names the service unknown_service when nothing names it (autometrics-ts said AUTOMETRICS_TYPESCRIPT_SERVICE)", () => {
      expect(resolveBuildInfo({}, {}, false).serviceName).to.equal("unknown_service");
    });
  });

  describe("git config (autometrics-ts's platformUtils test)", () => {
    const config = (origin: string, before = "") => `[core]
    repositoryformatversion = 0
    filemode = true
    bare = false
    logallrefupdates = true
${before}[remote "origin"]
${origin}
    fetch = +refs/heads/*:refs/remotes/origin/*`;

    it("extracts Git URL", () => {
      expect(originUrl(config("    url = git@github.com:autometrics-dev/autometrics-ts.git"))).to.equal(
        "git@github.com:autometrics-dev/autometrics-ts.git",
      );
    });

    it("extracts quoted Git URL", () => {
      expect(originUrl(config('    url = "git@github.com:autometrics-dev/autometrics-ts.git"'))).to.equal(
        "git@github.com:autometrics-dev/autometrics-ts.git",
      );
      expect(originUrl(config('    url = "https://example.com/a \\"b\\".git"'))).to.equal('https://example.com/a "b".git');
    });

    it("doesn't return upstream URL", () => {
      const upstream = '[remote "upstream"]\n    url = git@github.com:autometrics-dev/autometrics-ts.git\n';
      expect(originUrl(config("    url = git@github.com:arendjr/autometrics-ts.git", upstream))).to.equal(
        "git@github.com:arendjr/autometrics-ts.git",
      );
    });

    it("doesn't return commented URL, with # or ;, on its own line or after the value", () => {
      for (const comment of ["#", ";"]) {
        const text = config(
          `    ${comment}url = git@github.com:autometrics-dev/autometrics-ts.git\n    url = git@github.com:arendjr/autometrics-ts.git ${comment} mine`,
        );
        expect(originUrl(text), comment).to.equal("git@github.com:arendjr/autometrics-ts.git");
      }
      expect(originUrl(config("    # url = git@github.com:a/b.git"))).to.equal(undefined);
    });

    it("reads section names in any case and the old [remote.origin] form", () => {
      expect(originUrl('[Remote "origin"]\n\tURL = https://gitlab.com/a/b.git')).to.equal("https://gitlab.com/a/b.git");
      expect(originUrl('[remote "Origin"]\n\turl = https://gitlab.com/a/b.git')).to.equal(undefined);
      expect(originUrl("[remote.origin]\n\turl = https://gitlab.com/a/b.git")).to.equal("https://gitlab.com/a/b.git");
    });

    it("gives build_info the unquoted URL and its provider, read from .git/config", () => {
      const dir = mkdtempSync(join(tmpdir(), "autometrics-compat-"));
      mkdirSync(join(dir, ".git"));
      writeFileSync(join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
      writeFileSync(
        join(dir, ".git", "config"),
        config('    #url = "git@gitlab.com:old/repo.git"\n    url = "git@github.com:acme/shop.git"'),
      );
      expect(resolveBuildInfo({}, {}, true, dir)).to.include({
        repositoryUrl: "git@github.com:acme/shop.git",
        repositoryProvider: "github",
      });
    });
  });
});

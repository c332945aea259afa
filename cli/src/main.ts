#!/usr/bin/env node
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { queriesFor, prometheusLink } from "autometrics-runtime/queries";
import { type ObjectiveKind, SHARED_PERCENTILES, generateRules } from "./rules";
import { type Listed, findPluginOptions, pluginOptionsFromJson } from "autometrics-register/tooling";
import { listFunctions, objectiveConflicts } from "./list";
import { isPrometheusUrl, parseTarget, start } from "./start";

const USAGE = `Usage: autometrics <command> [project directory] [options]

Commands:
  list         every function the plugins would instrument, with labels, objective and query links
               --json                 machine-readable output
  rules        Prometheus recording and alert rules for the objectives found in the code
               --all                  also the percentiles the shared autometrics rules file covers
               --out FILE             write to FILE instead of standard output
  dashboards   the autometrics Grafana dashboards
               --out DIR              where to write them (default: ./autometrics-dashboards)
  start        a local Prometheus scraping your app, with the autometrics rules and your objectives' loaded
               and the Explorer page on it: your functions' calls, errors, latency, objectives and callers
               autometrics start :PORT [HOST:PORT | URL …] [--port 9090] [--explorer-port 6789]
                 [--host 127.0.0.1] [--project DIR]
               autometrics start --prometheus URL [--explorer-port 6789] [--project DIR]
                 only the Explorer, on a Prometheus that already scrapes your app

Plugin options come from the project's babel.config.js/.babelrc, .swcrc or next.config.{ts,js,mjs}, read as
its build reads them: list, rules and start --project run babel.config.js (through Babel) and next.config.*
(through the project's Next), as a build would. To read nothing of the project's config, give the options:
--include GLOB (repeatable), or --options FILE (the plugin options as JSON).
Links use PROMETHEUS_URL (default http://localhost:9090).`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The plugin options: given (`--options FILE`, `--include`, which then run nothing of the project's), else the project's. */
async function pluginOptions(root: string, args: string[]): Promise<Record<string, unknown>> {
  const includes = args.flatMap((a, i) => (args[i - 1] === "--include" ? [a] : []));
  const file = flag(args, "--options");
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`autometrics: --options ${file}: ${(error as Error).message}`);
    }
    const options = pluginOptionsFromJson(text, `--options ${file}`);
    return includes.length > 0 ? { ...options, include: includes } : options;
  }
  if (includes.length > 0) return { include: includes };
  return (await findPluginOptions(root))?.options ?? {};
}

async function functionsOf(root: string, args: string[]): Promise<Listed[]> {
  const options = await pluginOptions(root, args);
  const functions = listFunctions(root, options);
  for (const conflict of objectiveConflicts(functions)) console.error(conflict);
  return functions;
}

/** The objective percentiles of `functions` that need rules (`all`: also those the shared rules file covers). */
function percentilesOf(functions: readonly Listed[], all: boolean): { kind: ObjectiveKind; percentile: string }[] {
  const percentiles: { kind: ObjectiveKind; percentile: string }[] = [];
  for (const f of functions) {
    if (f.objective?.successRate) percentiles.push({ kind: "success-rate", percentile: f.objective.successRate });
    if (f.objective?.latency) percentiles.push({ kind: "latency", percentile: f.objective.latency[1] });
  }
  return all ? percentiles : percentiles.filter((p) => !SHARED_PERCENTILES.includes(p.percentile));
}

/** A port number given as `name`, or `fallback`; said and undefined when it is not one. */
function portFlag(args: string[], name: string, fallback: number): number | undefined {
  const given = flag(args, name);
  const port = Number(given ?? fallback);
  if (Number.isInteger(port) && port >= 0 && port <= 65535 && given !== "") return port;
  console.error(`autometrics start: ${name} ${given} is not a port number`);
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const root = resolve(rest.find((a, i) => !a.startsWith("--") && !["--include", "--options", "--out"].includes(rest[i - 1] ?? "")) ?? ".");
  switch (command) {
    case "list": {
      const functions = await functionsOf(root, rest);
      if (rest.includes("--json")) {
        const withQueries = functions.map((f) => ({
          ...f,
          queries: queriesFor(f.function, f.module, { objective: f.objective as never }),
        }));
        process.stdout.write(`${JSON.stringify(withQueries, null, 2)}\n`);
        return 0;
      }
      for (const f of functions) {
        const objective = f.objective ? `  objective ${f.objective.name}` : "";
        console.log(`${f.module}:${f.line}  ${f.function}${objective}`);
        console.log(`    ${prometheusLink(queriesFor(f.function, f.module).errorRatio)}`);
      }
      console.log(`${functions.length} function${functions.length === 1 ? "" : "s"}`);
      return 0;
    }
    case "rules": {
      const yaml = generateRules(percentilesOf(await functionsOf(root, rest), rest.includes("--all")));
      const out = flag(rest, "--out");
      if (out) writeFileSync(out, yaml);
      else process.stdout.write(yaml);
      return 0;
    }
    case "dashboards": {
      const out = resolve(flag(rest, "--out") ?? "autometrics-dashboards");
      const from = join(__dirname, "..", "conformance", "dashboards");
      mkdirSync(out, { recursive: true });
      cpSync(from, out, { recursive: true });
      for (const f of readdirSync(from)) console.log(join(out, f));
      return 0;
    }
    case "start": {
      const valued = ["--port", "--host", "--project", "--include", "--options", "--prometheus", "--explorer-port"];
      const targets = rest.filter((a, i) => !a.startsWith("--") && !valued.includes(rest[i - 1] ?? "")).map(parseTarget);
      const prometheus = flag(rest, "--prometheus");
      if (targets.length === 0 && prometheus === undefined) {
        console.error("autometrics start: say what to scrape, e.g. `autometrics start :8080` (your app's /metrics)");
        return 2;
      }
      if (prometheus !== undefined && !isPrometheusUrl(prometheus)) {
        console.error(`autometrics start: --prometheus ${prometheus} is not a URL (expected http://HOST:PORT)`);
        return 2;
      }
      const port = portFlag(rest, "--port", 9090);
      const explorerPort = portFlag(rest, "--explorer-port", 6789);
      if (port === undefined || explorerPort === undefined) return 2;
      const project = resolve(flag(rest, "--project") ?? ".");
      const functions = await functionsOf(project, rest);
      const shared = join(__dirname, "..", "conformance", "autometrics.rules.yml");
      const wanted = percentilesOf(functions, false);
      return start({
        targets,
        rules: { shared, project: wanted.length > 0 ? generateRules(wanted) : undefined },
        port,
        host: flag(rest, "--host") ?? "127.0.0.1",
        prometheus,
        explorer: { port: explorerPort, root: project, functions },
      });
    }
    default:
      console.error(USAGE);
      return command === undefined || command === "--help" ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);

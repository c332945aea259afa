import { relative } from "node:path";
import type * as ts from "typescript/lib/tsserverlibrary";
import { type Listed, findPluginOptions, listSource, prometheusLink, queriesFor } from "autometrics-cli/tooling";

/** The plugin's own entry in tsconfig.json's `compilerOptions.plugins`. */
interface PluginConfig {
  name: string;
  /** Where the links point; else PROMETHEUS_URL, else http://localhost:9090. */
  prometheusUrl?: string;
}

/** The last segment of a label as the name reads in the source: `Api.handle` → `handle`. */
function nameOf(label: string): string {
  return label.slice(label.lastIndexOf(".") + 1);
}

function describe(fn: Listed, prometheusUrl: string): string {
  const objective = fn.objective
    ? ` · objective \`${fn.objective.name}\`${fn.objective.successRate ? `, success rate ${fn.objective.successRate}%` : ""}${
        fn.objective.latency ? `, latency ${fn.objective.latency[0]} s at p${fn.objective.latency[1]}` : ""
      }`
    : "";
  const q = queriesFor(fn.function, fn.module, { objective: fn.objective as never });
  const link = (title: string, expr: string) => `[${title}](${prometheusLink(expr, prometheusUrl)})`;
  const links = [
    link("request rate", q.requestRate),
    link("error ratio", q.errorRatio),
    link("latency p95", q.latency.p95),
    link("callers", q.callers),
    ...(q.successRateBurn ? [link("success-rate burn", q.successRateBurn)] : []),
    ...(q.latencyBurn ? [link("latency burn", q.latencyBurn)] : []),
  ];
  return `**autometrics** \`function="${fn.function}"\` \`module="${fn.module}"\`${objective}\n\n${links.join(" · ")}`;
}

/**
 * A TypeScript language-service plugin: the hover of every function the
 * autometrics plugins would instrument (by the project's own plugin options,
 * found as `autometrics list` finds them) gets its labels, objective and
 * links to its Prometheus queries. Nothing for the others.
 */
function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  void modules;
  let prometheusUrl = process.env.PROMETHEUS_URL || "http://localhost:9090";
  return {
    onConfigurationChanged(config: PluginConfig) {
      if (config.prometheusUrl) prometheusUrl = config.prometheusUrl;
    },
    create(info) {
      const config = info.config as PluginConfig;
      if (config.prometheusUrl) prometheusUrl = config.prometheusUrl;
      const root = info.project.getCurrentDirectory();
      const log = (message: string) => info.project.projectService.logger.info(`[autometrics] ${message}`);
      // Read once, in the background: until then hovers are TypeScript's own.
      let options: Record<string, unknown> | undefined;
      findPluginOptions(root).then(
        (found) => {
          options = found?.options ?? {};
          log(`plugin options from ${found?.source ?? "nowhere (directives only)"}`);
        },
        (error: unknown) => log(`cannot read the plugin options: ${error instanceof Error ? error.message : String(error)}`),
      );
      const listed = new Map<string, { version: string; functions: Listed[] }>();
      const functionsIn = (fileName: string, text: string): Listed[] => {
        const version = info.languageServiceHost.getScriptVersion(fileName);
        const known = listed.get(fileName);
        if (known?.version === version) return known.functions;
        let functions: Listed[] = [];
        try {
          functions = listSource(root, fileName, text, options!);
        } catch (error) {
          log(`cannot read ${relative(root, fileName)}: ${error instanceof Error ? error.message : String(error)}`);
        }
        listed.set(fileName, { version, functions });
        return functions;
      };

      const service = info.languageService;
      const proxy: ts.LanguageService = Object.create(null);
      for (const key of Object.keys(service) as (keyof ts.LanguageService)[]) {
        const method = service[key] as unknown as (...args: unknown[]) => unknown;
        (proxy as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => method.apply(service, args);
      }
      proxy.getQuickInfoAtPosition = (fileName, position, ...rest) => {
        const quickInfo = service.getQuickInfoAtPosition(fileName, position, ...rest);
        const source = service.getProgram()?.getSourceFile(fileName);
        if (quickInfo === undefined || source === undefined || options === undefined) return quickInfo;
        const line = source.getLineAndCharacterOfPosition(quickInfo.textSpan.start).line + 1;
        const word = source.text.slice(quickInfo.textSpan.start, quickInfo.textSpan.start + quickInfo.textSpan.length);
        const fn = functionsIn(fileName, source.text).find((f) => f.line === line && nameOf(f.function) === word);
        if (fn === undefined) return quickInfo;
        return {
          ...quickInfo,
          documentation: [...(quickInfo.documentation ?? []), { kind: "markdown", text: describe(fn, prometheusUrl) }],
        };
      };
      return proxy;
    },
  };
}

export = init;

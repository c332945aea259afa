import type { NodePath, PluginObj, PluginPass, types as t } from "@babel/core";
import { resolve } from "node:path";
import { DirectiveError, type Placed, sourceObjectives } from "./objectives";
import { type ObjectiveSpec, type Options, objectiveFor, parseOptions, selectsFile } from "./options";
import { directiveOf, dropDirectives, functionDirectives, mayHaveDirective } from "./directives";
import { paths } from "./paths";
import { walkProgram } from "./walk";
import { type HandleRef, type Locals, registration, wrapFunction } from "./wrap";

export { OptionError } from "./options";

interface BabelApi {
  assertVersion(range: number | string): void;
  types: typeof t;
}

/** One instrumented function, as reported in Babel's `metadata.autometrics`. */
export interface InstrumentedFunction {
  function: string;
  module: string;
  line: number;
  objective: ObjectiveSpec | undefined;
}

/** docs/transform.md, "Bringing in the runtime": import for ECMAScript modules, require otherwise. */
function isEsm(program: NodePath<t.Program>, filename: string | undefined, usesImportMeta: boolean, options: Options): boolean {
  if (options.moduleSystem !== "auto") return options.moduleSystem === "esm";
  if (filename !== undefined && /\.m[jt]s$/.test(filename)) return true;
  if (filename !== undefined && /\.c[jt]s$/.test(filename)) return false;
  if (usesImportMeta) return true;
  return program.node.body.some(
    (s) =>
      s.type === "ImportDeclaration" ||
      s.type === "ExportNamedDeclaration" ||
      s.type === "ExportDefaultDeclaration" ||
      s.type === "ExportAllDeclaration",
  );
}

function instrumentProgram(types: typeof t, program: NodePath<t.Program>, state: PluginPass, options: Options): void {
  const filename = state.filename ?? undefined;
  const root = options.root === undefined ? state.cwd : resolve(state.cwd, options.root);
  const { module: moduleLabel, file } = paths(filename, root);
  const moduleDirective = directiveOf(program.node.directives);
  const byConfig = selectsFile(options, file);
  // Nothing can be selected: leave the file as it is, without walking it.
  if (!byConfig && !mayHaveDirective(state.file.code)) return;

  const selectsByConfig = (label: string) => byConfig && (options.functions.empty || options.functions.matches(label));
  const { selected, withDirective, declared, usesImportMeta } = walkProgram(types, program.node, moduleDirective, selectsByConfig);

  // Objectives the directives declare; a bad one fails the build, pointing at it.
  const placed: Placed[] = declared.map(({ source, label }) => ({ source, where: `in \`${label}\` (${moduleLabel})` }));
  const moduleSource = moduleDirective?.source;
  if (moduleSource !== undefined) placed.unshift({ source: moduleSource, where: `in the prologue of ${moduleLabel}` });
  let declaredObjectives: Map<unknown, ObjectiveSpec> = new Map();
  try {
    if (placed.length > 0) declaredObjectives = sourceObjectives(options, placed);
  } catch (e) {
    if (!(e instanceof DirectiveError)) throw e;
    // Babel's File (not in its types) prefixes the file name and adds a code frame.
    const babelFile = state.file as unknown as { buildCodeFrameError(node: t.Node, message: string, kind: ErrorConstructor): Error };
    throw babelFile.buildCodeFrameError(e.node, e.message, Error);
  }

  dropDirectives(program.node.directives);
  for (const node of withDirective) dropDirectives(functionDirectives(node));
  if (selected.length === 0) return;

  // Source order; a label used twice in the file gets #2, #3, … (docs/transform.md).
  selected.sort((a, b) => (a.node.start ?? 0) - (b.node.start ?? 0));
  const seen = new Map<string, number>();
  for (const s of selected) {
    const n = (seen.get(s.label) ?? 0) + 1;
    seen.set(s.label, n);
    if (n > 1) s.label = `${s.label}#${n}`;
  }

  const scope = program.scope;
  const instrument = scope.generateUidIdentifier("instrument");
  const esm = isEsm(program, filename, usesImportMeta, options);
  const header: t.Statement[] = [
    esm
      ? types.importDeclaration([types.importSpecifier(instrument, types.identifier("instrument"))], types.stringLiteral(options.runtime))
      : types.variableDeclaration("var", [
          types.variableDeclarator(
            instrument,
            types.memberExpression(
              types.callExpression(types.identifier("require"), [types.stringLiteral(options.runtime)]),
              types.identifier("instrument"),
            ),
          ),
        ]),
  ];
  const instrumented: InstrumentedFunction[] = [];
  const handles: HandleRef[] = selected.map(({ label, node, source }) => {
    // The nearest declaration wins: the function's directive, the module's, the options.
    const objective = declaredObjectives.get(source) ?? declaredObjectives.get(moduleSource) ?? objectiveFor(options, file, label);
    instrumented.push({ function: label, module: moduleLabel, line: node.loc?.start.line ?? 0, objective });
    const register = registration(types, instrument, label, moduleLabel, objective, options.trackConcurrency);
    const id = scope.generateUidIdentifier("am");
    header.push(types.variableDeclaration("var", [types.variableDeclarator(types.cloneNode(id), register())]));
    return { id, register };
  });

  // Each function's generated locals have names of their own, taken when first used
  // (Next's "use cache" transform moves a function's body out and would read a name
  // declared in another function as free).
  const local = (name: string) => {
    let id: t.Identifier | undefined;
    return () => types.cloneNode((id ??= scope.generateUidIdentifier(name)));
  };
  // Inner functions first: rewriting an outer one moves the inner ones.
  for (let i = selected.length - 1; i >= 0; i--) {
    const { node, at, facts } = selected[i]!;
    const locals: Locals = { call: local("c"), result: local("r"), error: local("e") };
    // Its NodePath only where Babel's scope must be told (taking it costs a path per level).
    wrapFunction(types, node, () => program.get(at) as NodePath<t.Function>, handles[i]!, locals, facts);
  }

  const inserted = program.unshiftContainer("body", header);
  // The import (or require) is a binding later plugins must know; the handles'
  // names are taken already (uids), and registering each would cost a path apiece.
  scope.registerDeclaration(inserted[0]!);
  // Count the registrations as uses of the import: preset-typescript removes imports it sees no use of.
  const binding = scope.getBinding(instrument.name);
  if (inserted.length > 1) binding?.reference(inserted[1]!.get("declarations.0.init.callee") as NodePath);
  // What was instrumented, for tools (`autometrics list`): Babel returns it as `metadata.autometrics`.
  (state.file.metadata as { autometrics?: InstrumentedFunction[] }).autometrics = instrumented;
}

/** The Babel plugin: `plugins: [["autometrics", { include: ["src/**"] }]]` (docs/transform.md). */
export default function autometricsPlugin(api: BabelApi, rawOptions: unknown): PluginObj {
  api.assertVersion("^7.0.0 || ^8.0.0");
  const options = parseOptions(rawOptions);
  const types = api.types;
  return {
    name: "autometrics",
    visitor: {
      Program(program, state) {
        instrumentProgram(types, program, state, options);
      },
    },
  };
}

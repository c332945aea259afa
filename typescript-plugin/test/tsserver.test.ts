import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PROJECT = join(__dirname, ".run", "project");
const TSSERVER = require.resolve("typescript/lib/tsserver.js");

function write(path: string, text: string) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

/** A real tsserver, spoken to over its protocol (requests as lines, answers framed by Content-Length). */
class TsServer {
  private readonly child: ChildProcess;
  private buffer = "";
  private seq = 0;
  private readonly waiting = new Map<number, (body: any) => void>();

  constructor(cwd: string) {
    this.child = spawn(process.execPath, [TSSERVER, "--disableAutomaticTypingAcquisition"], { cwd, stdio: ["pipe", "pipe", "inherit"] });
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => {
      this.buffer += chunk;
      for (;;) {
        const header = /Content-Length: (\d+)\r\n\r\n/.exec(this.buffer);
        if (!header) return;
        const start = header.index + header[0].length;
        const length = Number(header[1]);
        if (Buffer.byteLength(this.buffer.slice(start)) < length) return;
        const body = Buffer.from(this.buffer.slice(start)).subarray(0, length).toString();
        this.buffer = Buffer.from(this.buffer.slice(start)).subarray(length).toString();
        const message = JSON.parse(body);
        if (message.type === "response") this.waiting.get(message.request_seq)?.(message);
      }
    });
  }

  request(command: string, args: unknown): Promise<any> {
    const seq = ++this.seq;
    const answer = new Promise((resolve) => this.waiting.set(seq, resolve));
    this.child.stdin!.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    return answer;
  }

  stop(): void {
    this.child.kill();
  }
}

/** The hover documentation of the name `name` on `line` (1-based) of `file`, once it has an autometrics part, or the last one after `ms`. */
async function hover(server: TsServer, file: string, line: number, column: number, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await server.request("quickinfo", { file, line, offset: column });
    const documentation =
      typeof answer.body?.documentation === "string" ? answer.body.documentation : JSON.stringify(answer.body?.documentation ?? "");
    if (documentation.includes("autometrics") || Date.now() > deadline) return documentation;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("autometrics-typescript-plugin in a real tsserver", function () {
  this.timeout(60_000);
  let server: TsServer;
  const file = join(PROJECT, "src", "users.ts");

  before(async () => {
    rmSync(PROJECT, { recursive: true, force: true });
    write(
      join(PROJECT, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          plugins: [{ name: "autometrics-typescript-plugin", prometheusUrl: "http://prometheus.test:9090" }],
        },
        include: ["src"],
      }),
    );
    const objectives = [{ name: "users", successRate: "99", functions: ["findUser"] }];
    write(
      join(PROJECT, ".swcrc"),
      JSON.stringify({ jsc: { experimental: { plugins: [["swc-plugin-autometrics", { include: ["src/users.ts"], objectives }]] } } }),
    );
    write(
      file,
      [
        "/** Finds a user. */",
        "export async function findUser(id: number): Promise<string> {",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source of the file the editor opens
        "  return `user ${id}`;",
        "}",
        "export class Api {",
        "  list(): string[] {",
        "    return [];",
        "  }",
        "}",
        "export function* ids(): Generator<number> {",
        "  yield 1;",
        "}",
        "",
      ].join("\n"),
    );
    write(join(PROJECT, "src", "other.ts"), "export function helper(): number {\n  return 1;\n}\n");
    server = new TsServer(PROJECT);
    await server.request("open", { file });
    await server.request("open", { file: join(PROJECT, "src", "other.ts") });
  });
  after(() => server?.stop());

  it("adds the labels, the objective and the query links to the hover of an instrumented function", async () => {
    const doc = await hover(server, file, 2, 23);
    expect(doc).to.contain("Finds a user.");
    expect(doc).to.contain('`function="findUser"` `module="src/users.ts"`').and.contain("objective `users`, success rate 99%");
    expect(doc).to.contain("[request rate](http://prometheus.test:9090/graph?").and.contain("[error ratio](").and.contain("[callers](");
    expect(doc).to.contain("success-rate burn");
    expect(await hover(server, file, 6, 3)).to.contain('`function="Api.list"`');
  });

  it("adds nothing to functions the plugins leave alone: not selected, or not eligible", async () => {
    expect(await hover(server, join(PROJECT, "src", "other.ts"), 1, 17, 2_000)).not.to.contain("autometrics");
    expect(await hover(server, file, 10, 18, 2_000)).not.to.contain("autometrics");
  });

  it("follows an edit of the file the editor holds", async () => {
    await server.request("change", { file, line: 2, offset: 23, endLine: 2, endOffset: 31, insertString: "lookUp" });
    const doc = await hover(server, file, 2, 23);
    expect(doc).to.contain('`function="lookUp"`').and.not.contain("objective");
  });

  it("shows an objective declared in the function's directive, as the editor types it", async () => {
    // `list() {` is line 6; the directive goes first in its body.
    await server.request("change", {
      file,
      line: 6,
      offset: 21,
      endLine: 6,
      endOffset: 21,
      insertString: '\n    "use autometrics objective=lists latency=0.1@99";',
    });
    const doc = await hover(server, file, 6, 3);
    expect(doc).to.contain('`function="Api.list"`').and.contain("objective `lists`, latency 0.1 s at p99").and.contain("latency burn");
  });
});

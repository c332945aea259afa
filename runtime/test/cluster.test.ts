import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { find, one, parseExposition } from "../../fixtures/harness/exposition";

describe("Node cluster", () => {
  it("serves one set of metrics from the primary: the sum over workers, build_info once", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, "fixtures/cluster-app.js")], {
      encoding: "utf8",
      timeout: 20_000,
    });
    const { samples } = parseExposition(stdout);
    expect(one(samples, "function_calls_total", { function: "handler", result: "ok", caller_function: "" }).value).to.equal(8);
    expect(one(samples, "function_calls_total", { function: "handler", result: "error" }).value).to.equal(2);
    expect(one(samples, "function_calls_total", { function: "repo", result: "ok", caller_function: "handler" }).value).to.equal(8);
    expect(one(samples, "function_calls_duration_seconds_count", { function: "handler" }).value).to.equal(10);
    expect(one(samples, "function_calls_duration_seconds_bucket", { function: "repo", le: "+Inf" }).value).to.equal(8);
    const info = find(samples, "build_info");
    expect(info).to.have.length(1);
    expect(info[0]!.value).to.equal(1);
    expect(info[0]!.labels.service_name).to.equal("clustered");
  });
});

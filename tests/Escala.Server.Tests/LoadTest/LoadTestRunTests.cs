using System.Text.Json;
using Escala.Server.Cli;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.LoadTest;

/// <summary>
/// Short real runs of <c>escala loadtest --target</c> against a real node on loopback: the report's figures agree
/// with each other and with what the fake dependencies saw, and the exit code follows the SLA.
/// </summary>
public sealed class LoadTestRunTests
{
    /// <summary>Closed model: submit-wait through a limited resource, SSE, batches, status polls, workflows, and an external worker pool.</summary>
    private const string Closed = """
        name: closed-run
        workload: { users: 8, rampUp: 1s, duration: 5s, drain: 30s, think: 20ms..60ms }
        dependencies:
          llm: { latency: 40ms..120ms }
          detect: { resource: none, latency: 10ms..30ms, limit: 2 }
        operations:
          - { name: ask, type: submit-wait, dependency: llm, weight: 3 }
          - { name: follow, type: submit-sse, kind: noop, weight: 1 }
          - { name: bulk, type: batch, kind: noop, batchSize: 5, weight: 1 }
          - { name: poll, type: status, weight: 1 }
          - { name: flow, type: workflow, kind: noop, fanOut: 3, weight: 1 }
          - { name: pii, type: submit-wait, kind: pii.detect, queue: ext, users: 2 }
        workers:
          - { name: ext, queue: ext, count: 2, dependency: detect }
        sla:
          errorRate: 0
          operations:
            ask: { p99: 30s }
            pii: { p99: 30s }
        """;

    /// <summary>The scenario's fake dependencies listen on loopback, which the http kind refuses unless allowed.</summary>
    private static readonly Dictionary<string, string?> LoopbackFakes = new() { ["Security:Egress:Allow:0"] = "127.0.0.1" };

    [Fact]
    public async Task Closed_AchievableSla_ExitsZero_AndFiguresAgree()
    {
        await using var node = await TestNode.StartAsync(LoopbackFakes);
        using var output = new TempDirectory();

        var (exit, report) = await RunAsync(Closed, node, output);

        Assert.True(exit == 0, $"exit {exit}: {Failures(report)}");
        Assert.True(report.GetProperty("pass").GetBoolean());
        var ops = report.GetProperty("operations").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(["ask", "bulk", "flow", "follow", "pii", "poll", "worker:ext"], ops.Keys.Order(StringComparer.Ordinal));
        var timeline = report.GetProperty("timeline").EnumerateArray().ToList();
        foreach (var (name, op) in ops)
        {
            var ok = op.GetProperty("ok").GetInt64();
            Assert.True(ok > 0, $"{name} never succeeded");
            Assert.Equal(0, op.GetProperty("errors").GetInt64());
            var perSecond = timeline.Where(t => t.GetProperty("operation").GetString() == name).ToList();
            Assert.Equal(ok, perSecond.Sum(t => t.GetProperty("ok").GetInt64()));
            var latency = op.GetProperty("latency");
            Assert.Equal(ok, latency.GetProperty("count").GetInt64());
            var (p50, p95, p99, max) = (latency.GetProperty("p50Ms").GetDouble(), latency.GetProperty("p95Ms").GetDouble(), latency.GetProperty("p99Ms").GetDouble(), latency.GetProperty("maxMs").GetDouble());
            Assert.True(0 < p50 && p50 <= p95 && p95 <= p99 && p99 <= max, $"{name}: {p50} {p95} {p99} {max}");
            Assert.InRange(op.GetProperty("throughput").GetDouble(), 0.01, ok / (5.0 - 1.0));
        }

        // Every completed `ask` job made exactly one call to the fake llm; every `pii` job was handled by one worker.
        var dependencies = report.GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal(ops["ask"].GetProperty("ok").GetInt64(), dependencies["llm"].GetProperty("calls").GetInt64());
        Assert.Equal(ops["pii"].GetProperty("ok").GetInt64(), ops["worker:ext"].GetProperty("ok").GetInt64());
        Assert.Equal(ops["pii"].GetProperty("ok").GetInt64(), dependencies["detect"].GetProperty("calls").GetInt64());

        // The node's llm limit is 2 (TestNode.Defaults): the fake saw at most that many calls at once, and the SLA says so.
        Assert.Equal(2, dependencies["llm"].GetProperty("limit").GetInt64());
        Assert.InRange(dependencies["llm"].GetProperty("maxInFlight").GetInt64(), 1, 2);
        Assert.InRange(dependencies["detect"].GetProperty("maxInFlight").GetInt64(), 1, 2);
        var sla = report.GetProperty("sla").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.True(sla["llm concurrency"].GetProperty("pass").GetBoolean());
        Assert.True(sla["ask p99"].GetProperty("pass").GetBoolean());
        Assert.Equal(ops.Values.Sum(o => o.GetProperty("ok").GetInt64()), report.GetProperty("total").GetInt64());
        Assert.True(File.Exists(output.File("closed-run.report.html")));
        Assert.Contains("<svg", await File.ReadAllTextAsync(output.File("closed-run.report.html")), StringComparison.Ordinal);
    }

    /// <summary>Open model at a fixed rate; an SLA nothing can meet (1 µs p99, a million per second) fails the run with exit code 1.</summary>
    [Fact]
    public async Task Open_ImpossibleSla_ExitsOne_AndNamesTheFailedChecks()
    {
        const string open = """
            name: open-run
            workload: { rate: 40/s, rampUp: 1s, duration: 4s }
            dependencies:
              llm: { latency: 20ms..40ms }
            operations:
              - { name: ask, type: submit-wait, dependency: llm }
              - { name: ack, type: submit, kind: noop }
            sla:
              throughput: 1000000/s
              operations:
                ask: { p99: 0.001ms }
                ack: { p99: 30s }
            """;
        await using var node = await TestNode.StartAsync(LoopbackFakes);
        using var output = new TempDirectory();

        var (exit, report) = await RunAsync(open, node, output);

        Assert.Equal(1, exit);
        Assert.False(report.GetProperty("pass").GetBoolean());
        var sla = report.GetProperty("sla").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("pass").GetBoolean());
        Assert.False(sla["ask p99"]);
        Assert.False(sla["throughput"]);
        Assert.True(sla["ack p99"]);
        Assert.True(sla["llm concurrency"]);
        Assert.True(sla["arrivals sent"]);

        // 40/s with a 1 s linear ramp: 20 arrivals in the ramp, then 40/s for 3 s: 140 in all, each one recorded.
        var total = report.GetProperty("operations").EnumerateArray().Sum(o => o.GetProperty("ok").GetInt64() + o.GetProperty("errors").GetInt64());
        Assert.InRange(total, 138, 140);
        Assert.Equal(total, report.GetProperty("total").GetInt64());
        Assert.True(report.GetProperty("generator").GetProperty("sendLagP99Ms").GetDouble() >= 0);
    }

    /// <summary>Worker jobs that take 4× the lease: only heartbeats keep the lease, so every completion is accepted.</summary>
    [Fact]
    public async Task Workers_JobsLongerThanTheLease_Heartbeat_AndComplete()
    {
        const string slow = """
            name: slow-workers
            workload: { users: 2, duration: 3s, drain: 30s }
            dependencies:
              ocr: { resource: none, latency: 4s }
            operations:
              - { name: scan, type: submit-wait, kind: ocr.page, queue: ext }
            workers:
              - { name: ext, queue: ext, count: 2, dependency: ocr }
            """;
        await using var node = await TestNode.StartAsync(new Dictionary<string, string?>
        {
            ["Security:Egress:Allow:0"] = "127.0.0.1",
            // Beats five times per lease: a busy machine may delay some; the lease is lost only if none lands for 1 s.
            ["Execution:LeaseDuration"] = "1s",
            ["Execution:HeartbeatInterval"] = "200ms",
        });
        using var output = new TempDirectory();

        var (exit, report) = await RunAsync(slow, node, output);

        Assert.True(exit == 0, $"exit {exit}: {Failures(report)}");
        var ops = report.GetProperty("operations").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.True(ops["scan"].GetProperty("ok").GetInt64() >= 2);
        Assert.Equal(0, ops["worker:ext"].GetProperty("errors").GetInt64());
        Assert.Equal(ops["scan"].GetProperty("ok").GetInt64(), ops["worker:ext"].GetProperty("ok").GetInt64());
    }

    [Fact]
    public async Task StreamsOverTheNodesCap_RefusedWith429_TheReportNamesTheCap()
    {
        const string followers = """
            name: followers
            workload: { users: 6, duration: 2s, drain: 3s }
            dependencies:
              llm: { latency: 1s }
            operations:
              - { name: follow, type: submit-sse, dependency: llm }
            """;
        // The refused users submit again at once, so jobs pile up behind the llm limit: a short drain, since the jobs of the
        // streams that were served are among the first.
        await using var node = await TestNode.StartAsync(new Dictionary<string, string?>(LoopbackFakes) { ["Security:MaxStreamsPerKey"] = "2" });
        using var output = new TempDirectory();

        var (_, report) = await RunAsync(followers, node, output);

        var follow = report.GetProperty("operations").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "follow");
        Assert.True(follow.GetProperty("ok").GetInt64() > 0, "no stream was served");
        Assert.True(follow.GetProperty("errorReasons").GetProperty("events HTTP 429").GetInt64() > 0, Failures(report));
        var hint = report.GetProperty("hints").EnumerateArray().Single(h => h.GetProperty("bottleneck").GetString() == "the node's stream cap");
        Assert.Contains("security.maxStreamsPerKey", hint.GetProperty("change").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadScenario_ExitsTwo_WithoutRunning()
    {
        using var output = new TempDirectory();
        var file = output.File("bad.yaml");
        await File.WriteAllTextAsync(file, "name: bad\nworkload: { users: 2, duration: 1s }\noperations:\n  - { name: a, type: submit, wieght: 1 }\n");

        var exit = await EscalaCli.RunAsync(["loadtest", file, "--quiet", "--out", output.Path]);

        Assert.Equal(2, exit);
        Assert.False(File.Exists(output.File("bad.report.json")));
    }

    [Fact]
    public async Task NonLoopbackTarget_ExitsTwo()
    {
        using var output = new TempDirectory();

        var exit = await EscalaCli.RunAsync(["loadtest", "3-pge-ms", "--target", "http://192.0.2.1:8080", "--quiet", "--out", output.Path]);

        Assert.Equal(2, exit);
    }

    /// <summary>The failed SLA checks and every operation's error reasons, for a failure message.</summary>
    private static string Failures(JsonElement report) =>
        string.Join("; ", report.GetProperty("sla").EnumerateArray().Where(s => !s.GetProperty("pass").GetBoolean())
            .Select(s => $"{s.GetProperty("name")}: {s.GetProperty("measured")}"))
        + " | " + string.Join("; ", report.GetProperty("operations").EnumerateArray()
            .Select(o => $"{o.GetProperty("name")}: {o.GetProperty("errorReasons")}"));

    private static async Task<(int Exit, JsonElement Report)> RunAsync(string scenario, TestNode node, TempDirectory output)
    {
        var file = output.File("scenario.yaml");
        await File.WriteAllTextAsync(file, scenario);
        var exit = await EscalaCli.RunAsync(["loadtest", file, "--target", node.Address.ToString(), "--quiet", "--out", output.Path]);
        var name = scenario.Split('\n')[0]["name: ".Length..].Trim();
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output.File($"{name}.report.json")));
        return (exit, json.RootElement.Clone());
    }
}

using System.CommandLine;

namespace Escala.Server.LoadTest;

/// <summary><c>escala loadtest pge</c>: a user-facing load profile with SLA checks; exit code 1 when an SLA fails.</summary>
internal static class LoadTestCommand
{
    public static Command Create()
    {
        var users = new Option<int>("--users") { Description = "Simulated users.", DefaultValueFactory = _ => 50 };
        var duration = new Option<string>("--duration") { Description = "How long users keep submitting.", DefaultValueFactory = _ => "30s" };
        var store = new Option<string?>("--store") { Description = "PostgreSQL connection string, or a SQLite directory. Defaults to a fresh temporary SQLite directory." };
        var noopP99 = new Option<string>("--noop-p99") { Description = "SLA: p99 of resource-free jobs, submit to result.", DefaultValueFactory = _ => "500ms" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var pge = new Command("pge", "Reference doc 3: llm=10, tjms=5, ocr=3, training=1 and 50 users; checks limits, completion and noop latency.")
        {
            users, duration, store, noopP99, json,
        };
        pge.SetAction(async (parse, ct) =>
        {
            if (!Durations.TryParse(parse.GetValue(duration), out var length) || length <= TimeSpan.Zero
                || !Durations.TryParse(parse.GetValue(noopP99), out var p99) || parse.GetValue(users) < 1)
            {
                await Console.Error.WriteLineAsync("--users must be at least 1; --duration and --noop-p99 must be durations such as 30s or 500ms.");
                return 2;
            }

            var report = await PgeScenario.RunAsync(new PgeOptions
            {
                Users = parse.GetValue(users),
                Duration = length,
                Store = parse.GetValue(store),
                NoopP99 = p99,
            }, ct);
            Console.WriteLine(parse.GetValue(json) ? report.ToJson() : report.ToTable());
            return report.Pass ? 0 : 1;
        });
        return new Command("loadtest", "Run a load-test scenario with SLA checks.") { pge };
    }
}

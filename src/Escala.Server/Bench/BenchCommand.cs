using System.CommandLine;
using System.Globalization;

namespace Escala.Server.Bench;

/// <summary><c>escala bench</c>: raw queue throughput and latency of a node started in-process.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var store = new Option<string?>("--store") { Description = "PostgreSQL connection string, or a SQLite directory. Defaults to a fresh temporary SQLite directory." };
        var jobs = new Option<int>("--jobs") { Description = "No-op jobs to submit.", DefaultValueFactory = _ => 100_000 };
        var producers = new Option<int>("--producers") { Description = "Concurrent producers (clients submitting one job at a time unless --batch).", DefaultValueFactory = _ => 64 };
        var batch = new Option<int>("--batch") { Description = "Jobs per submit call (1 = single submits, grouped by the store).", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Worker slots of the bench queue.", DefaultValueFactory = _ => 200 };
        var trickle = new Option<int?>("--trickle") { Description = "Instead: submit this many jobs per second, one at a time, and measure start latency." };
        var duration = new Option<string>("--duration") { Description = "How long the trickle runs.", DefaultValueFactory = _ => "10s" };
        var resources = new Option<string?>("--resource") { Description = "Jobs need a resource with this concurrency limit, e.g. llm=10 (governance overhead)." };
        var mixed = new Option<int>("--mixed") { Description = "With --resource: percent of jobs that need the resource; the rest need none.", DefaultValueFactory = _ => 100 };
        var sleep = new Option<int>("--sleep-ms") { Description = "Jobs sleep this long instead of returning at once (shows slot use under a limit).", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--warmup") { Description = "In-process runs: no-op jobs run first and not counted, so the figures are steady state (0 = none).", DefaultValueFactory = _ => 10_000 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var url = new Option<string?>("--url") { Description = "Instead of an in-process node, drive a running node at this URL over HTTP (batch submits of --batch jobs)." };
        var queue = new Option<string>("--queue") { Description = "With --url: the queue to use.", DefaultValueFactory = _ => "default" };
        var command = new Command("bench", "Measure submit rate, end-to-end jobs/s, lease latency and peak RSS on an in-process node.")
        {
            store, jobs, producers, batch, concurrency, trickle, duration, resources, mixed, sleep, warmup, json, url, queue,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new BenchOptions
            {
                Store = parse.GetValue(store),
                Jobs = parse.GetValue(jobs),
                Producers = parse.GetValue(producers),
                Batch = parse.GetValue(batch),
                Concurrency = parse.GetValue(concurrency),
                Trickle = parse.GetValue(trickle),
                Duration = Durations.Parse(parse.GetValue(duration)!),
                Resource = parse.GetValue(resources),
                MixedPercent = parse.GetValue(mixed),
                SleepMs = parse.GetValue(sleep),
                Warmup = parse.GetValue(warmup),
                Url = parse.GetValue(url),
                Queue = parse.GetValue(queue)!,
            };
            var error = options.Validate();
            if (error is not null)
            {
                await Console.Error.WriteLineAsync(error);
                return 2;
            }

            var result = options.Url is null ? await BenchRunner.RunAsync(options, ct) : await RemoteBench.RunAsync(options, ct);
            Console.WriteLine(parse.GetValue(json) ? result.ToJson() : result.ToTable());
            return 0;
        });
        return command;
    }
}

/// <summary>What one bench run does.</summary>
internal sealed record BenchOptions
{
    public string? Store { get; init; }
    public int Jobs { get; init; }
    public int Producers { get; init; }
    public int Batch { get; init; }
    public int Concurrency { get; init; }
    public int? Trickle { get; init; }
    public TimeSpan Duration { get; init; }
    public string? Resource { get; init; }
    public int MixedPercent { get; init; }
    public int SleepMs { get; init; }
    public int Warmup { get; init; }
    public string? Url { get; init; }
    public string Queue { get; init; } = "default";

    public (string Name, int Limit)? ParsedResource
    {
        get
        {
            if (Resource is null)
            {
                return null;
            }

            var parts = Resource.Split('=', 2);
            return parts.Length == 2 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var limit) && limit > 0
                ? (parts[0], limit)
                : null;
        }
    }

    public string? Validate() =>
        Jobs < 1 ? "--jobs must be at least 1."
        : Producers < 1 ? "--producers must be at least 1."
        : Batch < 1 ? "--batch must be at least 1."
        : Concurrency < 1 ? "--concurrency must be at least 1."
        : Trickle is < 1 ? "--trickle must be at least 1 job/s."
        : Resource is not null && ParsedResource is null ? "--resource must look like name=limit, e.g. llm=10."
        : MixedPercent is < 0 or > 100 ? "--mixed must be 0..100."
        : Warmup < 0 ? "--warmup must be 0 or more."
        : Url is not null && !Uri.TryCreate(Url, UriKind.Absolute, out _) ? "--url must be an absolute URL such as http://127.0.0.1:8080."
        : Url is not null && (Trickle is not null || Resource is not null) ? "--url measures throughput only: drop --trickle and --resource."
        : null;
}

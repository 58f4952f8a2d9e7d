using Escala.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Escala.Governance.Tests;

/// <summary>
/// Fair share, measured on a real node against the fake dependency: while one tenant's key has a backlog of 10,000 jobs
/// on a resource, another key's or tenant's job waits about one service time of that resource, not for the backlog.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FairShareTests(PostgresServer postgres, ITestOutputHelper output)
{
    /// <summary>The fake dependency's latency: one service time of the resource.</summary>
    private static readonly TimeSpan ServiceTime = TimeSpan.FromMilliseconds(250);

    private const int Backlog = 10_000;
    /// <summary>A hundred, so the p99 is a percentile and not the single longest wait (CI once saw one turn of 1.4 s).</summary>
    private const int Samples = 100;

    private static Dictionary<string, string?> Settings() => NodeSettings.Of(
        ("Resources:llm:Concurrency", "4"),
        ("Queues:default:Concurrency", "8"));

    [Fact]
    public async Task Lease_SqliteBacklogOfTenThousand_OtherKeyAndTenantWaitAboutOneServiceTime()
    {
        await using var node = await EscalaNode.StartAsync(NodeSettings.SqliteDirectory(), Settings());
        await AssertOthersWaitAboutOneServiceTimeAsync(node);
    }

    /// <remarks>
    /// Made a measurement on 2026-12-02 after stalls of 0.7–2 s inside the whole suite; they were the test process's thread
    /// pool (see <see cref="ThreadPoolFloor"/>), and both stores are pass/fail again.
    /// </remarks>
    [Fact]
    public async Task Lease_PostgresBacklogOfTenThousand_OtherKeyAndTenantWaitAboutOneServiceTime()
    {
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await using var node = await EscalaNode.StartAsync(database, Settings());
            await AssertOthersWaitAboutOneServiceTimeAsync(node);
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }

    /// <summary>What a turn costs beyond the service time: the completion's commit and the next lease.</summary>
    private static readonly TimeSpan LeaseAllowance = TimeSpan.FromMilliseconds(100);

    private async Task AssertOthersWaitAboutOneServiceTimeAsync(EscalaNode node)
    {
        await using var fake = await FakeDependency.StartAsync();
        var client = node.App.Services.GetRequiredService<JobClient>();
        var url = fake.Url("llm", $"latency={(int)ServiceTime.TotalMilliseconds}ms&cap=4");
        JobRequest Call(string? key) => new() { Kind = "http", Args = $$"""{"url": "{{url}}"}""", Resources = ["llm"], ConcurrencyKey = key };

        foreach (var chunk in Enumerable.Range(0, Backlog).Chunk(1000))
        {
            await client.SubmitManyAsync("tenant-a", chunk.Select(_ => Call("user:a")).ToArray(), "jobs", CancellationToken.None);
        }

        await Eventually.UntilAsync(async () => (await fake.StatsAsync("llm")).InFlight == 4, TimeSpan.FromSeconds(30), "the backlog holds every llm slot");

        // One job at a time from someone else: another key of the same tenant, then another tenant with no key, in turn.
        var waits = new List<TimeSpan>(Samples);
        var order = new List<string>(Samples);
        for (var i = 0; i < Samples; i++)
        {
            var (tenant, key) = i % 2 == 0 ? ("tenant-a", "user:b") : ("tenant-b", (string?)null);
            var id = (await client.SubmitAsync(tenant, Call(key), CancellationToken.None)).Job.Id;
            Jobs.Job? job = null;
            await Eventually.UntilAsync(async () => (job = await client.GetAsync(tenant, id, CancellationToken.None))?.AttemptedAt is not null,
                TimeSpan.FromSeconds(30), $"job {i} of {tenant} {key} started");
            waits.Add(job!.AttemptedAt!.Value - job.CreatedAt);
            order.Add($"{(job.AttemptedAt.Value - job.CreatedAt).TotalMilliseconds:F0}");
        }

        waits.Sort();
        var p50 = waits[Samples / 2];
        var p99 = waits[(int)Math.Ceiling(0.99 * Samples) - 1];
        output.WriteLine($"wait behind a backlog of {Backlog}: p50 {p50.TotalMilliseconds:F0} ms, p99 {p99.TotalMilliseconds:F0} ms, longest {waits[^1].TotalMilliseconds:F0} ms of {Samples}; service time {ServiceTime.TotalMilliseconds} ms; in order: {string.Join(" ", order)}");
        var stats = await fake.StatsAsync("llm");
        // The backlog's four calls start and end together: a job submitted just after they turned waits one whole service
        // time for the next turn, plus that turn's commit and lease.
        Assert.True(p99 <= 2 * ServiceTime + LeaseAllowance,
            $"p99 wait {p99.TotalMilliseconds:F0} ms is over twice the service time ({ServiceTime.TotalMilliseconds} ms) plus {LeaseAllowance.TotalMilliseconds} ms");
        Assert.Equal(0, stats.Violations);
        Assert.True(stats.Total < Backlog / 2, $"the backlog was mostly done ({stats.Total} calls): nothing was measured behind it");
    }
}

using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary>
/// A schedule ticking every second on three nodes: the leader killed with SIGKILL between two ticks, and still every
/// tick enqueued exactly once, none missing, none doubled (the ticks missed during the fail-over are caught up within
/// the misfire grace).
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ScheduleFailoverTests(PostgresCluster postgres, ITestOutputHelper output)
{
    private const string Prefix = "schedule:tick:";

    [Fact]
    public async Task KillLeaderBetweenTicks_EveryTickEnqueuedExactlyOnce()
    {
        var store = await postgres.CreateDatabaseAsync();
        var settings = NodeSettings.Fast(("Schedules:tick:Every", "1s"), ("Schedules:tick:Kind", "noop"));
        await using var a = NodeProcess.Start("sched-a", store, settings);
        await using var b = NodeProcess.Start("sched-b", store, settings);
        await using var c = NodeProcess.Start("sched-c", store, settings);
        NodeProcess[] nodes = [a, b, c];
        await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromSeconds(40))));

        string? leaderId = null;
        Assert.True(await EscalaHttp.EventuallyAsync(async () =>
        {
            leaderId = (await EscalaHttp.NodesAsync(a.BaseAddress)).SingleOrDefault(n => n.Leader)?.Id;
            return leaderId is not null && (await TicksAsync(store)).Count >= 2;
        }, TimeSpan.FromSeconds(15)), "No leader ticked the schedule twice.");
        var leader = nodes.Single(n => n.Name == leaderId);
        var survivors = nodes.Where(n => n != leader).ToArray();

        // Between two ticks: half a second past a whole second.
        var now = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMilliseconds((1500 - now.Millisecond) % 1000));
        leader.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        output.WriteLine($"killed leader {leader.Name} at {killedAt:O}");

        Assert.True(await EscalaHttp.EventuallyAsync(async () =>
            (await EscalaHttp.NodesAsync(survivors[0].BaseAddress)).Any(n => n.Leader && n.Id != leader.Name), TimeSpan.FromSeconds(12)),
            $"No survivor took over.\n{survivors[0].Tail()}");
        output.WriteLine($"new leader after {clock.Elapsed.TotalSeconds:F1} s");
        // Ticks three seconds past the take-over: the fail-over's missed ticks are behind us.
        var until = DateTimeOffset.UtcNow.AddSeconds(3);
        Assert.True(await EscalaHttp.EventuallyAsync(async () => (await TicksAsync(store)).Any(t => t.Tick >= until), TimeSpan.FromSeconds(15)),
            "The new leader did not tick.");

        var ticks = await TicksAsync(store);
        var byInstant = ticks.GroupBy(t => t.Tick).ToDictionary(g => g.Key, g => g.Count());
        var first = byInstant.Keys.Min();
        var last = byInstant.Keys.Max();
        var expected = Enumerable.Range(0, (int)(last - first).TotalSeconds + 1).Select(i => first.AddSeconds(i)).ToList();
        output.WriteLine($"{ticks.Count} jobs for ticks {first:O} .. {last:O}");
        Assert.True(first < killedAt && last > killedAt.AddSeconds(3), "The ticks should span the kill.");
        Assert.Equal(expected, byInstant.Keys.Order().ToList());
        Assert.All(byInstant, t => Assert.Equal(1, t.Value));
        Assert.Equal(expected.Count, ticks.Count);
    }

    /// <summary>The schedule's jobs as stored, with the tick each one's key names.</summary>
    private static async Task<List<(long Id, DateTimeOffset Tick)>> TicksAsync(string store)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, idempotency_key FROM escala.jobs WHERE idempotency_key LIKE 'schedule:tick:%'", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var ticks = new List<(long, DateTimeOffset)>();
        while (await reader.ReadAsync())
        {
            var tick = DateTimeOffset.Parse(reader.GetString(1)[Prefix.Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            ticks.Add((reader.GetInt64(0), tick));
        }

        return ticks;
    }
}

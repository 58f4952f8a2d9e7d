using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary>
/// Three worker nodes as separate processes on one PostgreSQL, a producer submitting over HTTP, a node
/// SIGKILLed and restarted every few seconds, and PostgreSQL restarted once in the middle: every
/// acknowledged job must end completed.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ChaosTests(PostgresCluster postgres, ITestOutputHelper output)
{
    private const int JobCount = 20_000;
    private const int BatchSize = 250;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan KillEvery = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Chaos_KillNodesAndRestartDatabase_EveryAcknowledgedJobCompletes()
    {
        var clock = Stopwatch.StartNew();
        var store = await postgres.CreateDatabaseAsync();
        var settings = NodeSettings.Fast(
            ("Queues:default:Concurrency", "20"),
            ("Queues:default:MaxAttempts", "25"));
        var nodes = Enumerable.Range(1, 3).Select(i => NodeProcess.Start($"chaos-{i}", store, settings)).ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            var acknowledged = new ConcurrentDictionary<long, byte>();
            var failedBatches = 0;
            var producer = Task.Run(async () =>
            {
                var batches = Enumerable.Range(0, JobCount / BatchSize).ToArray();
                await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (b, ct) =>
                {
                    var jobs = Enumerable.Range(b * BatchSize, BatchSize)
                        .Select(i => EscalaHttp.SleepJob($"chaos-{i}", 1 + (i % 5)))
                        .ToArray();
                    while (clock.Elapsed < Budget)
                    {
                        var node = nodes[Random.Shared.Next(nodes.Length)];
                        var ids = node.IsRunning ? await EscalaHttp.TrySubmitBatchAsync(node.BaseAddress, jobs) : null;
                        if (ids is not null)
                        {
                            foreach (var id in ids)
                            {
                                acknowledged.TryAdd(id, 0);
                            }

                            return;
                        }

                        Interlocked.Increment(ref failedBatches);
                        await Task.Delay(200, ct);
                    }
                });
            });

            var kills = 0;
            var databaseRestarted = false;
            var restarting = new ConcurrentDictionary<NodeProcess, Task>();
            while (!(producer.IsCompleted && databaseRestarted && kills >= 5) && clock.Elapsed < Budget - TimeSpan.FromMinutes(1))
            {
                await Task.Delay(KillEvery);
                if (!databaseRestarted && (acknowledged.Count >= JobCount / 3 || kills >= 2))
                {
                    output.WriteLine($"{clock.Elapsed:mm\\:ss} restarting PostgreSQL (acknowledged so far {acknowledged.Count})");
                    await postgres.StopAsync();
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    await postgres.StartAsync();
                    databaseRestarted = true;
                    output.WriteLine($"{clock.Elapsed:mm\\:ss} PostgreSQL back");
                }

                // Kill one of the running nodes, but leave at least one up to take submits.
                var running = nodes.Where(n => n.IsRunning && !restarting.ContainsKey(n)).ToArray();
                if (running.Length < 2)
                {
                    continue;
                }

                var victim = running[Random.Shared.Next(running.Length)];
                victim.Kill();
                kills++;
                output.WriteLine($"{clock.Elapsed:mm\\:ss} kill -9 {victim.Name} (acknowledged so far {acknowledged.Count})");
                restarting[victim] = Task.Run(async () =>
                {
                    await RestartUntilReadyAsync(victim, clock);
                    restarting.TryRemove(victim, out _);
                });
            }

            await Task.WhenAll(restarting.Values);
            await producer;
            output.WriteLine($"{clock.Elapsed:mm\\:ss} producer done: {acknowledged.Count} acknowledged, {failedBatches} batch attempts failed and were retried");

            var table = new JobsTable(store);
            var ids = acknowledged.Keys.ToArray();
            JobCounts? counts = null;
            await EscalaHttp.EventuallyAsync(async () =>
            {
                counts = await table.TryCountAsync(ids) ?? counts;
                return counts is { } c && c.Completed == ids.Length;
            }, Budget - clock.Elapsed, TimeSpan.FromSeconds(1));

            output.WriteLine($"{clock.Elapsed:mm\\:ss} kills: {kills}, database restarts: 1, acknowledged: {ids.Length}, " +
                $"completed: {counts?.Completed}, dead: {counts?.Dead}, lost: {counts?.Lost}, " +
                $"re-executions: {counts?.ReExecutions} over {counts?.JobsRunMoreThanOnce} jobs");
            Assert.True(databaseRestarted);
            Assert.Equal(JobCount, ids.Length);
            Assert.NotNull(counts);
            Assert.Equal(0, counts.Lost);
            Assert.Equal(0, counts.Dead);
            Assert.True(counts.Completed == ids.Length, $"{ids.Length - counts.Completed} acknowledged jobs not completed.\n" +
                string.Join('\n', nodes.Select(n => n.Tail(20))));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Starts a killed node again; a start that fails (say, while PostgreSQL is down) is tried again.</summary>
    private static async Task RestartUntilReadyAsync(NodeProcess node, Stopwatch clock)
    {
        while (true)
        {
            node.Restart();
            try
            {
                await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
                return;
            }
            catch (InvalidOperationException) when (clock.Elapsed < Budget)
            {
                // It exited before it was ready (exit code 3: store unavailable at start-up).
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}

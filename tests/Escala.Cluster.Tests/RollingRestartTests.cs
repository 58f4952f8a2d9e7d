using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary>SIGTERM each node in turn under load: nodes exit cleanly and nothing fails or goes missing.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RollingRestartTests(PostgresCluster postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task RollingRestart_SigtermEachNodeUnderLoad_NoJobFailsOrIsLost()
    {
        var store = await postgres.CreateDatabaseAsync();
        var settings = NodeSettings.Fast(("Queues:default:Concurrency", "10"), ("Execution:ShutdownGrace", "2s"));
        var nodes = Enumerable.Range(1, 3).Select(i => NodeProcess.Start($"rolling-{i}", store, settings)).ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            var acknowledged = new ConcurrentDictionary<long, byte>();
            using var stopLoad = new CancellationTokenSource();
            var next = 0;
            var load = Task.Run(async () =>
            {
                while (!stopLoad.IsCancellationRequested)
                {
                    var first = Interlocked.Add(ref next, 20) - 20;
                    // Some jobs outlast the 2 s grace, so they are handed back, not just drained.
                    var jobs = Enumerable.Range(first, 20).Select(i => EscalaHttp.SleepJob($"rolling-{i}", i % 40 == 0 ? 3000 : 20 + (i % 7) * 30)).ToArray();
                    long[]? ids = null;
                    while (ids is null)
                    {
                        var ready = nodes.Where(n => n.IsRunning).ToArray();
                        var node = ready[Random.Shared.Next(ready.Length)];
                        ids = await EscalaHttp.TrySubmitBatchAsync(node.BaseAddress, jobs);
                        if (ids is null)
                        {
                            await Task.Delay(50);
                        }
                    }

                    foreach (var id in ids)
                    {
                        acknowledged.TryAdd(id, 0);
                    }

                    await Task.Delay(100);
                }
            });

            foreach (var node in nodes)
            {
                // Let load build up on the cluster (in flight on this node too) before it is stopped.
                var before = acknowledged.Count;
                await EscalaHttp.EventuallyAsync(() => Task.FromResult(acknowledged.Count >= before + 100), TimeSpan.FromSeconds(30));
                var exitCode = await node.TerminateAsync(TimeSpan.FromSeconds(60));
                output.WriteLine($"{node.Name}: exit code {exitCode} after SIGTERM ({acknowledged.Count} acknowledged)");
                Assert.True(exitCode == 0, $"{node.Name} exited with {exitCode}.\n{node.Tail()}");
                node.Restart();
                await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
            }

            await stopLoad.CancelAsync();
            await load;

            var table = new JobsTable(store);
            var ids = acknowledged.Keys.ToArray();
            JobCounts? counts = null;
            await EscalaHttp.EventuallyAsync(async () =>
            {
                counts = await table.CountAsync(ids);
                return counts.Completed + counts.Dead == ids.Length;
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));

            output.WriteLine($"acknowledged {ids.Length}, completed {counts?.Completed}, dead {counts?.Dead}, lost {counts?.Lost}, " +
                $"re-executions {counts?.ReExecutions}");
            Assert.NotNull(counts);
            Assert.Equal(0, counts.Lost);
            Assert.Equal(0, counts.Dead);
            Assert.Equal(ids.Length, counts.Completed);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}

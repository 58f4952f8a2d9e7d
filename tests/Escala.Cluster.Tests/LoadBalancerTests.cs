using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary>
/// The shipped <c>deploy/haproxy.cfg</c> and <c>deploy/nginx.conf</c>, with only their ports changed,
/// in front of three nodes on loopback: submits through the balancer keep succeeding while one node
/// is stopped with SIGTERM.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class LoadBalancerTests(PostgresCluster postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Haproxy_NodeStopped_HealthCheckTakesItOutAndSubmitsKeepSucceeding()
    {
        if (await BalancerProcess.EnsureInstalledAsync() is { } why)
        {
            output.WriteLine("SKIPPED: " + why);
            return;
        }

        var dir = Directory.CreateTempSubdirectory("escala-haproxy-").FullName;
        var (nodes, store) = await StartNodesAsync("haproxy");
        try
        {
            var front = Ports.Free();
            var stats = Ports.Free();
            var config = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "haproxy.cfg"));
            config = config.Replace("bind :8080", $"bind 127.0.0.1:{front}", StringComparison.Ordinal)
                .Replace("bind 127.0.0.1:8404", $"bind 127.0.0.1:{stats}", StringComparison.Ordinal);
            config = ReplaceUpstreamPorts(config, nodes);
            if (Environment.UserName != "root")
            {
                // Only root may switch to the haproxy user; an unprivileged test run stays itself.
                config = UserLines().Replace(config, string.Empty);
            }

            var path = Path.Combine(dir, "haproxy.cfg");
            File.WriteAllText(path, config);
            await using var haproxy = BalancerProcess.Start(BalancerProcess.Find("haproxy")!, dir, "-db", "-f", path);
            var frontUri = new Uri($"http://127.0.0.1:{front}");
            await WaitThroughAsync(frontUri, haproxy);

            var ids = await SubmitThroughAsync(frontUri, "haproxy-before", 30);
            var stopping = nodes[0].TerminateAsync(TimeSpan.FromSeconds(60));
            var statsUri = new Uri($"http://127.0.0.1:{stats}/stats;csv");
            var submitting = SubmitUntilAsync(frontUri, "haproxy-during", () => ServerDownAsync(statsUri, "escala1"));
            Assert.Equal(0, await stopping);
            var (during, downSeen) = await submitting;
            Assert.True(downSeen, $"HAProxy never marked escala1 DOWN.\n{haproxy.Log()}");
            ids.AddRange(during);
            ids.AddRange(await SubmitThroughAsync(frontUri, "haproxy-after", 30));
            output.WriteLine($"haproxy: {ids.Count} submits through the balancer, all 2xx; escala1 marked DOWN by its /health/ready check");
            await AssertCompletedAsync(store, ids);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Nginx_NodeStopped_PassiveFailoverAndSubmitsKeepSucceeding()
    {
        if (await BalancerProcess.EnsureInstalledAsync() is { } why)
        {
            output.WriteLine("SKIPPED: " + why);
            return;
        }

        var dir = Directory.CreateTempSubdirectory("escala-nginx-").FullName;
        // nginx's workers run as nobody when started as root: they must reach the prefix.
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var (nodes, store) = await StartNodesAsync("nginx");
        try
        {
            var front = Ports.Free();
            var config = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx.conf"));
            config = config.Replace("listen 8080;", $"listen 127.0.0.1:{front};", StringComparison.Ordinal);
            config = ReplaceUpstreamPorts(config, nodes);
            var path = Path.Combine(dir, "nginx.conf");
            File.WriteAllText(path, config);
            await using var nginx = BalancerProcess.Start(BalancerProcess.Find("nginx")!, dir, "-c", path, "-p", dir + "/", "-g", "daemon off;");
            var frontUri = new Uri($"http://127.0.0.1:{front}");
            await WaitThroughAsync(frontUri, nginx);

            var ids = await SubmitThroughAsync(frontUri, "nginx-before", 30);
            Assert.Equal(0, await nodes[0].TerminateAsync(TimeSpan.FromSeconds(60)));
            // With the node gone, every submit still succeeds: nginx moves on to the next node on a connection error.
            ids.AddRange(await SubmitThroughAsync(frontUri, "nginx-after", 60));
            output.WriteLine($"nginx: {ids.Count} submits through the balancer, all 2xx, one node stopped");
            await AssertCompletedAsync(store, ids);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private async Task<(NodeProcess[] Nodes, string Store)> StartNodesAsync(string prefix)
    {
        var store = await postgres.CreateDatabaseAsync();
        var nodes = Enumerable.Range(1, 3).Select(i => NodeProcess.Start($"{prefix}-{i}", store,
            // Keep serving (ready = 503) for longer than HAProxy's inter 2s × fall 2 before the listener closes.
            NodeSettings.Fast(("Execution:DrainDelay", "5s")))).ToArray();
        await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        return (nodes, store);
    }

    /// <summary>Points the example upstreams (127.0.0.1:8081–8083) at the test's nodes.</summary>
    private static string ReplaceUpstreamPorts(string config, NodeProcess[] nodes)
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            var example = $"127.0.0.1:{8081 + i}";
            Assert.Contains(example, config, StringComparison.Ordinal);
            config = config.Replace(example, $"127.0.0.1:{nodes[i].Port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
        }

        return config;
    }

    private static async Task WaitThroughAsync(Uri front, BalancerProcess balancer)
    {
        var ready = await EscalaHttp.EventuallyAsync(async () =>
        {
            using var response = await EscalaHttp.Client.GetAsync(new Uri(front, "/health/ready"));
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30));
        Assert.True(ready, $"The balancer did not answer.\n{balancer.Log()}");
    }

    private static async Task<List<long>> SubmitThroughAsync(Uri front, string prefix, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await EscalaHttp.SubmitOkAsync(front, EscalaHttp.SleepJob($"{prefix}-{i}", 5)));
        }

        return ids;
    }

    /// <summary>Submits one job after another until <paramref name="done"/> holds (at most 30 s); every submit must succeed.</summary>
    private static async Task<(List<long> Ids, bool Done)> SubmitUntilAsync(Uri front, string prefix, Func<Task<bool>> done)
    {
        var ids = new List<long>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var i = 0; DateTime.UtcNow < deadline; i++)
        {
            ids.Add(await EscalaHttp.SubmitOkAsync(front, EscalaHttp.SleepJob($"{prefix}-{i}", 5)));
            if (i % 10 == 0 && await done())
            {
                return (ids, true);
            }
        }

        return (ids, false);
    }

    private static async Task<bool> ServerDownAsync(Uri statsCsv, string server)
    {
        var csv = await EscalaHttp.Client.GetStringAsync(statsCsv);
        return csv.Split('\n').Any(line => line.StartsWith($"escala,{server},", StringComparison.Ordinal)
            && line.Contains(",DOWN", StringComparison.Ordinal));
    }

    private async Task AssertCompletedAsync(string store, List<long> ids)
    {
        var table = new JobsTable(store);
        JobCounts? counts = null;
        await EscalaHttp.EventuallyAsync(async () =>
        {
            counts = await table.CountAsync(ids);
            return counts.Completed == ids.Count;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        output.WriteLine($"completed {counts?.Completed}/{ids.Count}");
        Assert.Equal(ids.Count, counts?.Completed);
    }

    [GeneratedRegex(@"^\s*(user|group)\s+haproxy\s*$", RegexOptions.Multiline)]
    private static partial Regex UserLines();
}

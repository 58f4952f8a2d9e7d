using System.Diagnostics;
using Escala.Server.Tests.Support;
using Xunit.Abstractions;

namespace Escala.Server.Tests.Hosting;

/// <summary>SIGTERM stops leasing, gives running jobs the grace period, then hands them back: nothing waits for a lease to expire.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ShutdownTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Sigterm_WithJobsRunning_ExitsZeroAndTheJobsAreHandedBackAndCompleteAfterRestart()
    {
        var config = _dir.File("escala.json");
        // A lease far longer than the test: a job that was not handed back could not run again in time.
        await File.WriteAllTextAsync(config, """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Queues": { "slow": { "Concurrency": 4 } },
              "Execution": { "LeaseDuration": "5m", "ShutdownGrace": "500ms" },
              "Maintenance": { "RescueInterval": "500ms", "PromoteInterval": "100ms" }
            }
            """);
        var data = Path.Combine(_dir.Path, "data");
        var ids = new List<long>();

        using (var first = await ServerProcess.StartAsync(data, config))
        {
            for (var i = 0; i < 3; i++)
            {
                ids.Add(await first.Api.SubmitIdAsync(new { kind = "sleep", queue = "slow", args = new { ms = 2000 } }));
            }

            foreach (var id in ids)
            {
                await first.Api.WaitForStateAsync(id, "running");
            }

            var watch = Stopwatch.StartNew();
            first.Child.Terminate();
            var exited = await first.Child.WaitForExitAsync(TimeSpan.FromSeconds(10));

            Assert.True(exited, $"escala serve still ran 10 s after SIGTERM:\n{first.Child.Output}");
            output.WriteLine($"exited {first.Child.Process.ExitCode} {watch.Elapsed.TotalSeconds:F1} s after SIGTERM");
            Assert.True(first.Child.Process.ExitCode == 0, $"exit code {first.Child.Process.ExitCode}:\n{first.Child.Output}");
        }

        using var second = await ServerProcess.StartAsync(data, config);
        foreach (var id in ids)
        {
            var job = await second.Api.WaitForStateAsync(id, "completed", TimeSpan.FromSeconds(20));
            Assert.Equal(1, job.GetProperty("attempt").GetInt32());
            Assert.Equal(0, job.GetProperty("errors").GetArrayLength());
        }
    }

    [Fact]
    public async Task Sigterm_WhileDraining_EveryResponseClosesItsConnectionSoBalancersDoNotReuseIt()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Execution": { "DrainDelay": "5s" }
            }
            """);
        using var server = await ServerProcess.StartAsync(Path.Combine(_dir.Path, "data"), config);
        using (var before = await server.Http.GetAsync("/health/live"))
        {
            Assert.NotEqual(true, before.Headers.ConnectionClose);
        }

        server.Child.Terminate();
        // The drain has begun once /health/ready says 503 (each answer comes on a new connection: the last one closed).
        HttpResponseMessage? ready = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            ready?.Dispose();
            ready = await server.Http.GetAsync("/health/ready");
            if (ready.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                break;
            }
        }

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready!.StatusCode);
        Assert.True(ready.Headers.ConnectionClose, "the draining node's /health/ready kept its connection open");
        ready.Dispose();
        using (var during = await server.Http.GetAsync("/v1/queues"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, during.StatusCode);
            Assert.True(during.Headers.ConnectionClose, "a request served while draining kept its connection open");
        }

        Assert.True(await server.Child.WaitForExitAsync(TimeSpan.FromSeconds(20)), server.Child.Output);
        Assert.Equal(0, server.Child.Process.ExitCode);
    }

    public void Dispose() => _dir.Dispose();
}

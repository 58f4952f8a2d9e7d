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

    public void Dispose() => _dir.Dispose();
}

using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Cli;

/// <summary><c>escala schedules add|list|pause|resume|rm</c> as real processes against a node.</summary>
[Collection(ProcessCollection.Name)]
public sealed class SchedulesCommandsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task AddListPauseResumeRm_ChangeTheNodesSchedules()
    {
        var add = await RunAsync("schedules", "add", "nightly", "noop", "--cron", "0 3 * * *", "--tz", "America/Sao_Paulo", "--args", "{\"days\": 30}");
        Assert.Contains("\"nextRuns\"", add, StringComparison.Ordinal);
        var stored = await _node.Api.GetAsync("/v1/schedules/nightly");
        Assert.Equal("America/Sao_Paulo", stored.GetProperty("timeZone").GetString());
        Assert.Equal(30, stored.GetProperty("job").GetProperty("args").GetProperty("days").GetInt32());

        var list = await RunAsync("schedules", "list", "--next", "2");
        Assert.Contains("nightly", list, StringComparison.Ordinal);
        Assert.Contains("06:00:00", list, StringComparison.Ordinal); // 03:00 in São Paulo, in UTC

        await RunAsync("schedules", "pause", "nightly");
        Assert.True((await _node.Api.GetAsync("/v1/schedules/nightly")).GetProperty("paused").GetBoolean());
        await RunAsync("schedules", "resume", "nightly");
        Assert.False((await _node.Api.GetAsync("/v1/schedules/nightly")).GetProperty("paused").GetBoolean());
        await RunAsync("schedules", "rm", "nightly");
        Assert.Equal(0, (await _node.Api.GetAsync("/v1/schedules")).GetProperty("schedules").GetArrayLength());
    }

    [Fact]
    public async Task Add_BadCron_ExitsWith1AndPrintsTheProblemNamingCron()
    {
        using var call = ServerProcess.Run(_dir.Path, "schedules", "add", "bad", "noop", "--cron", "61 * * * *", "--url", _node.Address.ToString());

        Assert.True(await call.WaitForExitAsync(TimeSpan.FromSeconds(60)), call.Output);
        Assert.Equal(1, call.Process.ExitCode);
        Assert.Contains("\"cron\"", call.Errors, StringComparison.Ordinal);
    }

    private async Task<string> RunAsync(params string[] args)
    {
        using var call = ServerProcess.Run(_dir.Path, [.. args, "--url", _node.Address.ToString().TrimEnd('/')]);
        Assert.True(await call.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"escala {string.Join(' ', args)} did not exit:\n{call.Output}");
        Assert.True(call.Process.ExitCode == 0, $"escala {string.Join(' ', args)} exited {call.Process.ExitCode}:\n{call.Output}");
        return call.Output;
    }
}

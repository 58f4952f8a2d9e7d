using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Cli;

/// <summary><c>escala workflows submit|get|cancel</c> as a real process against a running node.</summary>
public sealed class WorkflowCommandsTests : NodeTest, IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task SubmitGetCancel_AgainstARunningNode()
    {
        var file = _dir.File("pipeline.json");
        await File.WriteAllTextAsync(file, """
            {"name": "cli", "steps": [
              {"name": "detect", "kind": "ext.detect", "queue": "ext"},
              {"name": "store", "kind": "ext.store", "queue": "ext", "dependsOn": ["detect"]}]}
            """);

        var submitted = await RunAsync("workflows", "submit", file);
        var id = submitted.GetProperty("id").GetInt64();
        Assert.Equal("running", submitted.GetProperty("state").GetString());

        var shown = await RunAsync("workflows", "get", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["available", "waiting"], shown.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("state").GetString()));

        var cancelled = await RunAsync("workflows", "cancel", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Submit_Cycle_PrintsTheProblemAndExits1()
    {
        var file = _dir.File("cycle.json");
        await File.WriteAllTextAsync(file, """{"steps": [{"name": "a", "kind": "echo", "dependsOn": ["a"]}]}""");

        using var call = ServerProcess.Run(_dir.Path, "workflows", "submit", file, "--url", Node.Address.ToString());

        Assert.True(await call.WaitForExitAsync(TimeSpan.FromSeconds(60)), call.Output);
        Assert.Equal(1, call.Process.ExitCode);
        Assert.Contains("steps[0].dependsOn[0]", call.Errors);
    }

    private async Task<JsonElement> RunAsync(params string[] args)
    {
        using var call = ServerProcess.Run(_dir.Path, [.. args, "--url", Node.Address.ToString()]);
        Assert.True(await call.WaitForExitAsync(TimeSpan.FromSeconds(60)), call.Output);
        Assert.True(call.Process.ExitCode == 0, call.Output);
        var output = string.Join('\n', call.Output.Split('\n').Where(l => !l.StartsWith("err: ", StringComparison.Ordinal)));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    public void Dispose() => _dir.Dispose();
}

using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Bench;

/// <summary><c>escala bench</c> as a user runs it: its result alone on standard output, the node's logs on standard error.</summary>
[Collection(ProcessCollection.Name)]
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Json_StandardOutputIsOneJsonDocument_LogsGoToStandardError()
    {
        using var bench = ServerProcess.Run(_dir.Path, "bench", "--jobs", "300", "--warmup", "0", "--producers", "4", "--json");

        Assert.True(await bench.WaitForExitAsync(TimeSpan.FromMinutes(2)), bench.Output);
        Assert.True(bench.Process.ExitCode == 0, bench.Output);
        var stdout = string.Join('\n', bench.Output.Split('\n').Where(line => !line.StartsWith("err: ", StringComparison.Ordinal)));
        using var result = JsonDocument.Parse(stdout);
        Assert.Equal(300, result.RootElement.GetProperty("jobs").GetInt32());
        // The in-process node warns that it serves without keys (loopback open mode): a log line, so on standard error.
        Assert.Contains("OPEN MODE", bench.Errors, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}

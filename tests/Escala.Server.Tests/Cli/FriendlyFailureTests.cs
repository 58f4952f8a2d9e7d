using System.Net;
using System.Net.Sockets;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Cli;

/// <summary>
/// Common mistakes end in one line naming the cause and the fix, exit code 2 and no stack trace — through real
/// <c>escala</c> processes: a port in use, a data directory that cannot be written, a client call to no server.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FriendlyFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Serve_PortInUse_ExitsWith2AndSaysWhichPortAndHowToFix()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _dir.File("data"));

        var line = await OneLineFailureAsync(serve);
        Assert.Contains($"http://127.0.0.1:{port}", line);
        Assert.Contains("already in use", line);
        Assert.Contains("--urls", line);
        Assert.False(Directory.Exists(_dir.File("data")), "nothing is created when the port is taken");
    }

    [Fact]
    public async Task Serve_DataDirectoryUnderAFile_ExitsWith2AndNamesThePath()
    {
        var file = _dir.File("not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        var data = Path.Combine(file, "data");

        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", data);

        var line = await OneLineFailureAsync(serve);
        Assert.Contains(data, line);
        Assert.Contains("--data", line);
    }

    [Fact]
    public async Task Serve_ReadOnlyDataDirectory_ExitsWith2AndNamesThePath()
    {
        // /proc is read-only for every user, root included: a directory that exists and cannot be written.
        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", "/proc/escala-data");

        var line = await OneLineFailureAsync(serve);
        Assert.Contains("/proc/escala-data", line);
        Assert.Contains("Fix:", line);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("submit", "noop")]
    public async Task ClientCommand_NoServer_ExitsWith2AndSaysToStartIt(params string[] command)
    {
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";

        using var call = ServerProcess.Run(_dir.Path, [.. command, "--url", url]);

        var line = await OneLineFailureAsync(call);
        Assert.Contains(url, line);
        Assert.Contains("escala serve", line);
        Assert.Contains("connection refused", line);
    }

    private static async Task<string> OneLineFailureAsync(ChildProcess process)
    {
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"escala did not exit:\n{process.Output}");
        Assert.Equal(2, process.Process.ExitCode);
        var errors = process.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(errors);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", process.Output, StringComparison.Ordinal);
        return line;
    }

    public void Dispose() => _dir.Dispose();
}

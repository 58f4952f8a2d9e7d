using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Cli;

/// <summary><c>escala serve</c> as a real process: bad configuration stops start-up with exit code 2 and names the key.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("""{ "Queues": { "reports": { "Concurrency": 0 } } }""", "Queues:reports:Concurrency")]
    [InlineData("""{ "Queues": { "reports": { "Timeout": "abc" } } }""", "Queues:reports:Timeout")]
    [InlineData("""{ "Queues": { "reports": { "Concurrency": "many" } } }""", "Queues:reports:Concurrency")]
    [InlineData("""{ "Role": "boss" }""", "Role")]
    public async Task Serve_BadConfigFile_ExitsWithCode2AndNamesTheKey(string json, string key)
    {
        var config = _dir.File("bad.json");
        await File.WriteAllTextAsync(config, json);
        var port = ServerProcess.FreePort();

        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _dir.File("data"), "--config", config);
        var exited = await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exited, $"escala serve did not stop on a bad configuration:\n{serve.Output}");
        Assert.Equal(2, serve.Process.ExitCode);
        Assert.Contains(key, serve.Errors);
        Assert.False(Directory.Exists(_dir.File("data")), "a bad configuration must not create the store");
    }

    [Fact]
    public async Task Serve_MissingConfigFile_ExitsWithCode2AndNamesTheFlag()
    {
        using var serve = ServerProcess.Run(_dir.Path, "serve", "--data", _dir.File("data"), "--config", _dir.File("nope.json"));
        var exited = await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exited, serve.Output);
        Assert.Equal(2, serve.Process.ExitCode);
        Assert.Contains("--config", serve.Errors);
    }

    public void Dispose() => _dir.Dispose();
}

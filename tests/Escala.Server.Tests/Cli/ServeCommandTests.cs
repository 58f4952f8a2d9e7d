using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Cli;

/// <summary>
/// <c>escala serve</c> as a real process: bad configuration (a bad value or an unknown key) stops start-up with
/// exit code 2 and names the key; relative paths are the caller's; the log says which file was used.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("""{ "Queues": { "reports": { "Concurrency": 0 } } }""", "queues:reports:concurrency: 0 is outside 1..10000.")]
    [InlineData("""{ "queues": { "reports": { "timeout": "abc" } } }""", "queues:reports:timeout: 'abc' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("""{ "queues": { "reports": { "concurrency": "many" } } }""", "queues:reports:concurrency: 'many' is not a whole number.")]
    [InlineData("""{ "role": "boss" }""", "role: 'boss' is not one of all, api, worker.")]
    public async Task Serve_BadConfigFile_ExitsWithCode2AndNamesTheKey(string json, string message)
    {
        var config = _dir.File("bad.json");
        await File.WriteAllTextAsync(config, json);

        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", Loopback(), "--data", _dir.File("data"), "--config", config);

        await AssertStopsWithCode2Async(serve, message);
    }

    [Fact]
    public async Task Serve_UnknownKeyInConfigFile_ExitsWithCode2NamingTheFileAndTheNearestKey()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, """{ "queues": { "llm": { "concurency": 4 } } }""");

        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", Loopback(), "--data", _dir.File("data"), "--config", config);

        await AssertStopsWithCode2Async(serve, $"queues:llm:concurency: unknown key in {config}; did you mean 'concurrency'?");
    }

    [Fact]
    public async Task Serve_UnknownEscalaVariable_ExitsWithCode2NamingTheVariable()
    {
        var environment = new Dictionary<string, string?> { ["ESCALA_Queues__llm__Concurency"] = "4" };

        using var serve = ServerProcess.Run(_dir.Path, environment, "serve", "--urls", Loopback(), "--data", _dir.File("data"));

        await AssertStopsWithCode2Async(serve, "queues:llm:Concurency: unknown key from ESCALA_Queues__llm__Concurency; did you mean 'concurrency'?");
    }

    [Fact]
    public async Task Serve_MissingConfigFile_ExitsWithCode2AndNamesTheFlag()
    {
        using var serve = ServerProcess.Run(_dir.Path, "serve", "--data", _dir.File("data"), "--config", "nope.json");

        await AssertStopsWithCode2Async(serve, $"--config: the file '{_dir.File("nope.json")}' does not exist.");
    }

    [Fact]
    public async Task Serve_RelativeConfigAndData_ResolveAgainstTheCallersWorkingDirectory()
    {
        // The process starts in a directory of its own, far from escala.dll: relative paths are the caller's.
        var caller = Directory.CreateDirectory(_dir.File("caller")).FullName;
        Directory.CreateDirectory(Path.Combine(caller, "conf"));
        var config = Path.Combine(caller, "conf", "node.json");
        await File.WriteAllTextAsync(config, """{ "queues": { "relative": { "concurrency": 2 } } }""");

        using var server = await ServerProcess.StartInAsync(caller, "--config", "conf/node.json", "--data", "state");
        using var queues = await server.Http.GetAsync("/v1/queues");

        Assert.Contains("\"relative\"", await queues.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(caller, "state", "escala.db")), "the store belongs in the caller's ./state");
        Assert.Contains($"Configuration file {config} loaded", server.Child.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnderDotnetRun_RelativeConfigIsTheCallers()
    {
        // `dotnet run --project` starts the program in the project's folder unless told otherwise (RunWorkingDirectory).
        var caller = Directory.CreateDirectory(_dir.File("caller")).FullName;
        Directory.CreateDirectory(Path.Combine(caller, "conf"));
        await File.WriteAllTextAsync(Path.Combine(caller, "conf", "node.json"), """{ "limits": { "maxBach": 10 } }""");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        var start = new System.Diagnostics.ProcessStartInfo(ServerProcess.DotnetHost) { WorkingDirectory = caller };
        foreach (var arg in new[] { "run", "--project", Path.Combine(RepositoryPaths.Root, "src", "Escala.Server"), "-c", configuration, "--no-build",
                     "--", "serve", "--urls", Loopback(), "--config", "conf/node.json", "--data", "data" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var serve = new ChildProcess(start);

        await AssertStopsWithCode2Async(serve,
            $"limits:maxBach: unknown key in {Path.Combine(caller, "conf", "node.json")}; did you mean 'maxBatch'?", TimeSpan.FromSeconds(120));
        Assert.False(Directory.Exists(Path.Combine(caller, "data")), "a bad configuration must not create the store");
    }

    [Fact]
    public async Task Serve_NoConfigFile_LogsWhereItLooked()
    {
        var caller = Directory.CreateDirectory(_dir.File("empty")).FullName;

        using var server = await ServerProcess.StartInAsync(caller, "--data", "state");

        Assert.Contains($"No configuration file: {Path.Combine(caller, "escala.json")} not found", server.Child.Output, StringComparison.Ordinal);
    }

    private static string Loopback() => $"http://127.0.0.1:{ServerProcess.FreePort()}";

    private async Task AssertStopsWithCode2Async(ChildProcess serve, string message, TimeSpan? within = null)
    {
        var exited = await serve.WaitForExitAsync(within ?? TimeSpan.FromSeconds(30));

        Assert.True(exited, $"escala serve did not stop on a bad configuration:\n{serve.Output}");
        Assert.Equal(2, serve.Process.ExitCode);
        Assert.Contains(message, serve.Errors.Split('\n').Select(l => l.Trim()));
        Assert.False(Directory.Exists(_dir.File("data")), "a bad configuration must not create the store");
    }

    public void Dispose() => _dir.Dispose();
}

using System.Net;
using System.Net.Http.Headers;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Security;

/// <summary><c>escala serve</c> and <c>escala keys</c> as real processes: no listening beyond loopback without keys; open mode said out loud.</summary>
[Collection(ProcessCollection.Name)]
public sealed class SecureByDefaultTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Serve_BeyondLoopbackWithoutKeys_Exits2SayingHowToCreateOne()
    {
        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://0.0.0.0:{ServerProcess.FreePort()}", "--data", _dir.File("data"));

        Assert.True(await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)), serve.Output);
        Assert.Equal(2, serve.Process.ExitCode);
        Assert.Contains("escala keys create", serve.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WorkerRoleBeyondLoopbackWithoutKeys_StartsAndServesNoApi()
    {
        var port = ServerProcess.FreePort();
        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://0.0.0.0:{port}", "--data", _dir.File("data"), "--role", "worker");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await WaitReadyAsync(serve, http, "the worker node to be ready");

        await Problem.AssertAsync(await http.GetAsync("/metrics"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Serve_OpenModeBeyondLoopback_Exits2NamingTheKey()
    {
        var config = _dir.File("open.json");
        await File.WriteAllTextAsync(config, """{ "security": { "open": true } }""");

        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://0.0.0.0:{ServerProcess.FreePort()}", "--data", _dir.File("data"), "--config", config);

        Assert.True(await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)), serve.Output);
        Assert.Equal(2, serve.Process.ExitCode);
        Assert.Contains("security:open", serve.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_LoopbackWithoutKeys_AnnouncesOpenMode()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, "{}");
        using var server = await ServerProcess.StartAsync(_dir.File("data"), config);

        using var jobs = await server.Http.GetAsync("/v1/jobs");

        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
        Assert.Contains("OPEN MODE", server.Child.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCli_CreateThenServeBeyondLoopback_KeyWorksAnonymousIs401AndRevokeStopsIt()
    {
        var data = _dir.File("data");
        using var create = ServerProcess.Run(_dir.Path, "keys", "create", "--data", data, "--tenant", "acme", "--scopes", "read", "--name", "ci");
        Assert.True(await create.WaitForExitAsync(TimeSpan.FromSeconds(30)), create.Output);
        Assert.Equal(0, create.Process.ExitCode);
        var key = create.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_", StringComparison.Ordinal));

        var port = ServerProcess.FreePort();
        using var serve = ServerProcess.Run(_dir.Path, "serve", "--urls", $"http://0.0.0.0:{port}", "--data", data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitReadyAsync(serve, http, "the node to be ready");

        using (var anonymous = await http.GetAsync("/v1/jobs"))
        {
            await Problem.AssertAsync(anonymous, HttpStatusCode.Unauthorized);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var keyed = await http.GetAsync("/v1/jobs"))
        {
            await EscalaApi.ExpectAsync(keyed, HttpStatusCode.OK);
        }

        var id = key.Split('_')[1];
        using var revoke = ServerProcess.Run(_dir.Path, "keys", "revoke", id, "--data", data);
        Assert.True(await revoke.WaitForExitAsync(TimeSpan.FromSeconds(30)), revoke.Output);
        Assert.Equal(0, revoke.Process.ExitCode);
        await Eventually.UntilAsync(async () => (await http.GetAsync("/v1/jobs")).StatusCode,
            s => s == HttpStatusCode.Unauthorized, "the revoked key to be refused", TimeSpan.FromSeconds(5));

        using var list = ServerProcess.Run(_dir.Path, "keys", "list", "--data", data);
        Assert.True(await list.WaitForExitAsync(TimeSpan.FromSeconds(30)), list.Output);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.Contains("revoked", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Waits until the node's readiness answers 200; fails at once if the process exited.</summary>
    private static Task<HttpStatusCode> WaitReadyAsync(ChildProcess serve, HttpClient http, string what) =>
        Eventually.UntilAsync(async () =>
        {
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                return ready.StatusCode;
            }
            catch (HttpRequestException)
            {
                Assert.False(serve.Process.HasExited, serve.Output);
                return HttpStatusCode.ServiceUnavailable;
            }
        }, s => s == HttpStatusCode.OK, what, TimeSpan.FromSeconds(30));
}

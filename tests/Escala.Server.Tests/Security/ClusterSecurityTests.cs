using System.Net;
using System.Net.Http.Headers;
using Escala.Security;
using Escala.Server.Security;
using Escala.Server.Tests.Support;
using Escala.Storage;
using Escala.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Server.Tests.Security;

/// <summary>Two nodes on one PostgreSQL database: rate limits hold across them, a revocation on one reaches the other within a second.</summary>
public sealed class ClusterSecurityTests(PostgresServer server) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<TestNode> _nodes = [];
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Security:Open"] = "false",
            ["Security:RateLimits:PerKey"] = "4/min",
        };
        _nodes.Add(await TestNode.StartAsync(settings, dataDirectory: _database));
        _nodes.Add(await TestNode.StartAsync(settings, dataDirectory: _database));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await server.DropDatabaseAsync(_database);
    }

    private async Task<string> KeyAsync(string scopes)
    {
        var (key, text) = KeyRequest.NewKey(KeyRequest.Validate("k", "t", scopes.Split(','), null, null), DateTimeOffset.UtcNow);
        await _nodes[0].App.Services.GetRequiredService<IKeyStore>().CreateKeyAsync(key, CancellationToken.None);
        return text;
    }

    private HttpClient Client(int node, string key)
    {
        var client = new HttpClient { BaseAddress = _nodes[node].Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task PerKeyLimit_HoldsAcrossTwoNodes()
    {
        var key = await KeyAsync("read");
        using var one = Client(0, key);
        using var two = Client(1, key);
        for (var i = 0; i < 4; i++)
        {
            using var ok = await (i % 2 == 0 ? one : two).GetAsync("/v1/queues");
            await EscalaApi.ExpectAsync(ok, HttpStatusCode.OK);
        }

        using var limitedOnOne = await one.GetAsync("/v1/queues");
        using var limitedOnTwo = await two.GetAsync("/v1/queues");

        await Problem.AssertAsync(limitedOnOne, HttpStatusCode.TooManyRequests);
        await Problem.AssertAsync(limitedOnTwo, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limitedOnTwo.Headers.RetryAfter);
    }

    [Fact]
    public async Task RevokedOnOneNode_RefusedByTheOtherWithinOneSecond()
    {
        var admin = await KeyAsync("admin");
        var victim = await KeyAsync("read");
        using var onTwo = Client(1, victim);
        await EscalaApi.ExpectAsync(await onTwo.GetAsync("/v1/nodes"), HttpStatusCode.OK); // node two has it cached now

        using var adminOnOne = Client(0, admin);
        Assert.True(ApiKeySecrets.TryParse(victim, out var id, out _));
        await EscalaApi.ExpectAsync(await adminOnOne.DeleteAsync($"/v1/keys/{id}"), HttpStatusCode.OK);
        var revokedAt = DateTimeOffset.UtcNow;

        await Eventually.UntilAsync(async () => (await onTwo.GetAsync("/v1/nodes")).StatusCode, s => s == HttpStatusCode.Unauthorized,
            "node two to refuse the revoked key", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        Assert.True(DateTimeOffset.UtcNow - revokedAt < TimeSpan.FromSeconds(1.5), "node two kept accepting a revoked key for more than a second");
    }
}

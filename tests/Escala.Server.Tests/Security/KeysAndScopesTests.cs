using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Security;

/// <summary>API keys authenticate, scopes authorize by DESIGN.md's convention, revocation is effective within a second.</summary>
public sealed class KeysAndScopesTests : SecureNodeTest
{
    private static readonly object Job = new { kind = "noop" };

    [Fact]
    public async Task NoKey_ApiIs401Problem_HealthStaysOpen()
    {
        using var anonymous = Client(null);

        using var jobs = await anonymous.GetAsync("/v1/jobs");
        using var live = await anonymous.GetAsync("/health/live");

        await Problem.AssertFieldAsync(jobs, HttpStatusCode.Unauthorized, "Authorization");
        Assert.Contains("Bearer", jobs.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Theory]
    [InlineData("esk_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("esk_short")]
    [InlineData("not-a-key")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJhIiwic2NvcGUiOiJhZG1pbiJ9.")]
    public async Task ForgedKey_Is401(string forged)
    {
        using var client = Client(forged);

        using var response = await client.GetAsync("/v1/jobs");

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RightIdWrongSecret_Is401()
    {
        var real = await KeyAsync("a", "read");
        var forged = real[..^4] + (real.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var client = Client(forged);

        using var response = await client.GetAsync("/v1/jobs");

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("read", "POST", "/v1/jobs", HttpStatusCode.Forbidden)]
    [InlineData("submit", "GET", "/v1/jobs", HttpStatusCode.Forbidden)]
    [InlineData("worker", "GET", "/v1/queues", HttpStatusCode.Forbidden)]
    [InlineData("submit,read", "POST", "/v1/workers/lease", HttpStatusCode.Forbidden)]
    [InlineData("submit,read", "POST", "/v1/queues/default/pause", HttpStatusCode.Forbidden)]
    [InlineData("submit,read", "POST", "/V1/QUEUES/default/PAUSE/", HttpStatusCode.Forbidden)]
    [InlineData("submit,read", "GET", "/v1/keys", HttpStatusCode.Forbidden)]
    [InlineData("worker", "GET", "/metrics", HttpStatusCode.Forbidden)]
    [InlineData("read", "GET", "/metrics", HttpStatusCode.OK)]
    [InlineData("submit", "POST", "/v1/jobs", HttpStatusCode.Created)]
    [InlineData("read", "GET", "/v1/jobs", HttpStatusCode.OK)]
    [InlineData("submit", "GET", "/v1/resources", HttpStatusCode.Forbidden)]
    [InlineData("read", "GET", "/v1/resources", HttpStatusCode.OK)]
    [InlineData("admin", "POST", "/v1/queues/default/pause", HttpStatusCode.OK)]
    public async Task Scope_DecidesAccess(string scopes, string method, string path, HttpStatusCode expected)
    {
        using var client = Client(await KeyAsync("a", scopes));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(path.EndsWith("/jobs", StringComparison.Ordinal) ? Job : new { queues = new[] { "ext" } });
        }

        using var response = await client.SendAsync(request);

        if (expected == HttpStatusCode.Forbidden)
        {
            await Problem.AssertFieldAsync(response, expected, "scope");
        }
        else
        {
            await EscalaApi.ExpectAsync(response, expected);
        }
    }

    [Fact]
    public async Task RevokedInTheStore_RefusedWithinOneSecond()
    {
        var key = await KeyAsync("a", "read");
        using var client = Client(key);
        using (var ok = await client.GetAsync("/v1/jobs"))
        {
            await EscalaApi.ExpectAsync(ok, HttpStatusCode.OK); // cached now
        }

        // Revoked behind this node's back, as another node or the CLI would.
        Assert.True(await Keys.RevokeKeyAsync(IdOf(key), null, DateTimeOffset.UtcNow, CancellationToken.None));
        var revokedAt = DateTimeOffset.UtcNow;
        HttpStatusCode status;
        do
        {
            using var response = await client.GetAsync("/v1/jobs");
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTimeOffset.UtcNow - revokedAt < TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(DateTimeOffset.UtcNow - revokedAt < TimeSpan.FromSeconds(1.5), "the revoked key kept working for more than a second");
    }

    [Fact]
    public async Task KeysApi_CreateListRevoke_AuditedWithoutSecrets()
    {
        using var admin = Client(await KeyAsync("a", "admin"));

        using var created = await admin.PostAsJsonAsync("/v1/keys", new { name = "ci", scopes = new[] { "submit", "read" } });
        await EscalaApi.ExpectAsync(created, HttpStatusCode.Created);
        var body = await EscalaApi.ReadAsync(created);
        var text = body.GetProperty("key").GetString()!;
        Assert.Equal("a", body.GetProperty("tenant").GetString());

        using (var fresh = Client(text))
        using (var submit = await fresh.PostAsJsonAsync("/v1/jobs", Job))
        {
            await EscalaApi.ExpectAsync(submit, HttpStatusCode.Created);
        }

        var listed = await (await admin.GetAsync("/v1/keys")).Content.ReadAsStringAsync();
        Assert.Contains(IdOf(text), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(text, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);

        using (var revoke = await admin.DeleteAsync($"/v1/keys/{IdOf(text)}"))
        {
            await EscalaApi.ExpectAsync(revoke, HttpStatusCode.OK);
        }

        using (var after = Client(text))
        using (var refused = await after.GetAsync("/v1/jobs"))
        {
            await Problem.AssertAsync(refused, HttpStatusCode.Unauthorized);
        }

        var audit = await Keys.ListAuditAsync(10, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == "key.create" && e.Target == "key:" + IdOf(text) && e.Tenant == "a");
        Assert.Contains(audit, e => e.Action == "key.revoke" && e.Target == "key:" + IdOf(text));
        Assert.DoesNotContain(audit, e => (e.Detail ?? "").Contains(text[^20..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysApi_AdminOfOneTenant_CannotMintKeysForAnother()
    {
        using var admin = Client(await KeyAsync("a", "admin"));
        var before = (await Keys.ListKeysAsync("b", CancellationToken.None)).Count;

        using var response = await admin.PostAsJsonAsync("/v1/keys", new { name = "x", tenant = "b", scopes = new[] { "admin" } });

        await Problem.AssertFieldAsync(response, HttpStatusCode.Forbidden, "tenant");
        Assert.Equal(before, (await Keys.ListKeysAsync("b", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task QueuePause_ByAdmin_IsAudited()
    {
        using var admin = Client(await KeyAsync("a", "admin"));

        using var response = await admin.PostAsync("/v1/queues/fast/pause", EscalaApi.EmptyJson());

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var audit = await Keys.ListAuditAsync(10, CancellationToken.None);
        Assert.Contains(audit, e => e.Action.StartsWith("POST", StringComparison.Ordinal) && e.Target == "/v1/queues/fast/pause" && e.Actor.StartsWith("key:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyLimitedToQueues_CannotSubmitElsewhere_NothingWritten()
    {
        using var limited = Client(await KeyAsync("a", "submit,read", ["fast"]));

        using var other = await limited.PostAsJsonAsync("/v1/jobs", new { kind = "noop", queue = "one" });
        using var defaulted = await limited.PostAsJsonAsync("/v1/jobs", new { kind = "noop" });
        using var allowed = await limited.PostAsJsonAsync("/v1/jobs", new { kind = "noop", queue = "fast" });

        await Problem.AssertFieldAsync(other, HttpStatusCode.Forbidden, "queue");
        await Problem.AssertFieldAsync(defaulted, HttpStatusCode.Forbidden, "queue");
        await EscalaApi.ExpectAsync(allowed, HttpStatusCode.Created);
        var page = await EscalaApi.ReadAsync(await limited.GetAsync("/v1/jobs"));
        Assert.Equal(1, page.GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Worker_MayLeaseOnlyExternalQueues()
    {
        using var worker = Client(await KeyAsync("a", "worker"));

        using var internalQueue = await worker.PostAsJsonAsync("/v1/workers/lease", new { queues = new[] { "fast" } });
        using var handledKind = await worker.PostAsJsonAsync("/v1/workers/lease", new { queues = new[] { "fast" }, kinds = new[] { "noop" } });
        using var external = await worker.PostAsJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" } });

        await Problem.AssertFieldAsync(internalQueue, HttpStatusCode.Forbidden, "queues[0]");
        await Problem.AssertFieldAsync(handledKind, HttpStatusCode.Forbidden, "queues[0]");
        await EscalaApi.ExpectAsync(external, HttpStatusCode.OK);
    }
}

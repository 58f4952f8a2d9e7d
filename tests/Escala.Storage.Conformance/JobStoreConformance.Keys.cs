using Escala.Security;
using Xunit;

namespace Escala.Storage.Conformance;

// IKeyStore: API keys (hashed), the audit log and rate-limit windows.
public abstract partial class JobStoreConformance
{
    /// <summary>The same store through its key seam; every driver implements it.</summary>
    protected IKeyStore Keys => Assert.IsAssignableFrom<IKeyStore>(Store);

    private static ApiKey NewKey(string tenant = "t1", string[]? scopes = null, string[]? queues = null, int createdAfterMs = 0)
    {
        var (id, _, hash) = ApiKeySecrets.Create();
        return new ApiKey
        {
            Id = id,
            Name = "key-" + id[..4],
            Tenant = tenant,
            Scopes = scopes ?? [Scopes.Read, Scopes.Submit],
            Queues = queues,
            SecretHash = hash,
            CreatedAt = T0.AddMilliseconds(createdAfterMs),
        };
    }

    [Fact]
    public async Task Keys_Created_ReadBackWithEveryField()
    {
        var key = NewKey(scopes: [Scopes.Worker], queues: ["ocr", "pii"]);
        await Keys.CreateKeyAsync(key, Ct);

        var found = await Keys.FindKeyAsync(key.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(key.Name, found.Name);
        Assert.Equal("t1", found.Tenant);
        Assert.Equal([Scopes.Worker], found.Scopes);
        Assert.Equal(["ocr", "pii"], found.Queues!);
        Assert.Equal(key.SecretHash, found.SecretHash);
        Assert.Equal(T0, found.CreatedAt);
        Assert.Null(found.RevokedAt);
        Assert.Null(await Keys.FindKeyAsync("nosuchkey234", Ct));
    }

    [Fact]
    public async Task Keys_WithoutQueues_ReadBackAsEveryQueue()
    {
        var key = NewKey();
        await Keys.CreateKeyAsync(key, Ct);

        Assert.Null((await Keys.FindKeyAsync(key.Id, Ct))!.Queues);
    }

    [Fact]
    public async Task Keys_Revoked_StayFindableWithTheirRevocationAndStopCounting()
    {
        var a = NewKey();
        var b = NewKey();
        await Keys.CreateKeyAsync(a, Ct);
        await Keys.CreateKeyAsync(b, Ct);
        Assert.Equal(2, await Keys.CountActiveKeysAsync(Ct));

        Assert.True(await Keys.RevokeKeyAsync(a.Id, null, T0.AddSeconds(1), Ct));
        Assert.False(await Keys.RevokeKeyAsync(a.Id, null, T0.AddSeconds(2), Ct));

        Assert.Equal(T0.AddSeconds(1), (await Keys.FindKeyAsync(a.Id, Ct))!.RevokedAt);
        Assert.Equal(1, await Keys.CountActiveKeysAsync(Ct));
    }

    [Fact]
    public async Task Keys_RevokeInAnotherTenant_ChangesNothing()
    {
        var key = NewKey(tenant: "t1");
        await Keys.CreateKeyAsync(key, Ct);

        Assert.False(await Keys.RevokeKeyAsync(key.Id, "t2", T0, Ct));

        Assert.Null((await Keys.FindKeyAsync(key.Id, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Keys_List_ByTenantNewestFirst()
    {
        var old = NewKey(tenant: "t1");
        var newer = NewKey(tenant: "t1", createdAfterMs: 5);
        var other = NewKey(tenant: "t2", createdAfterMs: 9);
        await Keys.CreateKeyAsync(old, Ct);
        await Keys.CreateKeyAsync(newer, Ct);
        await Keys.CreateKeyAsync(other, Ct);

        Assert.Equal([newer.Id, old.Id], (await Keys.ListKeysAsync("t1", Ct)).Select(k => k.Id));
        Assert.Equal([other.Id, newer.Id, old.Id], (await Keys.ListKeysAsync(null, Ct)).Select(k => k.Id));
    }

    [Fact]
    public async Task Audit_Appended_ListedNewestFirst()
    {
        await Keys.AppendAuditAsync(new AuditEntry(T0, "cli", "t1", "key.create", "key:abc", null), Ct);
        await Keys.AppendAuditAsync(new AuditEntry(T0.AddSeconds(1), "key:abc", "t1", "queue.pause", "queue:ocr", "paused"), Ct);

        var entries = await Keys.ListAuditAsync(10, Ct);

        Assert.Equal(["queue.pause", "key.create"], entries.Select(e => e.Action));
        Assert.Equal(new AuditEntry(T0.AddSeconds(1), "key:abc", "t1", "queue.pause", "queue:ocr", "paused"), entries[0]);
        Assert.Single(await Keys.ListAuditAsync(1, Ct));
    }

    [Fact]
    public async Task RateWindow_CountsHitsPerCounterAndWindow()
    {
        var window = T0;
        Assert.Equal(1, await Keys.HitAsync("key:a", window, T0.AddMinutes(-1), Ct));
        Assert.Equal(2, await Keys.HitAsync("key:a", window, T0.AddMinutes(-1), Ct));
        Assert.Equal(1, await Keys.HitAsync("key:b", window, T0.AddMinutes(-1), Ct));
        Assert.Equal(1, await Keys.HitAsync("key:a", window.AddSeconds(1), T0.AddMinutes(-1), Ct));
    }

    [Fact]
    public async Task RateWindow_ConcurrentHits_AreAllCounted()
    {
        var hits = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Keys.HitAsync("global", T0, T0.AddMinutes(-1), Ct)));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), hits.Order());
    }
}

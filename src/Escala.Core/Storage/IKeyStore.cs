using Escala.Security;

namespace Escala.Storage;

/// <summary>
/// API keys, the audit log and the API's rate-limit windows. Every driver implements it next to
/// <see cref="IJobStore"/> and passes the conformance suite's key tests.
/// </summary>
public interface IKeyStore
{
    Task CreateKeyAsync(ApiKey key, CancellationToken ct);

    /// <summary>The key with that id, revoked or not; null when there is none.</summary>
    Task<ApiKey?> FindKeyAsync(string id, CancellationToken ct);

    /// <summary>Keys newest first, of one tenant or of all when <paramref name="tenant"/> is null.</summary>
    Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? tenant, CancellationToken ct);

    /// <summary>Revokes the key; false when there is no such key (in that tenant, unless null) or it was already revoked.</summary>
    Task<bool> RevokeKeyAsync(string id, string? tenant, DateTimeOffset now, CancellationToken ct);

    /// <summary>How many keys are not revoked.</summary>
    Task<int> CountActiveKeysAsync(CancellationToken ct);

    Task AppendAuditAsync(AuditEntry entry, CancellationToken ct);

    /// <summary>The latest audit entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit, CancellationToken ct);

    /// <summary>
    /// Adds one hit to the fixed window <paramref name="window"/> (its start) of <paramref name="counter"/> and returns
    /// the window's count after it, across every node sharing the store. Windows older than
    /// <paramref name="forgetBefore"/> may be deleted.
    /// </summary>
    Task<long> HitAsync(string counter, DateTimeOffset window, DateTimeOffset forgetBefore, CancellationToken ct);
}

namespace Escala.Security;

/// <summary>
/// An API key as the store keeps it: its public id, the SHA-256 of its secret (never the secret), the tenant
/// it acts for, its scopes and, optionally, the queues it may submit to and lease from.
/// </summary>
public sealed record ApiKey
{
    /// <summary>The public part of the key (<c>esk_{Id}_{secret}</c>), shown by <c>escala keys list</c>.</summary>
    public required string Id { get; init; }

    /// <summary>A label for people (<c>billing-worker</c>); never used to authorize.</summary>
    public required string Name { get; init; }

    public required string Tenant { get; init; }

    /// <summary>Some of <see cref="Scopes.All"/>.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The queues this key may submit to and lease from; null for every queue.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>SHA-256 of the secret part.</summary>
    public required byte[] SecretHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was revoked; a revoked key authenticates nothing.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

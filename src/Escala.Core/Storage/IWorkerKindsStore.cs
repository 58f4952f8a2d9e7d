namespace Escala.Storage;

/// <summary>
/// Which kinds workers ask for, per queue, cluster-wide: so a job of a kind no worker takes can say why it waits
/// ("no worker has leased kind X") instead of waiting silently.
/// </summary>
public interface IWorkerKindsStore
{
    /// <summary>Records that a worker leases <paramref name="kinds"/> from <paramref name="queue"/> (null: every kind) at <paramref name="now"/>.</summary>
    Task RecordKindsAsync(string queue, IReadOnlyList<string>? kinds, DateTimeOffset now, CancellationToken ct);

    /// <summary>True when some worker asked for <paramref name="kind"/> (or every kind) of <paramref name="queue"/> at or after <paramref name="since"/>.</summary>
    Task<bool> IsKindServedAsync(string queue, string kind, DateTimeOffset since, CancellationToken ct);
}

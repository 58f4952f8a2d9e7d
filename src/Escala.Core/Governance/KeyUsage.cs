namespace Escala.Governance;

/// <summary>One concurrency key's use of one resource: the unit per-key limits count in.</summary>
/// <param name="Resource">The resource with a per-key limit.</param>
/// <param name="Tenant">The job's tenant: keys are scoped by tenant, so two tenants' <c>user:42</c> are two keys.</param>
/// <param name="Key">The job's concurrency key.</param>
public readonly record struct KeySlot(string Resource, string Tenant, string Key);

/// <summary>
/// What a store read of the per-key limits' state, cluster-wide, inside its lease transaction: running jobs and
/// starts within each per-key rate window, per <see cref="KeySlot"/> (only slots with some use are listed).
/// </summary>
public sealed class KeyUsage
{
    public Dictionary<KeySlot, long> Running { get; } = [];

    public Dictionary<KeySlot, int> StartsInWindow { get; } = [];
}

namespace Escala.Storage;

/// <summary>What a driver can do; callers branch on these, never on the driver's type.</summary>
/// <param name="Name">The driver's short name (<c>sqlite</c>, <c>postgres</c>).</param>
/// <param name="SupportsNotify">Wake-ups reach every node (LISTEN/NOTIFY), not only this one.</param>
/// <param name="MultiNode">Several nodes may share the store.</param>
/// <param name="OrderedWrites">
/// Writes are applied one after another in the order they are issued (one writer), so a lease issued
/// after a completion sees the slots that completion frees even before either has committed.
/// </param>
public sealed record StoreCapabilities(string Name, bool SupportsNotify, bool MultiNode, bool OrderedWrites)
{
    /// <summary>
    /// The store's tables live in a named schema (the <c>schema</c> key) of a database others may share, so a
    /// throwaway run (the bench) can work in a schema of its own and drop it whole with
    /// <see cref="IStoreAdministration.DropSchemaAsync"/>. The store implements <see cref="IStoreAdministration"/>.
    /// </summary>
    public bool Schemas { get; init; }

    /// <summary>
    /// Query plans follow table statistics that lag a bulk load; <see cref="IStoreAdministration.RefreshStatisticsAsync"/>
    /// brings them up to date at once. The store implements <see cref="IStoreAdministration"/>.
    /// </summary>
    public bool PlannerStatistics { get; init; }
}

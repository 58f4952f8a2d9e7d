namespace Escala.Storage;

/// <summary>
/// Operations on the store as a whole, for tools rather than the engine (the bench). A driver implements it
/// when its <see cref="StoreCapabilities"/> claim <see cref="StoreCapabilities.Schemas"/> or
/// <see cref="StoreCapabilities.PlannerStatistics"/>; callers ask the capabilities, never the driver's type.
/// </summary>
public interface IStoreAdministration
{
    /// <summary>Brings the query planner's statistics of the jobs table up to date (after a bulk load).</summary>
    Task RefreshStatisticsAsync(CancellationToken ct);

    /// <summary>Drops the store's schema with every table and job in it. For a throwaway schema only.</summary>
    Task DropSchemaAsync(CancellationToken ct);
}

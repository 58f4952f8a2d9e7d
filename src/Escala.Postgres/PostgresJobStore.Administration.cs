using Escala.Storage;

namespace Escala.Postgres;

/// <summary>Whole-store operations for tools (<see cref="IStoreAdministration"/>).</summary>
public sealed partial class PostgresJobStore : IStoreAdministration
{
    /// <summary>What every PostgreSQL store can do, known before one is opened.</summary>
    public static StoreCapabilities DriverCapabilities { get; } =
        new("postgres", SupportsNotify: true, MultiNode: true, OrderedWrites: false) { Schemas = true, PlannerStatistics = true };

    /// <inheritdoc />
    public Task RefreshStatisticsAsync(CancellationToken ct) => Guard(async () =>
    {
        await using var analyze = _dataSource.CreateCommand($"ANALYZE {Schema}.jobs");
        await analyze.ExecuteNonQueryAsync(ct);
    });

    /// <inheritdoc />
    public Task DropSchemaAsync(CancellationToken ct) => Guard(async () =>
    {
        await using var drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        await drop.ExecuteNonQueryAsync(ct);
    });
}

using Escala.Storage;

namespace Escala.Postgres;

// Which kinds workers ask for (IWorkerKindsStore).
public sealed partial class PostgresJobStore : IWorkerKindsStore
{
    private const string AnyKind = "*";

    /// <inheritdoc />
    public Task RecordKindsAsync(string queue, IReadOnlyList<string>? kinds, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            INSERT INTO {Schema}.worker_kinds (queue, kind, seen_at) SELECT @queue, k, @now FROM unnest(@kinds::text[]) AS k
            ON CONFLICT (queue, kind) DO UPDATE SET seen_at = greatest({Schema}.worker_kinds.seen_at, excluded.seen_at)
            """);
        cmd.Parameters.AddWithValue("queue", queue);
        cmd.Parameters.AddWithValue("kinds", (kinds ?? [AnyKind]).Distinct(StringComparer.Ordinal).ToArray());
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        await cmd.ExecuteNonQueryAsync(ct);
    });

    /// <inheritdoc />
    public Task<bool> IsKindServedAsync(string queue, string kind, DateTimeOffset since, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"SELECT EXISTS (SELECT 1 FROM {Schema}.worker_kinds WHERE queue = @queue AND kind IN (@kind, '*') AND seen_at >= @since)");
        cmd.Parameters.AddWithValue("queue", queue);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("since", Instants.ToDb(since));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    });
}

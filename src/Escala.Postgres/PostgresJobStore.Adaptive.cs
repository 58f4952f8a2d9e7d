using Escala.Storage;

namespace Escala.Postgres;

// Adaptive concurrency: the shared limit on the resource row.
public sealed partial class PostgresJobStore : IAdaptiveLimitStore
{
    /// <inheritdoc />
    public Task<AdaptiveLimitState> AdjustConcurrencyAsync(AdaptiveLimitChange change, CancellationToken ct) => Guard<AdaptiveLimitState>(async () =>
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var cmd = _dataSource.CreateCommand(
            $"""
            INSERT INTO {Schema}.resources AS r (name, adaptive_limit) VALUES (@name, @initial)
            ON CONFLICT (name) DO UPDATE SET
                adaptive_limit = least(@max, greatest(@min, CASE
                    WHEN @factor < 1 AND (r.adaptive_cut_at IS NULL OR r.adaptive_cut_at < @since)
                    THEN coalesce(r.adaptive_limit, @initial) * @factor
                    ELSE coalesce(r.adaptive_limit, @initial) + @add END)),
                adaptive_cut_at = CASE
                    WHEN @factor < 1 AND (r.adaptive_cut_at IS NULL OR r.adaptive_cut_at < @since)
                    THEN @now ELSE r.adaptive_cut_at END
            RETURNING adaptive_limit, adaptive_cut_at,
                (SELECT count(*) FROM {Schema}.jobs WHERE state = 2 AND resources && ARRAY[@name])
            """);
        cmd.Parameters.AddWithValue("name", change.Resource);
        cmd.Parameters.AddWithValue("initial", change.Initial);
        cmd.Parameters.AddWithValue("min", change.Min);
        cmd.Parameters.AddWithValue("max", change.Max);
        cmd.Parameters.AddWithValue("factor", change.Adjustment.Factor);
        cmd.Parameters.AddWithValue("add", change.Adjustment.Add);
        cmd.Parameters.AddWithValue("since", Instants.ToDb(change.Adjustment.Since));
        cmd.Parameters.AddWithValue("now", Instants.ToDb(change.Now));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new AdaptiveLimitState(
            reader.GetDouble(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.GetInt64(2));
    });
}

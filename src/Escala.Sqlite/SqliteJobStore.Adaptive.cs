using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Adaptive concurrency: the shared limit on the resource row.
public sealed partial class SqliteJobStore : IAdaptiveLimitStore
{
    /// <inheritdoc/>
    public Task<AdaptiveLimitState> AdjustConcurrencyAsync(AdaptiveLimitChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var adjustment = change.Adjustment;
        return _writer.WriteAsync(context =>
        {
            using var reader = context.Prepared(AdaptiveSql.Adjust)
                .Set("$name", change.Resource).Set("$initial", change.Initial).Set("$min", change.Min).Set("$max", change.Max)
                .Set("$factor", adjustment.Factor).Set("$add", adjustment.Add).Set("$since", Instants.ToMs(adjustment.Since))
                .Set("$now", Instants.ToMs(change.Now)).Set("$needle", ResourceText.Needle(change.Resource))
                .ExecuteReader();
            reader.Read();
            return new AdaptiveLimitState(
                reader.GetDouble(0),
                reader.IsDBNull(1) ? null : Instants.FromMs(reader.GetInt64(1)),
                reader.GetInt64(2));
        }, ct);
    }
}

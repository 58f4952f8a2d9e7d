using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Discard: delete one final job.
public sealed partial class SqliteJobStore : IJobDiscardStore
{
    private const string DiscardFinal =
        "DELETE FROM jobs WHERE tenant = $tenant AND id = $id AND state IN (4, 5, 6) RETURNING " + JobRows.Columns;

    /// <inheritdoc/>
    public Task<DiscardResult> DiscardAsync(string tenant, long id, CancellationToken ct) =>
        _writer.WriteAsync(context =>
        {
            var deleted = JobRows.ReadOne(context.Prepared(DiscardFinal).Set("$tenant", tenant).Set("$id", id));
            if (deleted is not null)
            {
                return new DiscardResult(DiscardStatus.Discarded, deleted);
            }

            var existing = JobRows.ReadOne(context.Prepared(JobSql.SelectById).Set("$tenant", tenant).Set("$id", id));
            return new DiscardResult(existing is null ? DiscardStatus.NotFound : DiscardStatus.NotFinal, existing);
        }, ct);
}

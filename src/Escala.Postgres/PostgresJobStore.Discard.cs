using Escala.Storage;

namespace Escala.Postgres;

// Discard: delete one final job.
public sealed partial class PostgresJobStore : IJobDiscardStore
{
    /// <inheritdoc />
    public Task<DiscardResult> DiscardAsync(string tenant, long id, CancellationToken ct) => Guard(async () =>
    {
        await using (var delete = _dataSource.CreateCommand(
            $"""
            WITH deleted AS (
                DELETE FROM {Schema}.jobs WHERE tenant = @tenant AND id = @id AND state IN (4, 5, 6) RETURNING {JobReader.Columns}
            ),
            {CompletedDeltas("deleted", leaving: true)}
            SELECT {JobReader.Columns} FROM deleted
            """))
        {
            delete.Parameters.AddWithValue("tenant", tenant);
            delete.Parameters.AddWithValue("id", id);
            await using var reader = await delete.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                return new DiscardResult(DiscardStatus.Discarded, JobReader.Read(reader));
            }
        }

        var existing = await GetAsync(tenant, id, ct);
        return new DiscardResult(existing is null ? DiscardStatus.NotFound : DiscardStatus.NotFinal, existing);
    });
}

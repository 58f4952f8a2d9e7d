using System.Text.Json;
using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Attempt limits (IAttemptStore) and job statuses for watchers (IJobStatusStore).
public sealed partial class SqliteJobStore : IAttemptStore, IJobStatusStore
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<Job>> GetOverdueAsync(OverdueQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limits = query.Queues.ToDictionary(
            q => q.Key, q => new[] { (long)q.Value.Timeout.TotalMilliseconds, (long)q.Value.Grace.TotalMilliseconds }, StringComparer.Ordinal);
        var limitsJson = JsonSerializer.Serialize(limits, StoreJson.Default.DictionaryStringInt64Array);
        return ReadAsync<IReadOnlyList<Job>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = JobSql.Overdue;
            return JobRows.ReadAll(command.Set("$limits", limitsJson)
                .Set("$timeout", (long)query.Default.Timeout.TotalMilliseconds).Set("$grace", (long)query.Default.Grace.TotalMilliseconds)
                .Set("$now", Instants.ToMs(query.Now)).Set("$limit", query.Limit));
        }, ct);
    }

    /// <inheritdoc/>
    public Task<JobStatus?> GetStatusAsync(string tenant, long id, CancellationToken ct) => ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = JobSql.StatusById;
        using var reader = command.Set("$tenant", tenant).Set("$id", id).ExecuteReader();
        return reader.Read() ? JobRows.ReadStatus(reader) : null;
    }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobStatus>> GetStatusesAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<JobStatus>>([]);
        }

        var idsJson = StoreJson.Array(ids);
        return ReadAsync<IReadOnlyList<JobStatus>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = JobSql.StatusByIds;
            using var reader = command.Set("$ids", idsJson).ExecuteReader();
            var statuses = new List<JobStatus>(ids.Count);
            while (reader.Read())
            {
                statuses.Add(JobRows.ReadStatus(reader));
            }

            return statuses;
        }, ct);
    }

    /// <inheritdoc/>
    /// <remarks>One process owns the file: every change is made through this process's engine, which signals it.</remarks>
    public IDisposable SubscribeChanged(Action onChanged) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static NoSubscription Instance { get; } = new();

        public void Dispose()
        {
        }
    }
}

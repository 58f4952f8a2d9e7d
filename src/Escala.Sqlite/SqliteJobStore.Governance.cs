using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Queues and resources: pauses and usage.
public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public Task SetQueuePausedAsync(string queue, bool paused, CancellationToken ct) =>
        _writer.WriteAsync(context =>
        {
            if (paused)
            {
                return context.Prepared(JobSql.PauseQueue).Set("$queue", queue).Set("$now", Instants.ToMs(_time.GetUtcNow())).ExecuteNonQuery();
            }

            context.Wake(queue);
            return context.Prepared(JobSql.ResumeQueue).Set("$queue", queue).ExecuteNonQuery();
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlySet<string>> GetPausedQueuesAsync(CancellationToken ct) =>
        ReadAsync<IReadOnlySet<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = JobSql.PausedQueues;
            var queues = new HashSet<string>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                queues.Add(reader.GetString(0));
            }

            return queues;
        }, ct);

    /// <inheritdoc/>
    public Task PauseResourceAsync(string resource, DateTimeOffset until, string reason, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(JobSql.PauseResource)
            .Set("$name", resource).Set("$until", Instants.ToMs(until)).Set("$reason", reason)
            .ExecuteNonQuery(), ct);

    /// <inheritdoc/>
    public Task<bool> CloseBreakerAsync(string resource, DateTimeOffset now, CancellationToken ct) =>
        _writer.WriteAsync(context =>
        {
            var closed = context.Prepared(JobSql.CloseBreaker).Set("$name", resource).Set("$now", Instants.ToMs(now)).ExecuteNonQuery() > 0;
            return closed;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ResourceUsage>> GetResourceUsageAsync(DateTimeOffset now, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<ResourceUsage>>(connection =>
        {
            var usage = new SortedDictionary<string, ResourceUsage>(StringComparer.Ordinal);
            ResourceUsage For(string name) =>
                usage.TryGetValue(name, out var known) ? known : usage[name] = new ResourceUsage(name, 0, 0, null, null, null);

            using (var command = connection.CreateCommand())
            {
                command.CommandText = JobSql.ResourceJobs;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var running = reader.GetInt32(1) == (int)Jobs.JobState.Running;
                    var count = reader.GetInt64(2);
                    foreach (var name in ResourceText.Parse(reader.GetString(0)))
                    {
                        var current = For(name);
                        usage[name] = running ? current with { Running = current.Running + count } : current with { Waiting = current.Waiting + count };
                    }
                }
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = JobSql.ResourceRows;
                using var reader = command.ExecuteReader();
                var nowMs = Instants.ToMs(now);
                while (reader.Read())
                {
                    var name = reader.GetString(0);
                    var current = For(name);
                    if (!reader.IsDBNull(1) && reader.GetInt64(1) > nowMs)
                    {
                        usage[name] = current with
                        {
                            PausedUntil = Instants.FromMs(reader.GetInt64(1)),
                            PauseReason = reader.IsDBNull(2) ? null : reader.GetString(2),
                        };
                    }
                }
            }

            return usage.Values.ToList();
        }, ct);
}

using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// What holds a waiting job back: reads for the API's waitingReason.
public sealed partial class SqliteJobStore : IAdmissionInsight
{
    /// <inheritdoc/>
    public Task<int> StartsSinceAsync(string resource, DateTimeOffset since, CancellationToken ct) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = JobSql.CountStarts;
            return (int)(long)command.Set("$resource", resource).Set("$since", Instants.ToMs(since)).ExecuteScalar()!;
        }, ct);

    /// <inheritdoc/>
    public Task<KeyStanding?> KeyStandingAsync(string tenant, long jobId, string resource, DateTimeOffset since, CancellationToken ct) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT concurrency_key FROM jobs WHERE tenant = $tenant AND id = $id";
            if (command.Set("$tenant", tenant).Set("$id", jobId).ExecuteScalar() is not string key)
            {
                return null;
            }

            command.CommandText =
                "SELECT (SELECT count(*) FROM jobs WHERE state = 2 AND concurrency_key = $key AND tenant = $tenant AND instr(resources, $needle) > 0), " +
                "(SELECT count(*) FROM resource_key_starts WHERE resource = $resource AND tenant = $tenant AND key = $key AND at > $since)";
            using var reader = command.Set("$key", key).Set("$needle", ResourceText.Needle(resource)).Set("$resource", resource)
                .Set("$since", Instants.ToMs(since)).ExecuteReader();
            reader.Read();
            return new KeyStanding(key, reader.GetInt64(0), (int)reader.GetInt64(1));
        }, ct);

    /// <inheritdoc/>
    public Task<int> WaitingGroupsAsync(string queue, int max, CancellationToken ct) =>
        ReadAsync(connection =>
        {
            // The lease's loose index scan over jobs_available_groups: one seek per group.
            using var first = connection.CreateCommand();
            first.CommandText = KeySql.FirstGroup;
            using var nextKey = connection.CreateCommand();
            nextKey.CommandText = KeySql.NextKey;
            using var nextTenant = connection.CreateCommand();
            nextTenant.CommandText = KeySql.NextTenant;
            var count = 0;
            var group = AdmittedLease.Group(first.Set("$queue", queue));
            while (group is { } g && count < max)
            {
                count++;
                group = AdmittedLease.Group(nextKey.Set("$queue", queue).Set("$tenant", g.Tenant).Set("$key", g.Key))
                    ?? AdmittedLease.Group(nextTenant.Set("$queue", queue).Set("$tenant", g.Tenant));
            }

            return count;
        }, ct);
}

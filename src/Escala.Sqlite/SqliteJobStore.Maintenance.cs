using System.Text.Json;
using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Maintenance (rescue, promote, prune), leadership and the node registry.
public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<Job>> GetExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<Job>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = JobSql.ExpiredLeases;
            return JobRows.ReadAll(command.Set("$now", Instants.ToMs(now)).Set("$limit", limit));
        }, ct);

    /// <inheritdoc/>
    public Task<int> PromoteDueAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        _writer.WriteAsync(context =>
        {
            var promoted = 0;
            using var reader = context.Prepared(JobSql.PromoteDue).Set("$now", Instants.ToMs(now)).Set("$limit", limit).ExecuteReader();
            while (reader.Read())
            {
                context.Wake(reader.GetString(0));
                promoted++;
            }

            return promoted;
        }, ct);

    /// <inheritdoc/>
    public Task<int> PruneAsync(PruneRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cutoffs = request.QueueCutoffs.ToDictionary(pair => pair.Key, pair => Instants.ToMs(pair.Value), StringComparer.Ordinal);
        var cutoffsJson = JsonSerializer.Serialize(cutoffs, StoreJson.Default.DictionaryStringInt64);
        return _writer.WriteAsync(context => context.Prepared(JobSql.Prune)
            .Set("$cutoffs", cutoffsJson).Set("$default", Instants.ToMs(request.DefaultCutoff)).Set("$limit", request.Limit)
            .ExecuteNonQuery(), ct);
    }

    /// <inheritdoc/>
    public Task<bool> TryLeadAsync(string nodeId, TimeSpan ttl, DateTimeOffset now, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(JobSql.TryLead)
            .Set("$node", nodeId).Set("$expires", Instants.ToMs(now + ttl)).Set("$now", Instants.ToMs(now))
            .ExecuteScalar() is not null, ct);

    /// <inheritdoc/>
    public Task ResignAsync(string nodeId, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(JobSql.Resign).Set("$node", nodeId).ExecuteNonQuery(), ct);

    /// <inheritdoc/>
    public Task BeatNodeAsync(NodeInfo node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _writer.WriteAsync(context => context.Prepared(JobSql.BeatNode)
            .Set("$id", node.Id).Set("$role", node.Role).Set("$host", node.Host)
            .Set("$started", Instants.ToMs(node.StartedAt)).Set("$beat", Instants.ToMs(node.LastBeatAt)).Set("$leader", node.Leader ? 1 : 0)
            .ExecuteNonQuery(), ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<NodeInfo>> ListNodesAsync(DateTimeOffset aliveSince, CancellationToken ct) =>
        _writer.WriteAsync<IReadOnlyList<NodeInfo>>(context =>
        {
            context.Prepared(JobSql.DeleteStaleNodes).Set("$since", Instants.ToMs(aliveSince)).ExecuteNonQuery();
            var nodes = new List<NodeInfo>();
            using var reader = context.Prepared(JobSql.ListNodes).ExecuteReader();
            while (reader.Read())
            {
                nodes.Add(new NodeInfo(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    Instants.FromMs(reader.GetInt64(3)), Instants.FromMs(reader.GetInt64(4)), reader.GetInt64(5) != 0));
            }

            return nodes;
        }, ct);

    /// <inheritdoc/>
    public Task RemoveNodeAsync(string nodeId, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(JobSql.RemoveNode).Set("$id", nodeId).ExecuteNonQuery(), ct);
}

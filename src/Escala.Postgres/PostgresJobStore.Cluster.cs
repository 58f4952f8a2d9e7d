using Escala.Storage;

namespace Escala.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc />
    /// <remarks>One <c>leader</c> row holds the node id and an expiry; another node takes it over only once it expired.</remarks>
    public Task<bool> TryLeadAsync(string nodeId, TimeSpan ttl, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            INSERT INTO {Schema}.leader AS l (id, node_id, expires_at) VALUES (1, @node, @expires)
            ON CONFLICT (id) DO UPDATE SET node_id = EXCLUDED.node_id, expires_at = EXCLUDED.expires_at
            WHERE l.node_id = EXCLUDED.node_id OR l.expires_at <= @now
            RETURNING node_id
            """);
        cmd.Parameters.AddWithValue("node", nodeId);
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        cmd.Parameters.AddWithValue("expires", Instants.ToDb(now + ttl));
        return await cmd.ExecuteScalarAsync(ct) is string;
    });

    /// <inheritdoc />
    public Task ResignAsync(string nodeId, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"DELETE FROM {Schema}.leader WHERE node_id = @node");
        cmd.Parameters.AddWithValue("node", nodeId);
        await cmd.ExecuteNonQueryAsync(ct);
    });

    /// <inheritdoc />
    public Task BeatNodeAsync(NodeInfo node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Guard(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"""
                INSERT INTO {Schema}.nodes (id, role, host, started_at, last_beat_at, leader)
                VALUES (@id, @role, @host, @started, @beat, @leader)
                ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, host = EXCLUDED.host, started_at = EXCLUDED.started_at,
                    last_beat_at = EXCLUDED.last_beat_at, leader = EXCLUDED.leader
                """);
            cmd.Parameters.AddWithValue("id", node.Id);
            cmd.Parameters.AddWithValue("role", node.Role);
            cmd.Parameters.AddWithValue("host", node.Host);
            cmd.Parameters.AddWithValue("started", Instants.ToDb(node.StartedAt));
            cmd.Parameters.AddWithValue("beat", Instants.ToDb(node.LastBeatAt));
            cmd.Parameters.AddWithValue("leader", node.Leader);
            await cmd.ExecuteNonQueryAsync(ct);
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<NodeInfo>> ListNodesAsync(DateTimeOffset aliveSince, CancellationToken ct) => Guard<IReadOnlyList<NodeInfo>>(async () =>
    {
        await using var batch = _dataSource.CreateBatch();
        var since = Instants.ToDb(aliveSince);
        batch.BatchCommands.Add(Command($"DELETE FROM {Schema}.nodes WHERE last_beat_at < @since", ("since", since)));
        // A node shows as leader while it says so and no other node holds the leader row: a killed
        // leader's last beat said "leader" and stays until its row expires, but its successor owns the row.
        batch.BatchCommands.Add(Command(
            $"""
            SELECT id, role, host, started_at, last_beat_at,
                   leader AND NOT EXISTS (SELECT 1 FROM {Schema}.leader l WHERE l.node_id <> n.id)
            FROM {Schema}.nodes n WHERE last_beat_at >= @since ORDER BY id
            """,
            ("since", since)));
        var nodes = new List<NodeInfo>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            nodes.Add(new NodeInfo(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetBoolean(5)));
        }

        return nodes;
    });

    /// <inheritdoc />
    public Task RemoveNodeAsync(string nodeId, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"DELETE FROM {Schema}.nodes WHERE id = @id");
        cmd.Parameters.AddWithValue("id", nodeId);
        await cmd.ExecuteNonQueryAsync(ct);
    });
}

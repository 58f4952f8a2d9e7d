using Escala.Security;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

// API keys, the audit log and rate-limit windows (IKeyStore), shared by every node.
public sealed partial class PostgresJobStore : IKeyStore
{
    private const string KeyColumns = "id, name, tenant, scopes, queues, secret_hash, created_at, revoked_at";

    /// <inheritdoc />
    public Task CreateKeyAsync(ApiKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Guard(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"INSERT INTO {Schema}.api_keys ({KeyColumns}) VALUES (@id, @name, @tenant, @scopes, @queues, @hash, @created, NULL)");
            cmd.Parameters.AddWithValue("id", key.Id);
            cmd.Parameters.AddWithValue("name", key.Name);
            cmd.Parameters.AddWithValue("tenant", key.Tenant);
            cmd.Parameters.AddWithValue("scopes", key.Scopes.ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("queues", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = key.Queues is null ? DBNull.Value : key.Queues.ToArray(),
            });
            cmd.Parameters.AddWithValue("hash", key.SecretHash);
            cmd.Parameters.AddWithValue("created", Instants.ToDb(key.CreatedAt));
            await cmd.ExecuteNonQueryAsync(ct);
        });
    }

    /// <inheritdoc />
    public Task<ApiKey?> FindKeyAsync(string id, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT {KeyColumns} FROM {Schema}.api_keys WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadKey(reader) : null;
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? tenant, CancellationToken ct) => Guard<IReadOnlyList<ApiKey>>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"SELECT {KeyColumns} FROM {Schema}.api_keys WHERE @tenant::text IS NULL OR tenant = @tenant ORDER BY created_at DESC, id");
        cmd.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    });

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string id, string? tenant, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"UPDATE {Schema}.api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL AND (@tenant::text IS NULL OR tenant = @tenant)");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value });
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    });

    /// <inheritdoc />
    public Task<int> CountActiveKeysAsync(CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT count(*)::int FROM {Schema}.api_keys WHERE revoked_at IS NULL");
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    });

    /// <inheritdoc />
    public Task AppendAuditAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Guard(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"INSERT INTO {Schema}.audit_log (at, actor, tenant, action, target, detail) VALUES (@at, @actor, @tenant, @action, @target, @detail)");
            cmd.Parameters.AddWithValue("at", Instants.ToDb(entry.At));
            cmd.Parameters.AddWithValue("actor", entry.Actor);
            cmd.Parameters.AddWithValue("tenant", entry.Tenant);
            cmd.Parameters.AddWithValue("action", entry.Action);
            cmd.Parameters.AddWithValue("target", entry.Target);
            cmd.Parameters.Add(new NpgsqlParameter("detail", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)entry.Detail ?? DBNull.Value });
            await cmd.ExecuteNonQueryAsync(ct);
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit, CancellationToken ct) => Guard<IReadOnlyList<AuditEntry>>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"SELECT at, actor, tenant, action, target, detail FROM {Schema}.audit_log ORDER BY id DESC LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return entries;
    });

    /// <inheritdoc />
    public Task<long> HitAsync(string counter, DateTimeOffset window, DateTimeOffset forgetBefore, CancellationToken ct) => Guard(async () =>
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(Command($"DELETE FROM {Schema}.rate_windows WHERE counter = @counter AND window_start < @forget",
            ("counter", counter), ("forget", Instants.ToDb(forgetBefore))));
        batch.BatchCommands.Add(Command(
            $"""
            INSERT INTO {Schema}.rate_windows AS w (counter, window_start, hits) VALUES (@counter, @window, 1)
            ON CONFLICT (counter, window_start) DO UPDATE SET hits = w.hits + 1 RETURNING hits
            """,
            ("counter", counter), ("window", Instants.ToDb(window))));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct); // the DELETE returns no result set: the first one is the INSERT's
        return reader.GetInt64(0);
    });

    private static ApiKey ReadKey(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Tenant = reader.GetString(2),
        Scopes = reader.GetFieldValue<string[]>(3),
        Queues = reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4),
        SecretHash = reader.GetFieldValue<byte[]>(5),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
        RevokedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
    };
}

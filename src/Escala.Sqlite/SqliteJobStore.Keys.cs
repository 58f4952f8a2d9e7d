using Escala.Security;
using Escala.Sqlite.Sql;
using Escala.Storage;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite;

// API keys, the audit log and rate-limit windows (IKeyStore). Writes go through the writer loop like every other.
public sealed partial class SqliteJobStore : IKeyStore
{
    private const string KeyColumns = "id, name, tenant, scopes, queues, secret_hash, created_at, revoked_at";

    /// <inheritdoc/>
    public Task CreateKeyAsync(ApiKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _writer.WriteAsync(context =>
        {
            using var command = context.Adhoc(
                $"INSERT INTO api_keys ({KeyColumns}) VALUES ($id, $name, $tenant, $scopes, $queues, $hash, $created, NULL)");
            return command.Set("$id", key.Id).Set("$name", key.Name).Set("$tenant", key.Tenant)
                .Set("$scopes", string.Join(',', key.Scopes)).Set("$queues", key.Queues is null ? null : string.Join(',', key.Queues))
                .Set("$hash", key.SecretHash).Set("$created", Instants.ToMs(key.CreatedAt)).ExecuteNonQuery();
        }, ct);
    }

    /// <inheritdoc/>
    public Task<ApiKey?> FindKeyAsync(string id, CancellationToken ct) => ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM api_keys WHERE id = $id";
        using var reader = command.Set("$id", id).ExecuteReader();
        return reader.Read() ? ReadKey(reader) : null;
    }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? tenant, CancellationToken ct) => ReadAsync<IReadOnlyList<ApiKey>>(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM api_keys WHERE $tenant IS NULL OR tenant = $tenant ORDER BY created_at DESC, id";
        using var reader = command.Set("$tenant", tenant).ExecuteReader();
        var keys = new List<ApiKey>();
        while (reader.Read())
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }, ct);

    /// <inheritdoc/>
    public Task<bool> RevokeKeyAsync(string id, string? tenant, DateTimeOffset now, CancellationToken ct) => _writer.WriteAsync(context =>
    {
        using var command = context.Adhoc(
            "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL AND ($tenant IS NULL OR tenant = $tenant)");
        return command.Set("$id", id).Set("$tenant", tenant).Set("$now", Instants.ToMs(now)).ExecuteNonQuery() == 1;
    }, ct);

    /// <inheritdoc/>
    public Task<int> CountActiveKeysAsync(CancellationToken ct) => ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }, ct);

    /// <inheritdoc/>
    public Task AppendAuditAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _writer.WriteAsync(context =>
        {
            using var command = context.Adhoc(
                "INSERT INTO audit_log (at, actor, tenant, action, target, detail) VALUES ($at, $actor, $tenant, $action, $target, $detail)");
            return command.Set("$at", Instants.ToMs(entry.At)).Set("$actor", entry.Actor).Set("$tenant", entry.Tenant)
                .Set("$action", entry.Action).Set("$target", entry.Target).Set("$detail", entry.Detail).ExecuteNonQuery();
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit, CancellationToken ct) => ReadAsync<IReadOnlyList<AuditEntry>>(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT at, actor, tenant, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $limit";
        using var reader = command.Set("$limit", limit).ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(new AuditEntry(Instants.FromMs(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return entries;
    }, ct);

    /// <inheritdoc/>
    public Task<long> HitAsync(string counter, DateTimeOffset window, DateTimeOffset forgetBefore, CancellationToken ct) => _writer.WriteAsync(context =>
    {
        using (var forget = context.Adhoc("DELETE FROM rate_windows WHERE counter = $counter AND window < $forget"))
        {
            forget.Set("$counter", counter).Set("$forget", Instants.ToMs(forgetBefore)).ExecuteNonQuery();
        }

        using var hit = context.Adhoc(
            "INSERT INTO rate_windows (counter, window, hits) VALUES ($counter, $window, 1) " +
            "ON CONFLICT (counter, window) DO UPDATE SET hits = hits + 1 RETURNING hits");
        return Convert.ToInt64(hit.Set("$counter", counter).Set("$window", Instants.ToMs(window)).ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture);
    }, ct);

    private static ApiKey ReadKey(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Tenant = reader.GetString(2),
        Scopes = reader.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
        Queues = reader.IsDBNull(4) ? null : reader.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries),
        SecretHash = (byte[])reader.GetValue(5),
        CreatedAt = Instants.FromMs(reader.GetInt64(6)),
        RevokedAt = reader.IsDBNull(7) ? null : Instants.FromMs(reader.GetInt64(7)),
    };
}

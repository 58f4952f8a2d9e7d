using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Which kinds workers ask for (IWorkerKindsStore).
public sealed partial class SqliteJobStore : IWorkerKindsStore
{
    private const string AnyKind = "*";

    /// <inheritdoc/>
    public Task RecordKindsAsync(string queue, IReadOnlyList<string>? kinds, DateTimeOffset now, CancellationToken ct) =>
        _writer.WriteAsync(context =>
        {
            var command = context.Prepared(
                "INSERT INTO worker_kinds (queue, kind, seen_at) VALUES ($queue, $kind, $now) " +
                "ON CONFLICT (queue, kind) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)");
            foreach (var kind in kinds ?? [AnyKind])
            {
                command.Set("$queue", queue).Set("$kind", kind).Set("$now", Instants.ToMs(now)).ExecuteNonQuery();
            }

            return true;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> IsKindServedAsync(string queue, string kind, DateTimeOffset since, CancellationToken ct) => ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM worker_kinds WHERE queue = $queue AND kind IN ($kind, '*') AND seen_at >= $since)";
        return Convert.ToInt64(command.Set("$queue", queue).Set("$kind", kind).Set("$since", Instants.ToMs(since)).ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture) != 0;
    }, ct);
}

using System.Reflection;
using Npgsql;

namespace Escala.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each once, recorded in
/// <c>schema_migrations</c>. All of it runs in one transaction under an advisory lock, so many nodes
/// can start at once: the first applies, the others wait and find nothing left to do.
/// </summary>
internal static class Migrator
{
    private const string Prefix = "Escala.Postgres.Migrations.";

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock(hashtext('escala.migrate.' || @schema));
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                version    integer PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("schema", schema);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var applied = new HashSet<int>();
        await using (var cmd = new NpgsqlCommand($"SELECT version FROM {schema}.schema_migrations", connection, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, name, script) in Scripts())
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var cmd = new NpgsqlCommand(
                script.Replace("{schema}", schema, StringComparison.Ordinal) +
                $"\n;INSERT INTO {schema}.schema_migrations (version, name) VALUES ({version}, @name);",
                connection,
                tx);
            cmd.Parameters.AddWithValue("name", name);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>The embedded scripts, ordered by their version number.</summary>
    internal static IEnumerable<(int Version, string Name, string Script)> Scripts()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[Prefix.Length..^".sql".Length];
                var version = int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                return (version, name, Read(assembly, n));
            })
            .OrderBy(s => s.version);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

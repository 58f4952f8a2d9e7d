using System.Globalization;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;

namespace Escala.Sqlite.Migrations;

/// <summary>
/// Applies the embedded scripts <c>Migrations/NNNN_name.sql</c> in version order, each once, recording them in
/// <c>schema_migrations</c>. Runs as one write operation, so all missing versions apply atomically or not at all.
/// </summary>
internal static class Migrator
{
    private const string ResourcePrefix = "Escala.Sqlite.Migrations.";

    /// <summary>Every migration of this driver, oldest first.</summary>
    public static IReadOnlyList<(int Version, string Name)> All { get; } = Discover();

    /// <summary>The latest schema version this driver knows.</summary>
    public static int Latest => All[^1].Version;

    /// <summary>Applies the missing migrations; returns how many ran.</summary>
    public static int Apply(WriteContext context, DateTimeOffset now)
    {
        using (var create = context.Adhoc(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"))
        {
            create.ExecuteNonQuery();
        }

        var applied = new HashSet<int>();
        using (var select = context.Adhoc("SELECT version FROM schema_migrations"))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var ran = 0;
        foreach (var (version, name) in All)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using (var script = context.Adhoc(ReadScript(name)))
            {
                script.ExecuteNonQuery();
            }

            using var record = context.Adhoc("INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $now)");
            record.Set("$version", version).Set("$now", Instants.ToMs(now)).ExecuteNonQuery();
            ran++;
        }

        return ran;
    }

    private static List<(int Version, string Name)> Discover() =>
        typeof(Migrator).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Version: int.Parse(name.AsSpan(ResourcePrefix.Length, 4), CultureInfo.InvariantCulture), Name: name))
            .OrderBy(migration => migration.Version)
            .ToList();

    private static string ReadScript(string resourceName)
    {
        using var stream = typeof(Migrator).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Migration '{resourceName}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

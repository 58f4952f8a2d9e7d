namespace Escala.Governance.Tests;

/// <summary>Configuration for test nodes: root-level keys as <c>escala serve</c> reads them.</summary>
public static class NodeSettings
{
    public static Dictionary<string, string?> Of(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>A fresh SQLite data directory.</summary>
    public static string SqliteDirectory() => Directory.CreateTempSubdirectory("escala-gov-").FullName;
}

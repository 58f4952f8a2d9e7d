namespace Escala.Sqlite.Sql;

/// <summary>Instants as the store keeps them: INTEGER unix milliseconds, UTC.</summary>
internal static class Instants
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

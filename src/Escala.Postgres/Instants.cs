namespace Escala.Postgres;

/// <summary>Instants on their way into the database: UTC, rounded down to the millisecond so both drivers agree.</summary>
internal static class Instants
{
    public static DateTimeOffset ToDb(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static DateTimeOffset? ToDb(DateTimeOffset? value) => value is { } v ? ToDb(v) : null;
}

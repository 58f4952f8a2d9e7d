using System.Globalization;

namespace Escala.Scheduling;

/// <summary>The idempotency key of a schedule's tick: <c>schedule:NAME:2026-12-01T03:00:00.000Z</c>, unique per tenant.</summary>
public static class ScheduleKeys
{
    public const string Prefix = "schedule:";

    public static string For(string name, DateTimeOffset tick) =>
        Prefix + name + ":" + tick.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

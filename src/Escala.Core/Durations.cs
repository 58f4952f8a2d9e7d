using System.Globalization;

namespace Escala;

/// <summary>
/// Reads and writes durations the way people type them: <c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>,
/// and combinations such as <c>1m30s</c>. A bare number is not accepted: the unit is always explicit.
/// </summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        long totalTicks = 0;
        var any = false;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[digits..];
            var unitLength = 0;
            while (unitLength < span.Length && char.IsAsciiLetter(span[unitLength]))
            {
                unitLength++;
            }

            var unit = span[..unitLength];
            span = span[unitLength..];
            double ticksPerUnit = unit switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" or "min" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => 0,
            };
            if (ticksPerUnit == 0)
            {
                return false;
            }

            var ticks = number * ticksPerUnit;
            if (ticks > TimeSpan.MaxValue.Ticks - totalTicks)
            {
                return false;
            }

            totalTicks += (long)Math.Round(ticks); // 0.57 × 10^7 is 5699999.999…: truncating would lose a tick
            any = true;
        }

        value = TimeSpan.FromTicks(totalTicks);
        return any;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a duration such as 500ms, 10s, 2m or 1h.");

    /// <summary>The shortest exact form: <c>250ms</c>, <c>10s</c>, <c>2m</c>, <c>1m30s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new System.Text.StringBuilder();
        var rest = value;
        if (rest.Days > 0) { parts.Append(rest.Days).Append('d'); rest -= TimeSpan.FromDays(rest.Days); }
        if (rest.Hours > 0) { parts.Append(rest.Hours).Append('h'); rest -= TimeSpan.FromHours(rest.Hours); }
        if (rest.Minutes > 0) { parts.Append(rest.Minutes).Append('m'); rest -= TimeSpan.FromMinutes(rest.Minutes); }
        if (rest.Seconds > 0) { parts.Append(rest.Seconds).Append('s'); rest -= TimeSpan.FromSeconds(rest.Seconds); }
        if (rest.Ticks > 0) { parts.Append(rest.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)).Append("ms"); }
        return parts.ToString();
    }
}

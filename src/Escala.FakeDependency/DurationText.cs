using System.Globalization;

namespace Escala.FakeDependency;

/// <summary>Parses durations as people type them: <c>500ms</c>, <c>2s</c>, <c>1.5s</c>, <c>1m</c>. The unit is required.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        var digits = 0;
        while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
        {
            digits++;
        }

        if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        double? milliseconds = span[digits..] switch
        {
            "ms" => number,
            "s" => number * 1_000,
            "m" or "min" => number * 60_000,
            _ => null,
        };
        if (milliseconds is not { } ms || ms > TimeSpan.FromHours(1).TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}

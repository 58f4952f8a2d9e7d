using System.Globalization;
using System.Text.RegularExpressions;
using Escala.Governance;

namespace Escala.Configuration;

/// <summary>Reads rates the way people write them: <c>60/min</c>, <c>10/s</c>, <c>5/2s</c>, <c>1000/1h</c>.</summary>
public static partial class Rates
{
    public static bool TryParse(string text, out RateLimit? rate)
    {
        rate = null;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var permits) || permits < 1)
        {
            return false;
        }

        TimeSpan per;
        switch (match.Groups[2].Value)
        {
            case "s" or "sec" or "second":
                per = TimeSpan.FromSeconds(1);
                break;
            case "min" or "minute" or "m":
                per = TimeSpan.FromMinutes(1);
                break;
            case "h" or "hour":
                per = TimeSpan.FromHours(1);
                break;
            case var unit:
                if (!Durations.TryParse(unit, out per) || per <= TimeSpan.Zero)
                {
                    return false;
                }

                break;
        }

        rate = new RateLimit(permits, per);
        return true;
    }

    [GeneratedRegex(@"^(\d+)\s*/\s*([0-9a-z.]+)\z")]
    private static partial Regex Pattern();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Escala.Workloads.Llm;

/// <summary>Reads OpenAI's <c>x-ratelimit-reset-*</c> values: <c>6.5s</c>, <c>120ms</c>, <c>1m2.5s</c>, <c>1h3m</c>.</summary>
public static partial class ResetText
{
    [GeneratedRegex(@"^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$")]
    private static partial Regex Pattern();

    /// <summary>Reads <paramref name="text"/>; false when it is not such a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success || match.Value.Length == 0)
        {
            return false;
        }

        double Part(int group) => match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        value = TimeSpan.FromHours(Part(1)) + TimeSpan.FromMinutes(Part(2)) + TimeSpan.FromSeconds(Part(3)) + TimeSpan.FromMilliseconds(Part(4));
        return true;
    }
}

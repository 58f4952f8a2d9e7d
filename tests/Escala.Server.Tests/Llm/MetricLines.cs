using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Llm;

/// <summary>Reads <c>/metrics</c> until a line matches (the exporter may answer from a scrape cached a moment before).</summary>
internal static class MetricLines
{
    /// <summary>Waits for a line starting with <paramref name="name"/> + <c>{</c> and ending with <paramref name="end"/>.</summary>
    public static async Task WaitForAsync(HttpClient http, string name, string end)
    {
        string[] seen = [];
        try
        {
            await Eventually.UntilAsync(
                async () => seen = (await http.GetStringAsync("/metrics")).Split('\n'),
                lines => lines.Any(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.EndsWith(end, StringComparison.Ordinal)),
                $"a metric line {name}{{…{end}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "; seen: " + string.Join(" | ", seen.Where(l => l.StartsWith(name, StringComparison.Ordinal))), ex);
        }
    }
}

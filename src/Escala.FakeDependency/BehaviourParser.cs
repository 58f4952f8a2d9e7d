using System.Globalization;
using System.Text.Json;

namespace Escala.FakeDependency;

/// <summary>
/// Applies settings to a <see cref="Behaviour"/>: from a query string (unknown keys ignored, they may be the
/// caller's own) or from a <c>PUT /_config/{name}</c> JSON body (unknown keys rejected, they are typos).
/// Keys: <c>latency</c>, <c>jitter</c>, <c>failRatio</c>, <c>rate429</c>, <c>retryAfter</c>, <c>cap</c>, <c>capacity</c>, <c>queue</c>.
/// </summary>
public static class BehaviourParser
{
    private static readonly string[] Keys = ["latency", "jitter", "failRatio", "rate429", "retryAfter", "cap", "capacity", "queue"];

    public static bool TryApplyQuery(Behaviour current, IQueryCollection query, out Behaviour result, out string? error)
    {
        var values = query
            .Where(pair => Keys.Contains(pair.Key, StringComparer.OrdinalIgnoreCase))
            .Select(pair => KeyValuePair.Create(pair.Key, pair.Value.ToString()));
        return TryApply(current, values, out result, out error);
    }

    public static bool TryApplyJson(Behaviour current, JsonElement body, out Behaviour result, out string? error)
    {
        result = current;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "the body must be a JSON object such as {\"latency\": \"200ms\", \"cap\": 3}";
            return false;
        }

        var values = new List<KeyValuePair<string, string>>();
        foreach (var property in body.EnumerateObject())
        {
            if (!Keys.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                error = $"'{property.Name}' is not a setting; use one of {string.Join(", ", Keys)}";
                return false;
            }

            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            values.Add(KeyValuePair.Create(property.Name, text ?? string.Empty));
        }

        return TryApply(current, values, out result, out error);
    }

    private static bool TryApply(Behaviour current, IEnumerable<KeyValuePair<string, string>> values, out Behaviour result, out string? error)
    {
        result = current;
        error = null;
        foreach (var (key, text) in values)
        {
            switch (key.ToLowerInvariant())
            {
                case "latency" when DurationText.TryParse(text, out var latency):
                    result = result with { Latency = latency };
                    break;
                case "jitter" when DurationText.TryParse(text, out var jitter):
                    result = result with { Jitter = jitter };
                    break;
                case "failratio" when TryRatio(text, out var failRatio):
                    result = result with { FailRatio = failRatio };
                    break;
                case "rate429" when TryRatio(text, out var rate429):
                    result = result with { Rate429 = rate429 };
                    break;
                case "retryafter" when TryCount(text, out var retryAfter):
                    result = result with { RetryAfterSeconds = retryAfter };
                    break;
                case "cap" when TryCount(text, out var cap):
                    result = result with { Cap = cap };
                    break;
                case "capacity" when TryCount(text, out var capacity):
                    result = result with { Capacity = capacity };
                    break;
                case "queue" when TryCount(text, out var queue):
                    result = result with { Queue = queue };
                    break;
                case "latency" or "jitter":
                    error = $"{key}: '{text}' is not a duration such as 500ms or 2s (at most 1h)";
                    return false;
                case "failratio" or "rate429":
                    error = $"{key}: '{text}' is not a ratio between 0 and 1";
                    return false;
                default:
                    error = $"{key}: '{text}' is not a whole number between 0 and 100000";
                    return false;
            }
        }

        return true;
    }

    private static bool TryRatio(string text, out double ratio) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) && ratio is >= 0 and <= 1;

    private static bool TryCount(string text, out int count) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count <= 100_000;
}

using System.Globalization;
using System.Text.Json;

namespace Escala.FakeDependency.OpenAI;

/// <summary>Reads <see cref="ChatBehaviour"/> settings from a JSON object or from start-up flags (same names).</summary>
public static class ChatBehaviourParser
{
    public static bool TryApplyJson(ChatBehaviour current, JsonElement body, out ChatBehaviour result, out string? error)
    {
        result = current;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "the body must be a JSON object";
            return false;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in body.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
        }

        return TryApply(current, values, out result, out error);
    }

    /// <summary>Applies the settings present in <paramref name="values"/>; an unknown name or bad value is an error.</summary>
    public static bool TryApply(ChatBehaviour current, IReadOnlyDictionary<string, string?> values, out ChatBehaviour result, out string? error)
    {
        var b = current;
        error = null;
        result = current;
        foreach (var (name, text) in values)
        {
            var ok = name.ToLowerInvariant() switch
            {
                "latency" => Duration(text, v => b = b with { Latency = v }),
                "tokenspersecond" => Number(text, 0, 1_000_000, v => b = b with { TokensPerSecond = v }),
                "completiontokens" => Number(text, 0, 100_000, v => b = b with { CompletionTokens = (int)v }),
                "errorrate" => Number(text, 0, 1, v => b = b with { ErrorRate = v }),
                "rate429" => Number(text, 0, 1, v => b = b with { Rate429 = v }),
                "retryafter" => Number(text, 0, 3600, v => b = b with { RetryAfterSeconds = (int)v }),
                "tokenbudget" => Number(text, 0, 1e12, v => b = b with { TokenBudget = (long)v }),
                "budgetwindow" => Duration(text, v => b = b with { BudgetWindow = v }) && b.BudgetWindow > TimeSpan.Zero,
                "apikey" => Set(() => b = b with { ApiKey = string.IsNullOrEmpty(text) ? null : text }),
                _ => false,
            };
            if (!ok)
            {
                error = $"'{name}': unknown setting or bad value";
                return false;
            }
        }

        result = b;
        return true;
    }

    private static bool Set(Action apply)
    {
        apply();
        return true;
    }

    private static bool Duration(string? text, Action<TimeSpan> apply)
    {
        if (!DurationText.TryParse(text, out var value))
        {
            return false;
        }

        apply(value);
        return true;
    }

    private static bool Number(string? text, double min, double max, Action<double> apply)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            return false;
        }

        apply(value);
        return true;
    }
}

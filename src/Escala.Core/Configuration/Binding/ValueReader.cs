using System.Globalization;
using Escala.Governance;

namespace Escala.Configuration.Binding;

/// <summary>Reads one configuration value into its property's type, or says what the text should look like.</summary>
internal static class ValueReader
{
    public static bool Reads(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(bool)
            || t == typeof(TimeSpan) || t == typeof(RateLimit) || t.IsEnum;
    }

    /// <summary>Reads <paramref name="text"/>; on failure <paramref name="problem"/> completes "'text' …".</summary>
    public static bool TryRead(Type type, string text, out object? value, out string problem)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        value = null;
        problem = "";
        var trimmed = text.Trim();
        if (t == typeof(string))
        {
            value = text;
            return true;
        }

        if (t == typeof(int) || t == typeof(long))
        {
            var ok = long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                && (t == typeof(long) || number is >= int.MinValue and <= int.MaxValue);
            value = t == typeof(int) && ok ? (object)(int)number : number;
            problem = "is not a whole number";
            return ok;
        }

        if (t == typeof(double))
        {
            var ok = double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);
            value = number;
            problem = "is not a number such as 0.5";
            return ok;
        }

        if (t == typeof(bool))
        {
            var ok = bool.TryParse(trimmed, out var flag);
            value = flag;
            problem = "is not true or false";
            return ok;
        }

        if (t == typeof(TimeSpan))
        {
            var ok = Durations.TryParse(trimmed, out var duration);
            value = duration;
            problem = "is not a duration such as 500ms, 10s, 2m or 1h";
            return ok;
        }

        if (t == typeof(RateLimit))
        {
            var ok = Rates.TryParse(trimmed, out var rate);
            value = rate;
            problem = "is not a rate such as 60/min, 10/s or 1000/1h";
            return ok;
        }

        // An enum by name only: Enum.TryParse would also take "7".
        var name = Enum.GetNames(t).FirstOrDefault(n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase));
        value = name is null ? null : Enum.Parse(t, name);
        problem = $"is not one of {string.Join(", ", Enum.GetNames(t))}";
        return name is not null;
    }
}

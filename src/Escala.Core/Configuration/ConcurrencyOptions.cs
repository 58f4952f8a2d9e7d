using System.Globalization;

namespace Escala.Configuration;

/// <summary>
/// A resource's concurrency limit (<c>resources:NAME:concurrency</c>), written either as a number (<c>10</c>: a fixed limit)
/// or as a section (<c>{"adaptive": {"min": 2, "max": 50}}</c>: a limit that moves with the dependency's health).
/// </summary>
public sealed class ConcurrencyOptions : IValidatableOptions, IValueForm, IEquatable<ConcurrencyOptions>
{
    /// <summary>The fixed limit (1–100,000) when written as a number; null when adaptive.</summary>
    public int? Fixed { get; private set; }

    /// <summary>A limit moved by the dependency's latency, timeouts and 429s, between its bounds.</summary>
    /// <value>Unset by default.</value>
    public AdaptiveConcurrencyOptions? Adaptive { get; set; }

    /// <summary>The limit at start, before any observation: the fixed limit, or the adaptive one's initial value.</summary>
    public int Initial => Fixed ?? Adaptive?.Initial ?? Adaptive?.Min ?? 0;

    public static implicit operator ConcurrencyOptions(int limit) => new() { Fixed = limit };

    public static ConcurrencyOptions FromInt32(int limit) => limit;

    bool IValueForm.TryRead(string text, out string problem)
    {
        problem = "is not a whole number, nor a section such as {\"adaptive\": {\"min\": 2, \"max\": 50}}";
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit))
        {
            return false;
        }

        Fixed = limit;
        return true;
    }

    public IEnumerable<string> Validate(string path)
    {
        if (Fixed is { } limit && limit is < 1 or > 100_000)
        {
            yield return $"{path}: {limit} is outside 1..100000.";
        }

        if (Fixed is null && Adaptive is null)
        {
            yield return $"{path}: write a number, or a section with 'adaptive'.";
        }
    }

    /// <summary>Equal when both are the same fixed limit, or the same adaptive settings.</summary>
    public bool Equals(ConcurrencyOptions? other) =>
        other is not null && Fixed == other.Fixed && ReferenceEquals(Adaptive, other.Adaptive);

    public override bool Equals(object? obj) => obj is ConcurrencyOptions other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Fixed, Adaptive);

    public override string ToString() => Fixed?.ToString(CultureInfo.InvariantCulture) ?? $"adaptive {Adaptive?.Min}..{Adaptive?.Max}";
}

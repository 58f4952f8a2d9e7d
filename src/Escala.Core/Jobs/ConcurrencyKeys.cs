using System.Text.RegularExpressions;

namespace Escala.Jobs;

/// <summary>
/// A job's <c>concurrencyKey</c> (<c>user:42</c>, <c>customer-7/downloads</c>): what per-key limits and the fair share
/// count by, within the job's tenant. 1 to 128 characters: letters, digits and <c>_ . - : @ / = +</c>.
/// </summary>
public static partial class ConcurrencyKeys
{
    /// <summary>Longest key.</summary>
    public const int MaxLength = 128;

    /// <summary>The rule as the API states it when it refuses a key.</summary>
    public const string Rule = "A concurrency key has 1 to 128 characters: letters, digits and _ . - : @ / = +.";

    public static bool IsValid(string? key) => key is not null && Pattern().IsMatch(key);

    [GeneratedRegex(@"^[A-Za-z0-9_.\-:@/=+]{1,128}\z")]
    private static partial Regex Pattern();
}

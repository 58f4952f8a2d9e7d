using System.Text.RegularExpressions;

namespace Escala.Configuration;

/// <summary>Queue, resource and kind names: letters, digits, <c>_ . -</c>, at most 64 characters.</summary>
public static partial class Names
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\z")]
    private static partial Regex Pattern();
}

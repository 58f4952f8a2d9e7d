namespace Escala.Security;

/// <summary>
/// What a key may do. Reads need <see cref="Read"/>, writes <see cref="Submit"/>, <c>/v1/workers/*</c>
/// <see cref="Worker"/>, keys and queue pauses <see cref="Admin"/>.
/// </summary>
public static class Scopes
{
    public const string Submit = "submit";
    public const string Read = "read";
    public const string Worker = "worker";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Submit, Read, Worker, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}

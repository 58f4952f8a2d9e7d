using System.Collections.Concurrent;
using System.Reflection;

namespace Escala.Configuration.Binding;

/// <summary>
/// The keys an options class has: its public properties with a public setter, each named in camelCase.
/// Read-only properties (<see cref="EscalaOptions.RunsWorkers"/>) and those with a non-public setter
/// (<see cref="QueueOptions.Name"/>) are not keys.
/// </summary>
internal static class OptionKeys
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Cache = new();

    public static IReadOnlyList<PropertyInfo> Of(Type type) =>
        Cache.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetSetMethod() is not null && p.GetGetMethod() is not null && p.GetIndexParameters().Length == 0)
            .ToArray());

    /// <summary>The property that <paramref name="key"/> names (any case), or null.</summary>
    public static PropertyInfo? Find(Type type, string key) =>
        Of(type).FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The key as users write it: <c>maxAttempts</c> for <c>MaxAttempts</c>.</summary>
    public static string Name(PropertyInfo property) =>
        char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}:{key}";

    /// <summary>A class whose properties are keys (a section), as opposed to a value or a collection.</summary>
    public static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && !ValueReader.Reads(type) && DictionaryValue(type) is null;

    /// <summary>The value type of a <c>Dictionary&lt;string, T&gt;</c>, or null for any other type.</summary>
    public static Type? DictionaryValue(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;
}

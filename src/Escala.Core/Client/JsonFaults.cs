using System.Text.Json;

namespace Escala.Client;

/// <summary>What a <see cref="JsonException"/> from System.Text.Json was about, where its type alone does not say.</summary>
public static class JsonFaults
{
    /// <summary>
    /// The reader refused an object that names a field twice (<c>AllowDuplicateProperties = false</c>). The exception
    /// has no type or code of its own for it: its message is the only sign.
    /// </summary>
    public static bool IsDuplicateProperty(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase);
    }
}

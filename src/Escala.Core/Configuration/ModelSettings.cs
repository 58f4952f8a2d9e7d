namespace Escala.Configuration;

/// <summary>A model's settings after validation: endpoints parsed, the API key read.</summary>
public sealed record ModelSettings
{
    public required string Name { get; init; }
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>The provider's id of the model.</summary>
    public required string Model { get; init; }

    /// <summary>The API key, or null. Never logged.</summary>
    public string? ApiKey { get; init; }

    public required string Resource { get; init; }
    public string? Fallback { get; init; }
    public required int MaxTokens { get; init; }
    public required int EndpointFailures { get; init; }
    public required TimeSpan EndpointOpenFor { get; init; }

    /// <summary>The resource that governs one endpoint (<c>llm.qwen.0</c>), as metrics and breakers name it.</summary>
    public string EndpointName(int index) => $"{Resource}.{Name}.{index}";

    /// <summary>Without the key, so a logged or printed record shows none.</summary>
    public override string ToString() => $"{Name} ({Model}, {Endpoints.Count} endpoint(s))";
}

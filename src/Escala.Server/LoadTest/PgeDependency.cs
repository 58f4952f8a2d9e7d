namespace Escala.Server.LoadTest;

/// <summary>
/// One external dependency of the PGE-MS portal (reference doc 3): its resource limit in Escala, the share of
/// user actions that need it, and how the fake dependency behaves (scaled down: milliseconds, not minutes).
/// </summary>
/// <param name="Resource">The resource name and the fake dependency's path; null for resource-free work (<c>noop</c>).</param>
public sealed record PgeDependency(string Kind, string? Resource, int Limit, int Weight, string Latency, string Jitter)
{
    /// <summary>LLM generation 10, TJMS downloads 5, OCR 3, BERT training 1, plus resource-free work.</summary>
    public static IReadOnlyList<PgeDependency> All { get; } =
    [
        new("llm.generate", "llm", 10, 30, "400ms", "300ms"),
        new("tjms.download", "tjms", 5, 15, "250ms", "150ms"),
        new("ocr", "ocr", 3, 8, "300ms", "100ms"),
        new("bert.training", "training", 1, 1, "1500ms", "500ms"),
        new("noop", null, 0, 46, "0ms", "0ms"),
    ];
}

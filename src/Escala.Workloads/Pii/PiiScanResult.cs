namespace Escala.Workloads.Pii;

/// <summary>The entities of one text and, unless the request said <c>"redact": false</c>, the text redacted.</summary>
public sealed record PiiScanResult(IReadOnlyList<PiiEntity> Entities, string? Redacted);

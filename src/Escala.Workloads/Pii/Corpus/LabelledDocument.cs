namespace Escala.Workloads.Pii.Corpus;

/// <summary>A corpus document: its text and the entities a perfect detector reports in it.</summary>
/// <param name="Id">Unique within its corpus.</param>
/// <param name="Level">clean, unmasked, noisy or adversarial (free text in corpora from elsewhere).</param>
/// <param name="Text">The text.</param>
/// <param name="Entities">The labelled spans, UTF-16 offsets.</param>
public sealed record LabelledDocument(string Id, string Level, string Text, IReadOnlyList<LabelledSpan> Entities);

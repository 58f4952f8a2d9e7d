namespace Escala.Workloads.Pii.Corpus;

/// <summary>A labelled entity in a corpus document: its type and its half-open span in UTF-16 code units.</summary>
public sealed record LabelledSpan(string Type, int Start, int End);

namespace Escala.Workloads.Pii;

/// <summary>
/// One entity found in a text. The span covers the value as written — its mask, OCR-damaged characters and any line
/// break inside it included; for phones the <c>+55</c> and the area code in parentheses included — and never the
/// label before it (<c>CPF:</c>) nor the punctuation around it. Offsets are half-open, from the start of the text.
/// </summary>
/// <param name="Type">One of <see cref="PiiTypes"/>.</param>
/// <param name="Start">Start in UTF-16 code units (a .NET/JavaScript string index).</param>
/// <param name="End">End (exclusive) in UTF-16 code units.</param>
/// <param name="CodePointStart">Start in Unicode code points (a Python string index).</param>
/// <param name="CodePointEnd">End (exclusive) in Unicode code points.</param>
/// <param name="Score">0..1: 1.0 for a valid check digit with its mask or label; format-only matches need context to score high.</param>
public sealed record PiiEntity(string Type, long Start, long End, long CodePointStart, long CodePointEnd, double Score);

using Escala.Telemetry;

namespace Escala.Workloads.Pii;

/// <summary>
/// Keeps personal data out of Escala's logs: every entity the detector finds at <see cref="PiiDefaults.Threshold"/>
/// or above is replaced by its type tag (<c>[CPF]</c>). Install with <c>LogRedaction.Use(new PiiLogRedactor(...))</c>.
/// </summary>
public sealed class PiiLogRedactor(PiiDetector detector) : ILogRedactor
{
    private static readonly RedactionPolicy TagEverything = RedactionPolicy.WithRandomKey(RedactionRule.Tag);

    /// <inheritdoc />
    public string Redact(string text)
    {
        var entities = detector.Scan(text);
        return entities.Count == 0 ? text : PiiRedactor.Redact(text, entities, TagEverything);
    }
}

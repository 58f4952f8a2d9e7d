namespace Escala.Telemetry;

/// <summary>Removes personal data from text before it is written to a log (a handler's error, a bad input).</summary>
public interface ILogRedactor
{
    /// <summary>The text with what must not be logged replaced.</summary>
    string Redact(string text);
}

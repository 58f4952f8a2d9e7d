namespace Escala.Telemetry;

/// <summary>
/// The process-wide hook through which log messages that carry user text pass (see <see cref="Log"/>). Without a
/// redactor the text is logged as it is; the server installs the PII detector at start-up.
/// </summary>
public static class LogRedaction
{
    private static ILogRedactor? _current;

    /// <summary>Installs <paramref name="redactor"/> for every later log message.</summary>
    public static void Use(ILogRedactor redactor) => Volatile.Write(ref _current, redactor);

    /// <summary>The text redacted by the installed redactor; if it throws, a placeholder (never the raw text).</summary>
    public static string Apply(string text)
    {
        var redactor = Volatile.Read(ref _current);
        if (redactor is null || string.IsNullOrEmpty(text))
        {
            return text;
        }

        try
        {
            return redactor.Redact(text);
        }
        catch (Exception)
        {
            return "[message withheld: redaction failed]";
        }
    }
}

namespace Escala.Configuration;

/// <summary>Defaults of <see cref="ModelOptions"/>.</summary>
public static class ModelDefaults
{
    /// <summary>The job kind that calls models.</summary>
    public const string Kind = "llm.chat";
    public const string Resource = "llm";
    public const int MaxTokens = 1024;
    public const int EndpointFailures = 3;
    public const string EndpointOpenFor = "30s";
}

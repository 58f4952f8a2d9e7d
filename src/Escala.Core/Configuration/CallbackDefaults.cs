namespace Escala.Configuration;

/// <summary>Defaults of <see cref="CallbackOptions"/>.</summary>
public static class CallbackDefaults
{
    public const int MaxAttempts = 10;
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
}

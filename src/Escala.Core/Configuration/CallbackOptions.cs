using System.ComponentModel.DataAnnotations;

namespace Escala.Configuration;

/// <summary>
/// Completion callbacks (<c>callbacks</c>): a job with <c>callback.url</c> has its outcome POSTed there once final,
/// signed with HMAC-SHA256 of <see cref="Secret"/> (header <c>Escala-Signature: t=UNIX,v1=HEX</c>), through the
/// <c>security:egress</c> rules of the <c>http</c> kind, retried with backoff.
/// </summary>
public sealed class CallbackOptions : IValidatableOptions
{
    /// <summary>The signing key (at least 16 characters); set it from the environment (<c>ESCALA_Callbacks__Secret</c>) or a secret file, never in the repository.</summary>
    /// <value>Unset by default: jobs with <c>callback</c> are refused.</value>
    public string? Secret { get; set; }

    /// <summary>Attempts before a callback is given up (1–100).</summary>
    /// <value>Defaults to <see cref="CallbackDefaults.MaxAttempts"/> (10).</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = CallbackDefaults.MaxAttempts;

    /// <summary>Base of the backoff between attempts (base × 2^(attempt−1)).</summary>
    /// <value>Defaults to <see cref="CallbackDefaults.Backoff"/> (1s).</value>
    [Positive]
    public TimeSpan Backoff { get; set; } = CallbackDefaults.Backoff;

    /// <summary>Longest backoff.</summary>
    /// <value>Defaults to <see cref="CallbackDefaults.MaxBackoff"/> (10m).</value>
    [Positive]
    public TimeSpan MaxBackoff { get; set; } = CallbackDefaults.MaxBackoff;

    /// <summary>Time limit of one POST.</summary>
    /// <value>Defaults to <see cref="CallbackDefaults.Timeout"/> (10s).</value>
    [Positive]
    public TimeSpan Timeout { get; set; } = CallbackDefaults.Timeout;

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        if (Secret is { Length: > 0 and < 16 })
        {
            yield return $"{path}:secret: must have at least 16 characters.";
        }
    }
}

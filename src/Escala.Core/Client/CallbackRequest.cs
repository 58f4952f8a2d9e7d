namespace Escala.Client;

/// <summary>A job's <c>callback</c>: where the server POSTs the outcome, signed with HMAC-SHA256, once the job is final.</summary>
public sealed record CallbackRequest
{
    /// <summary>An absolute http or https URL, reachable under <c>security:egress</c> as for the <c>http</c> kind.</summary>
    public string? Url { get; init; }
}

namespace Escala.Client;

/// <summary>Where the Escala node is and how to authenticate; bound by <c>services.AddEscalaClient(...)</c>.</summary>
public sealed class EscalaClientOptions
{
    /// <summary>The node's or load balancer's base URL. Defaults to <c>ESCALA_URL</c>, then <c>http://127.0.0.1:8080</c>.</summary>
    public Uri BaseAddress { get; set; } = new(Environment.GetEnvironmentVariable("ESCALA_URL") ?? "http://127.0.0.1:8080");

    /// <summary>API key sent as <c>Authorization: Bearer</c>. Defaults to <c>ESCALA_API_KEY</c>; none when empty.</summary>
    public string? ApiKey { get; set; } = Environment.GetEnvironmentVariable("ESCALA_API_KEY");

    /// <summary>Timeout of one request (a <c>wait</c> is added to it). Defaults to 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

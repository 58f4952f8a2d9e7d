namespace Escala.Workloads.Http;

/// <summary>The defaults of the <c>http</c> kind, in one place.</summary>
public static class HttpJobDefaults
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> the kind asks the factory for.</summary>
    public const string ClientName = "Escala.Workloads.Http";

    /// <summary>The method used when the arguments name none: <c>POST</c>.</summary>
    public const string Method = "POST";

    /// <summary>How long a call may take, from sending to the end of the response body, when the arguments name no <c>timeout</c>: 30s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The most bytes of the response body kept in the result (64 KiB); a longer body is kept as truncated text.</summary>
    public const int MaxResponseBytes = 64 * 1024;
}

using System.Text.Json;
using Escala.Execution;

namespace Escala.Workloads.Http;

/// <summary>
/// The arguments of an <c>http</c> job, validated: <c>{"url", "method", "body", "headers", "timeout"}</c>.
/// Anything wrong fails the job permanently with a message naming the argument, since no retry can fix it.
/// </summary>
internal sealed record HttpJobRequest(
    Uri Url,
    HttpMethod Method,
    JsonElement? Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    TimeSpan Timeout)
{
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    public static HttpJobRequest Parse(JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the arguments must be a JSON object such as {\"url\": \"https://example.com/hook\"}.");
        }

        var method = ParseMethod(args);
        return new HttpJobRequest(
            ParseUrl(args),
            method,
            method == HttpMethod.Get || method == HttpMethod.Head ? null : args.TryGetProperty("body", out var body) ? body : EmptyObject,
            ParseHeaders(args),
            ParseTimeout(args));
    }

    private static Uri ParseUrl(JsonElement args)
    {
        if (!args.TryGetProperty("url", out var url) || url.ValueKind == JsonValueKind.Null)
        {
            throw Invalid("args.url is required.");
        }

        var text = url.ValueKind == JsonValueKind.String ? url.GetString()! : string.Empty;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.IsFile && !text.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            // A path such as /hook parses as an implicit file URI on Unix: it is a relative URL here.
            throw Invalid("args.url must be an absolute URL such as https://example.com/hook.");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid($"args.url must use http or https, not '{uri.Scheme}'.");
        }

        return uri;
    }

    private static HttpMethod ParseMethod(JsonElement args)
    {
        if (!args.TryGetProperty("method", out var method) || method.ValueKind == JsonValueKind.Null)
        {
            return HttpMethod.Post;
        }

        var text = method.ValueKind == JsonValueKind.String ? method.GetString() : null;
        try
        {
            return HttpMethod.Parse(text);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Invalid("args.method must be an HTTP method such as POST, PUT or GET.");
        }
    }

    private static List<KeyValuePair<string, string>> ParseHeaders(JsonElement args)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (!args.TryGetProperty("headers", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return headers;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("args.headers must be an object of names to string values.");
        }

        foreach (var header in element.EnumerateObject())
        {
            if (header.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"args.headers.{header.Name} must be a string.");
            }

            var value = header.Value.GetString()!;
            if (!IsToken(header.Name) || Forbidden.Contains(header.Name))
            {
                throw Invalid($"args.headers.{Printable(header.Name)} is not a header this kind may set.");
            }

            if (value.Any(c => (c < 0x20 && c != '\t') || c == 0x7F))
            {
                throw Invalid($"args.headers.{header.Name} has a control character (CR, LF…).");
            }

            headers.Add(new KeyValuePair<string, string>(header.Name, value));
        }

        return headers;
    }

    /// <summary>Headers the connection owns: a job may not set them (Host would redirect the call; the others would break framing).</summary>
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Keep-Alive", "TE", "Trailer", "Expect",
        "Proxy-Authorization", "Proxy-Connection",
    };

    private static bool IsToken(string name) =>
        name.Length is > 0 and <= 256 && name.All(c => c is > ' ' and < (char)0x7F && !"()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal));

    private static string Printable(string name) => new(name.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static TimeSpan ParseTimeout(JsonElement args)
    {
        if (!args.TryGetProperty("timeout", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return HttpJobDefaults.Timeout;
        }

        if (element.ValueKind != JsonValueKind.String || !Durations.TryParse(element.GetString(), out var timeout) || timeout <= TimeSpan.Zero)
        {
            throw Invalid("args.timeout must be a duration longer than zero, such as 500ms, 30s or 2m.");
        }

        return timeout;
    }

    private static PermanentJobException Invalid(string message) => new($"http: {message}");
}

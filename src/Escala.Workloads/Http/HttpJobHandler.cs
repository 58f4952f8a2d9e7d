using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Escala.Execution;

namespace Escala.Workloads.Http;

/// <summary>
/// The <c>http</c> kind: calls the user's own endpoint with the job's <c>body</c> as JSON.
/// A 2xx response completes the job with an <see cref="HttpJobResult"/>; 429 and 5xx, timeouts and network
/// errors are transient (retried, not before the response's <c>Retry-After</c> when it has one); any other
/// status and bad arguments are permanent.
/// </summary>
/// <remarks>
/// Arguments: <c>url</c> (required, http or https), <c>method</c> (defaults to <c>POST</c>), <c>body</c>
/// (any JSON, defaults to <c>{}</c>; not sent with GET or HEAD), <c>headers</c> (names to strings) and
/// <c>timeout</c> (a duration such as <c>30s</c>; defaults to <see cref="HttpJobDefaults.Timeout"/>).
/// Every call says who calls, so the callee can make its side effects idempotent: <c>Escala-Job-Id</c>,
/// <c>Escala-Attempt</c> and <c>Idempotency-Key</c> (the job's idempotency key, or <c>escala-job-{id}</c>
/// when it has none); a header of the same name in <c>headers</c> wins.
/// </remarks>
public sealed class HttpJobHandler : IJobHandler
{
    /// <summary>The job kind: <c>http</c>.</summary>
    public const string JobKind = "http";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    /// <param name="clients">Gives the client named <see cref="HttpJobDefaults.ClientName"/>.</param>
    /// <param name="time">The clock the per-call timeout and HTTP-date <c>Retry-After</c> values are measured with.</param>
    public HttpJobHandler(IHttpClientFactory clients, TimeProvider time)
    {
        _clients = clients;
        _time = time;
    }

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var call = HttpJobRequest.Parse(context.Args);
        using var request = CreateRequest(call);
        CallerHeaders.Add(request, context.Job);
        using var timeout = new CancellationTokenSource(call.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = _clients.CreateClient(HttpJobDefaults.ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new HttpJobResult(status, await ReadBodyAsync(response.Content, linked.Token));
            }

            var failure = $"http: {call.Method} {call.Url.Host} answered {status} {response.ReasonPhrase}.";
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
            {
                // A 429 is a throttle even without Retry-After (zero: no pause, but adaptive limits back off).
                var throttle = response.StatusCode == HttpStatusCode.TooManyRequests ? TimeSpan.Zero : (TimeSpan?)null;
                throw new TransientJobException(failure, RetryAfter(response.Headers.RetryAfter) ?? throttle);
            }

            throw new PermanentJobException(failure);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientJobException($"http: {call.Method} {call.Url.Host} timed out after {Durations.Format(call.Timeout)}.", inner: ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is EgressRefusedException refused)
        {
            throw new PermanentJobException($"http: {call.Method} {call.Url.Host} refused: {refused.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientJobException($"http: {call.Method} {call.Url.Host} failed: {ex.Message}", inner: ex);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpJobRequest call)
    {
        var request = new HttpRequestMessage(call.Method, call.Url);
        if (call.Body is { } body)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
            request.Content.Headers.ContentType = JsonMediaType;
        }

        foreach (var (name, value) in call.Headers)
        {
            if (!TryAddHeader(request, name, value))
            {
                request.Dispose();
                throw new PermanentJobException($"http: args.headers.{name} cannot be sent with this request.");
            }
        }

        return request;
    }

    /// <summary>Adds a request header, or a content header such as Content-Type (replacing the default).</summary>
    private static bool TryAddHeader(HttpRequestMessage request, string name, string value)
    {
        try
        {
            if (request.Headers.TryAddWithoutValidation(name, value))
            {
                return true;
            }

            if (request.Content is null)
            {
                return false;
            }

            request.Content.Headers.Remove(name);
            return request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        catch (FormatException)
        {
            return false; // not a valid header name
        }
    }

    private static async Task<JsonElement?> ReadBodyAsync(HttpContent content, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HttpJobDefaults.MaxResponseBytes + 1);
        try
        {
            var length = 0;
            await using (var stream = await content.ReadAsStreamAsync(ct))
            {
                int read;
                while (length <= HttpJobDefaults.MaxResponseBytes &&
                       (read = await stream.ReadAsync(buffer.AsMemory(length, HttpJobDefaults.MaxResponseBytes + 1 - length), ct)) > 0)
                {
                    length += read;
                }
            }

            return length == 0 ? null : ToElement(buffer, length, content.Headers.ContentType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parsed JSON when the body says it is JSON, complete and valid; otherwise the text, cut at the limit.</summary>
    private static JsonElement ToElement(byte[] buffer, int length, MediaTypeHeaderValue? type)
    {
        var truncated = length > HttpJobDefaults.MaxResponseBytes;
        if (!truncated && IsJson(type))
        {
            try
            {
                using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Says JSON but is not: keep it as text.
            }
        }

        if (truncated)
        {
            length = HttpJobDefaults.MaxResponseBytes;
            while (length > 0 && (buffer[length] & 0xC0) == 0x80)
            {
                length--; // never split a UTF-8 character
            }
        }

        return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(buffer, 0, length));
    }

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media &&
        (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}

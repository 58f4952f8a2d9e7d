using System.Net;
using System.Text.Json;

namespace Escala.Server.Tests.Support;

internal sealed record SseEvent(string Name, JsonElement Data);

/// <summary>Reads server-sent events off a real HTTP response, each read bounded in time.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<SseStream> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public async Task<SseEvent> NextAsync() =>
        await NextOrEndAsync() ?? throw new InvalidOperationException("The event stream ended.");

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<SseEvent?> NextOrEndAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string? name = null;
        string? data = null;
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null && data is not null)
                {
                    using var document = JsonDocument.Parse(data);
                    return new SseEvent(name, document.RootElement.Clone());
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        return null;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}

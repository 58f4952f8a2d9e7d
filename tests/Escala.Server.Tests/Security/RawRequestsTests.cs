using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Escala.Server.Security;

namespace Escala.Server.Tests.Security;

/// <summary>
/// Requests that are not HTTP a client library would send, written byte by byte on a socket: Kestrel refuses them
/// before any middleware. Each gets a 4xx (never 505) with problem+json and the security headers, and writes nothing.
/// </summary>
public sealed class RawRequestsTests : SecureNodeTest
{
    private static readonly Dictionary<string, (string Request, int Status)> Cases = new()
    {
        ["space in the path"] = ("GET /v1/jobs x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
        ["not http"] = ("GARBAGE\r\n\r\n", 400),
        ["no host"] = ("GET /v1/jobs HTTP/1.1\r\n\r\n", 400),
        ["two hosts"] = ("GET /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.2\r\n\r\n", 400),
        ["header without colon"] = ("GET /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", 400),
        ["nul in the path"] = ("GET /v1/\0jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
        ["unknown http version"] = ("GET /v1/jobs HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400),
        ["negative length"] = ("POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n", 400),
        ["request line beyond kestrel's limit"] = ($"GET /v1/jobs?k={new string('k', 40_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        ["headers beyond kestrel's limit"] = ($"GET /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {new string('h', 200_000)}\r\n\r\n", 431),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Malformed_RefusedWithProblemJson_NothingWritten(string name)
    {
        var (request, status) = Cases[name];
        var before = await CountJobsAsync();

        var (head, body) = await SendAsync(request);

        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Content-Type-Options: nosniff\r\n", head, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        Assert.Equal(before, await CountJobsAsync());
    }

    [Fact]
    public async Task WellFormedRequestOnTheSameConnection_PassesThroughUntouched()
    {
        // Two requests on one connection, the second a refusal: the first answer is the API's own, byte for byte as
        // an HTTP client sees it, and the second is replaced.
        var (head, rest) = await SendAsync(
            "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /v1/jobs HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 400 Bad Request\r\n", rest, StringComparison.Ordinal);
        Assert.Contains("\"status\":400", rest, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_LeavesResponsesThatAreNotKestrelsRefusalAlone()
    {
        var date = "Date: Wed, 02 Dec 2026 01:08:06 GMT\r\n";
        Assert.NotNull(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n{date}\r\n")));
        Assert.Null(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n{date}\r\n")));
        Assert.Null(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n{date}X-Content-Type-Options: nosniff\r\n\r\n")));
        Assert.Null(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes($"HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\nConnection: close\r\n{date}\r\n")));
    }

    /// <summary>Writes <paramref name="request"/> and reads until the server closes: the first response's head, and everything after it.</summary>
    private async Task<(string Head, string After)> SendAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Node.Address.Host, Node.Address.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before a large request is written: its answer is still there to read.
        }

        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer (unread request bytes left when the server closed) ends the read.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no response head in: {text}");
        return (text[..(end + 2)], text[(end + 4)..]);
    }
}

using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace Escala.Server.Security;

/// <summary>
/// Kestrel refuses what it cannot parse — a malformed request line or header, a missing <c>Host</c>, an unknown HTTP
/// version, its own size limits and header timeout — before any middleware runs, with an empty body, and answers an
/// unknown HTTP version with 505. It has no hook for those responses, so a connection middleware recognises them as
/// Kestrel writes them (status line, <c>Content-Length: 0</c>, <c>Connection: close</c>, <c>Date</c>, nothing else:
/// every response of ours carries the security headers) and writes problem+json with the security headers in their
/// place. 505 becomes 400: the version is the client's error, and no input gets a 5xx. Everything else passes
/// through untouched, at the cost of one length test per write.
/// </summary>
public static class KestrelRefusals
{
    private static readonly byte[] StatusLinePrefix = "HTTP/1.1 "u8.ToArray();
    private static readonly byte[] EmptyAndClosing = "Content-Length: 0\r\nConnection: close\r\nDate: "u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Kestrel's refusal is about 100 bytes (status line, three headers); our responses are longer or differ at once.</summary>
    private const int ShortestRefusal = 60;
    private const int LongestRefusal = 160;

    /// <summary>Adds the middleware to a listen endpoint (<c>ConfigureEndpointDefaults</c> applies it to every one).</summary>
    public static void Use(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Transport = new Transport(connection.Transport);
            return next(connection);
        });
    }

    /// <summary>The problem+json response that replaces Kestrel's own refusal in <paramref name="written"/>; null for anything else.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (written.Length is < ShortestRefusal or > LongestRefusal || !written.StartsWith(StatusLinePrefix)
            || !TryStatus(written[StatusLinePrefix.Length..], out var status) || status < 400)
        {
            return null;
        }

        var lineEnd = written.IndexOf("\r\n"u8);
        var headers = written[(lineEnd + 2)..];
        if (lineEnd < 0 || !headers.StartsWith(EmptyAndClosing))
        {
            return null;
        }

        var date = headers[EmptyAndClosing.Length..];
        var dateEnd = date.IndexOf("\r\n"u8);
        if (dateEnd <= 0 || !date[dateEnd..].SequenceEqual("\r\n\r\n"u8))
        {
            return null;
        }

        var answered = status == 505 ? 400 : status;
        var body = JsonSerializer.SerializeToUtf8Bytes(ProblemWriter.Body(answered, DetailFor(status)), Json);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {answered} {ReasonPhrases.GetReasonPhrase(answered)}\r\n")
            .Append("Content-Type: application/problem+json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append("Connection: close\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {Encoding.ASCII.GetString(date[..dateEnd])}\r\n")
            .Append("Cache-Control: no-store\r\n");
        foreach (var (name, value) in Hosting.SecurityHeaders.All)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    private static bool TryStatus(ReadOnlySpan<byte> rest, out int status)
    {
        status = 0;
        if (rest.Length < 4 || rest[3] != (byte)' ')
        {
            return false;
        }

        foreach (var digit in rest[..3])
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            status = (status * 10) + (digit - '0');
        }

        return true;
    }

    /// <summary>What Kestrel alone refuses says so; its limits read as the API's own (<see cref="ErrorResponses.DetailFor"/>).</summary>
    private static string DetailFor(int status) => status switch
    {
        400 => "The request could not be parsed as HTTP: a malformed request line or header, invalid framing, or no Host header.",
        505 => "This HTTP version is not served: use HTTP/1.1 or HTTP/2.",
        _ => ErrorResponses.DetailFor(status),
    };

    private sealed class Transport(IDuplexPipe inner) : IDuplexPipe
    {
        public PipeReader Input { get; } = inner.Input;

        public PipeWriter Output { get; } = new Writer(inner.Output);
    }

    /// <summary>
    /// Hands out the transport's own buffers; when what was written into one is Kestrel's refusal, it is not committed
    /// and the problem+json response is written over it instead.
    /// </summary>
    private sealed class Writer(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _handedOut;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _handedOut = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (_handedOut = inner.GetMemory(sizeHint)).Span;

        public override void Advance(int bytes)
        {
            var written = bytes <= _handedOut.Length ? _handedOut[..bytes] : default;
            _handedOut = default;
            if (bytes is >= ShortestRefusal and <= LongestRefusal && Rewrite(written.Span) is { } problem)
            {
                inner.Write(problem);
                return;
            }

            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(Rewrite(source.Span) ?? source, cancellationToken);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}

using Escala.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace Escala.Server.Security;

/// <summary>
/// Each endpoint's largest body, enforced by Kestrel while reading (a declared larger body is refused before
/// it is read; a chunked one when it passes the limit): a submit carries at most the arguments limit and an
/// envelope, a batch <c>security:maxBatchBodyBytes</c>, a worker's result or progress the arguments limit, and
/// calls that carry no job data (leases, heartbeats, pauses, keys) 64 KiB.
/// </summary>
/// <remarks>
/// Bodies larger than a submit (batches) are read at most <see cref="SecurityDefaults.LargeBodiesAtOnce"/> at a time
/// per node; others wait for a turn (up to <see cref="SecurityDefaults.LargeBodyWait"/>, then 503 with Retry-After),
/// so twenty concurrent 100 MiB posts cannot hold twenty large buffers at once. A batch no larger than a submit needs
/// no turn: a declared length says so at once; a chunked body takes its turn only when its reading passes that size.
/// </remarks>
public sealed class BodyLimits(RequestDelegate next, EscalaOptions settings, SecuritySettings security, LargeBodyTurns large)
{

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = LimitFor(context.Request.Method, RouteOf.Get(context), settings, security);
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        var submitSize = settings.Limits.MaxArgsBytes + SecurityDefaults.EnvelopeBytes;
        if (limit <= submitSize || context.Request.ContentLength <= submitSize)
        {
            await next(context);
            return;
        }

        if (context.Request.ContentLength is null)
        {
            await WithTurnOnceLargeAsync(context, submitSize);
            return;
        }

        if (!await large.TakeAsync(context.RequestAborted))
        {
            await RefuseAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            large.Release();
        }
    }

    /// <summary>A chunked body: read freely up to a submit's size, then only with a turn.</summary>
    private async Task WithTurnOnceLargeAsync(HttpContext context, long submitSize)
    {
        var original = context.Request.Body;
        var body = new TurnOnceLarge(original, submitSize, large);
        context.Request.Body = body;
        try
        {
            await next(context);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            await RefuseAsync(context);
        }
        finally
        {
            context.Request.Body = original;
            body.ReleaseTurn();
        }
    }

    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return ProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
            "Too many large requests are being read on this node; retry shortly.");
    }

    /// <summary>The refusal, as thrown by the body or wrapped by whatever was reading it (the JSON binding).</summary>
    private static bool IsRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is NoTurnForLargeBody)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class NoTurnForLargeBody : Exception
    {
        public NoTurnForLargeBody()
            : base("No turn to read a large body came in time.")
        {
        }
    }

    /// <summary>A request body that takes a large-body turn before reading past <paramref name="threshold"/> bytes.</summary>
    private sealed class TurnOnceLarge(Stream inner, long threshold, LargeBodyTurns turns) : Stream
    {
        private long _read;
        private bool _taken;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_taken && _read >= threshold)
            {
                if (!await turns.TakeAsync(cancellationToken))
                {
                    throw new NoTurnForLargeBody();
                }

                _taken = true;
            }

            var read = await inner.ReadAsync(buffer, cancellationToken);
            _read += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Bodies are read asynchronously.");

        public void ReleaseTurn()
        {
            if (_taken)
            {
                _taken = false;
                turns.Release();
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public static long LimitFor(string method, string route, EscalaOptions settings, SecuritySettings security)
    {
        var path = route;
        var withArgs = settings.Limits.MaxArgsBytes + SecurityDefaults.EnvelopeBytes;
        if (!RequestGuards.ChangesState(method))
        {
            return SecurityDefaults.SmallBodyBytes;
        }

        if (path == "/v1/pii/scan")
        {
            return Escala.Workloads.Pii.PiiDefaults.MaxSyncRequestBytes; // the text's own limit is checked after parsing
        }

        if (path == "/v1/jobs/batch")
        {
            return security.Options.MaxBatchBodyBytes;
        }

        if (path.StartsWith("/v1/workers/", StringComparison.Ordinal))
        {
            return path.EndsWith("/complete", StringComparison.Ordinal) || path.EndsWith("/progress", StringComparison.Ordinal)
                ? withArgs
                : SecurityDefaults.SmallBodyBytes;
        }

        if (path.StartsWith("/v1/keys", StringComparison.Ordinal) || path.StartsWith("/v1/queues", StringComparison.Ordinal)
            || path.EndsWith("/cancel", StringComparison.Ordinal) || path.EndsWith("/retry", StringComparison.Ordinal))
        {
            return SecurityDefaults.SmallBodyBytes;
        }

        return withArgs;
    }

    /// <summary>Kestrel's own ceiling: the largest any endpoint allows.</summary>
    public static long Ceiling(EscalaOptions settings, SecuritySettings security) =>
        Math.Max(security.Options.MaxBatchBodyBytes, settings.Limits.MaxArgsBytes + SecurityDefaults.EnvelopeBytes);
}

using System.Text;
using Escala.Execution;

namespace Escala.Workloads.Llm;

/// <summary>
/// Publishes a reply while it is generated, as the job's progress <c>{"text": "…all so far…", "tokens": N}</c>, at most
/// once per interval (and once at the end): watchers of <c>GET /v1/jobs/{id}/events</c> get the new part as
/// <c>token</c> events. The text is cumulative, so a watcher that misses a progress write loses nothing.
/// </summary>
public sealed class TokenStream(JobContext context, TimeSpan interval, TimeProvider time)
{
    private readonly StringBuilder _text = new();
    private long _lastReport = time.GetTimestamp();
    private int _published;

    /// <summary>Pieces received so far (a piece is usually one token).</summary>
    public int Tokens { get; private set; }

    /// <summary>The reply so far.</summary>
    public string Text => _text.ToString();

    /// <summary>Adds a piece of the reply; publishes when the interval since the last publication is up.</summary>
    public async ValueTask AddAsync(string piece, CancellationToken ct)
    {
        if (piece.Length == 0)
        {
            return;
        }

        _text.Append(piece);
        Tokens++;
        if (time.GetElapsedTime(_lastReport) >= interval)
        {
            await PublishAsync(ct);
        }
    }

    /// <summary>Publishes whatever was not published yet.</summary>
    public async ValueTask PublishAsync(CancellationToken ct)
    {
        if (_text.Length == _published)
        {
            return;
        }

        _published = _text.Length;
        _lastReport = time.GetTimestamp();
        await context.ReportProgressAsync(new { text = _text.ToString(), tokens = Tokens }, ct);
    }
}

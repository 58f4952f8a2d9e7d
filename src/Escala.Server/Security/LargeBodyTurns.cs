using Escala.Configuration;

namespace Escala.Server.Security;

/// <summary>
/// Turns to read a body larger than a submit's on this node: <see cref="SecurityDefaults.LargeBodiesAtOnce"/> at a time
/// (<see cref="BodyLimits"/>). A singleton, so the container disposes it with the node.
/// </summary>
public sealed class LargeBodyTurns(TimeSpan wait) : IDisposable
{
    private readonly SemaphoreSlim _turns = new(SecurityDefaults.LargeBodiesAtOnce);

    /// <summary>Turns that wait up to <see cref="SecurityDefaults.LargeBodyWait"/>.</summary>
    public LargeBodyTurns()
        : this(SecurityDefaults.LargeBodyWait)
    {
    }

    /// <summary>Waits up to the wait given at construction for a turn; false when none came.</summary>
    public Task<bool> TakeAsync(CancellationToken ct) => _turns.WaitAsync(wait, ct);

    public void Release() => _turns.Release();

    public void Dispose() => _turns.Dispose();
}

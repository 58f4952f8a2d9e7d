using System.Collections.Concurrent;

namespace Escala.Server.Security;

/// <summary>Counts open server-sent event streams per caller and in total, against <c>security:maxStreamsPerKey</c> and <c>security:maxStreams</c>.</summary>
public sealed class StreamSlots(SecuritySettings security)
{
    private readonly ConcurrentDictionary<string, int> _byCaller = new(StringComparer.Ordinal);
    private int _total;

    public bool TryTake(string caller)
    {
        if (Interlocked.Increment(ref _total) > security.Options.MaxStreams)
        {
            Interlocked.Decrement(ref _total);
            return false;
        }

        var mine = _byCaller.AddOrUpdate(caller, 1, (_, n) => n + 1);
        if (mine > security.Options.MaxStreamsPerKey)
        {
            Give(caller);
            return false;
        }

        return true;
    }

    public void Give(string caller)
    {
        Interlocked.Decrement(ref _total);
        if (_byCaller.AddOrUpdate(caller, 0, (_, n) => n - 1) <= 0)
        {
            _byCaller.TryRemove(new KeyValuePair<string, int>(caller, 0));
        }
    }

    public int Open => Volatile.Read(ref _total);
}

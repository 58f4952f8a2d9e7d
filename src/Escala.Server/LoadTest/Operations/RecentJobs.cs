namespace Escala.Server.LoadTest.Operations;

/// <summary>The ids of the last jobs this run submitted (a ring of 1,024), for status polls.</summary>
public sealed class RecentJobs
{
    private readonly long[] _ids = new long[1024];
    private long _count;

    public void Add(long id)
    {
        var slot = Interlocked.Increment(ref _count) - 1;
        Volatile.Write(ref _ids[slot % _ids.Length], id);
    }

    public long? Pick()
    {
        var count = Math.Min(Interlocked.Read(ref _count), _ids.Length);
        if (count == 0)
        {
            return null;
        }

        var id = Volatile.Read(ref _ids[Random.Shared.NextInt64(count)]);
        return id == 0 ? null : id;
    }
}

namespace Escala.Watching;

/// <summary>The watcher's timings.</summary>
public static class JobWatcherDefaults
{
    /// <summary>
    /// How often every watched job is read again, in one batched read, whatever wake-ups said (1 s): the
    /// safety net for a missed notification or a change no signal covers (a promotion on the leader).
    /// </summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>Most ids in one status read.</summary>
    public const int ReadBatch = 500;
}

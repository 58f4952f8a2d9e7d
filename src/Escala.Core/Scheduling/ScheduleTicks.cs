namespace Escala.Scheduling;

/// <summary>
/// Which ticks a due schedule enqueues now (pure). Ticks from the stored next run up to now are each enqueued while
/// they are no older than the misfire grace (a leader fail-over loses none); older ones were missed while the cluster
/// was down: <see cref="MisfirePolicy.Skip"/> drops them, <see cref="MisfirePolicy.RunOnce"/> enqueues one job for the
/// latest of them. At most <see cref="ScheduleDefaults.MaxTicksPerRound"/> ticks per call; the rest come next round.
/// </summary>
public static class ScheduleTicks
{
    private const int MaxWalk = 1_000_000;

    /// <param name="Enqueue">The tick instants to enqueue a job for, oldest first.</param>
    /// <param name="NextRunAt">The first tick not handled: the schedule's new next run (null when it never fires again).</param>
    /// <param name="Missed">True when ticks older than the grace were found (and skipped or folded into one).</param>
    public sealed record Plan(IReadOnlyList<DateTimeOffset> Enqueue, DateTimeOffset? NextRunAt, bool Missed);

    public static Plan Due(ScheduleTiming timing, DateTimeOffset nextRunAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(timing);
        var enqueue = new List<DateTimeOffset>();
        DateTimeOffset? tick = nextRunAt;
        var cutoff = now - timing.MisfireGrace;
        var missed = nextRunAt < cutoff;
        if (missed)
        {
            // The latest tick older than the grace.
            var last = nextRunAt;
            for (var i = 0; i < MaxWalk && timing.Next(last) is { } next && next < cutoff; i++)
            {
                last = next;
            }

            if (timing.Misfire == MisfirePolicy.RunOnce)
            {
                enqueue.Add(last);
            }

            tick = timing.Next(last);
        }

        while (tick is { } at && at <= now && enqueue.Count < ScheduleDefaults.MaxTicksPerRound)
        {
            enqueue.Add(at);
            tick = timing.Next(at);
        }

        return new Plan(enqueue, tick, missed);
    }
}

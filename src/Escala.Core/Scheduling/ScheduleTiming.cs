using Cronos;

namespace Escala.Scheduling;

/// <summary>
/// When a schedule ticks: a cron expression in a time zone, or a fixed interval aligned to the Unix epoch (so
/// every node computes the same instants). Pure; built from a <see cref="ScheduleSpec"/> by <see cref="TryCreate"/>.
/// </summary>
public sealed class ScheduleTiming
{
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan _every;

    private ScheduleTiming(CronExpression? cron, TimeZoneInfo zone, TimeSpan every, MisfirePolicy misfire, TimeSpan misfireGrace)
    {
        _cron = cron;
        _zone = zone;
        _every = every;
        Misfire = misfire;
        MisfireGrace = misfireGrace;
    }

    public MisfirePolicy Misfire { get; }

    public TimeSpan MisfireGrace { get; }

    /// <summary>The first tick strictly after <paramref name="after"/>; null when the cron expression never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (_cron is not null)
        {
            return _cron.GetNextOccurrence(after, _zone);
        }

        var ticks = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var next = ((ticks / _every.Ticks) + 1) * _every.Ticks;
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + next, TimeSpan.Zero);
    }

    /// <summary>The next <paramref name="count"/> ticks from <paramref name="from"/> (included).</summary>
    public IReadOnlyList<DateTimeOffset> Upcoming(DateTimeOffset from, int count)
    {
        var runs = new List<DateTimeOffset>(count);
        var at = Next(from - TimeSpan.FromTicks(1));
        while (at is { } tick && runs.Count < count)
        {
            runs.Add(tick);
            at = Next(tick);
        }

        return runs;
    }

    /// <summary>
    /// Reads the timing of <paramref name="spec"/>; each fault goes to <paramref name="fail"/> with its field
    /// (<c>cron</c>, <c>every</c>, <c>timeZone</c>, <c>misfireGrace</c>) and null is returned.
    /// </summary>
    public static ScheduleTiming? TryCreate(ScheduleSpec spec, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(fail);
        var ok = true;
        CronExpression? cron = null;
        var every = TimeSpan.Zero;
        if ((spec.Cron is null) == (spec.Every is null))
        {
            fail(spec.Cron is null ? "cron" : "every", "Give either cron (such as \"0 */5 * * * *\") or every (such as \"30s\"), not both.");
            ok = false;
        }
        else if (spec.Cron is not null)
        {
            var fields = spec.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            if (fields is not (5 or 6) || !CronExpression.TryParse(spec.Cron, format, out cron))
            {
                fail("cron", "Not a cron expression of 5 fields (minute hour day month weekday) or 6 with seconds first.");
                ok = false;
            }
        }
        else if (!Durations.TryParse(spec.Every, out every) || every < ScheduleDefaults.MinEvery || every > ScheduleDefaults.MaxEvery)
        {
            fail("every", $"Not an interval from {Durations.Format(ScheduleDefaults.MinEvery)} to {Durations.Format(ScheduleDefaults.MaxEvery)}, such as 30s or 5m.");
            ok = false;
        }

        var zone = TimeZoneInfo.Utc;
        if (spec.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(spec.TimeZone, out zone))
        {
            fail("timeZone", "Not an IANA time zone such as America/Sao_Paulo or UTC.");
            ok = false;
        }
        else if (spec.TimeZone is not null && spec.Every is not null)
        {
            fail("timeZone", "A time zone applies to cron only; every counts from the Unix epoch.");
            ok = false;
        }

        var grace = ScheduleDefaults.MisfireGrace;
        if (spec.MisfireGrace is not null
            && (!Durations.TryParse(spec.MisfireGrace, out grace) || grace < TimeSpan.Zero || grace > ScheduleDefaults.MaxEvery))
        {
            fail("misfireGrace", $"Not a duration of at most {Durations.Format(ScheduleDefaults.MaxEvery)}, such as 1m.");
            ok = false;
        }

        return ok ? new ScheduleTiming(cron, zone ?? TimeZoneInfo.Utc, every, spec.Misfire ?? MisfirePolicy.Skip, grace) : null;
    }
}

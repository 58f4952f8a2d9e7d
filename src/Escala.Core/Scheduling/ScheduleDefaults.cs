namespace Escala.Scheduling;

/// <summary>Defaults of a schedule (<c>schedules:NAME</c> and <c>POST /v1/schedules</c>).</summary>
public static class ScheduleDefaults
{
    /// <summary>The time zone of cron expressions: UTC.</summary>
    public const string TimeZone = "UTC";

    /// <summary>Ticks missed by less than this are each still enqueued (a leader fail-over); older ones follow the misfire policy.</summary>
    public static readonly TimeSpan MisfireGrace = TimeSpan.FromMinutes(1);

    /// <summary>Shortest fixed interval (<c>every</c>).</summary>
    public static readonly TimeSpan MinEvery = TimeSpan.FromSeconds(1);

    /// <summary>Longest fixed interval and misfire grace.</summary>
    public static readonly TimeSpan MaxEvery = TimeSpan.FromDays(366);

    /// <summary>Most ticks one schedule enqueues in one round of the leader (catch-up after a fail-over).</summary>
    public const int MaxTicksPerRound = 100;

    /// <summary>Next runs listed per schedule unless <c>?next=</c> asks otherwise; at most <see cref="MaxNextRuns"/>.</summary>
    public const int NextRuns = 3;

    public const int MaxNextRuns = 100;

    /// <summary>The <c>source</c> of schedules declared in configuration: the leader keeps them as configured.</summary>
    public const string ConfigSource = "config";

    /// <summary>The <c>source</c> of schedules created through the API.</summary>
    public const string ApiSource = "api";
}

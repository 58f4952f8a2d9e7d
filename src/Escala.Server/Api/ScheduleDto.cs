using System.Text.Json.Serialization;
using Escala.Client;
using Escala.Scheduling;

namespace Escala.Server.Api;

/// <summary>A schedule as the API shows it.</summary>
public sealed record ScheduleDto(
    string Name,
    string? Cron,
    string? Every,
    string TimeZone,
    [property: JsonConverter(typeof(MisfireJsonConverter))] MisfirePolicy Misfire,
    string MisfireGrace,
    JobRequest Job,
    string Source,
    bool Paused,
    DateTimeOffset? NextRunAt,
    IReadOnlyList<DateTimeOffset> NextRuns,
    DateTimeOffset? LastRunAt,
    long? LastJobId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ScheduleDto From(Schedule schedule, int nextRuns)
    {
        var spec = ScheduleValidator.Deserialize(schedule.Definition);
        return new ScheduleDto(schedule.Name, spec.Cron, spec.Every, spec.Cron is null ? ScheduleDefaults.TimeZone : spec.TimeZone ?? ScheduleDefaults.TimeZone,
            spec.Misfire ?? MisfirePolicy.Skip, spec.MisfireGrace ?? Durations.Format(ScheduleDefaults.MisfireGrace), spec.Job ?? new JobRequest(),
            schedule.Source, schedule.Paused, schedule.NextRunAt, ScheduleManager.Upcoming(schedule, nextRuns), schedule.LastRunAt, schedule.LastJobId,
            schedule.CreatedAt, schedule.UpdatedAt);
    }
}

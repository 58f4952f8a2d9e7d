using System.Text.Json.Serialization;
using Escala.Client;
using Escala.Scheduling;

namespace Escala.Server.Api;

/// <summary>A schedule as <c>POST</c> and <c>PUT /v1/schedules</c> take it.</summary>
public sealed record ScheduleBody
{
    /// <summary>Letters, digits, <c>_ . -</c>; at most 64. Required on POST; on PUT it may repeat the path's.</summary>
    public string? Name { get; init; }

    public string? Cron { get; init; }
    public string? Every { get; init; }
    public string? TimeZone { get; init; }

    [JsonConverter(typeof(MisfireJsonConverter))]
    public MisfirePolicy? Misfire { get; init; }

    public string? MisfireGrace { get; init; }
    public JobRequest? Job { get; init; }

    public ScheduleSpec ToSpec() => new() { Cron = Cron, Every = Every, TimeZone = TimeZone, Misfire = Misfire, MisfireGrace = MisfireGrace, Job = Job };
}

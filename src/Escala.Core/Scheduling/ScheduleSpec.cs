using System.Text.Json.Serialization;
using Escala.Client;

namespace Escala.Scheduling;

/// <summary>
/// A schedule as a user writes it (<c>POST /v1/schedules</c>, or built from <c>schedules:NAME</c>): when it ticks
/// (<see cref="Cron"/> or <see cref="Every"/>) and the job each tick enqueues. Stored as this JSON.
/// </summary>
public sealed record ScheduleSpec
{
    /// <summary>A cron expression with 5 fields, or 6 with seconds first (Cronos syntax).</summary>
    public string? Cron { get; init; }

    /// <summary>A fixed interval (<c>30s</c>, <c>5m</c>); ticks are multiples of it since the Unix epoch, so every node agrees.</summary>
    public string? Every { get; init; }

    /// <summary>IANA time zone of <see cref="Cron"/> (<c>America/Sao_Paulo</c>); defaults to UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary><c>skip</c> (default) or <c>runOnce</c>.</summary>
    [JsonConverter(typeof(MisfireJsonConverter))]
    public MisfirePolicy? Misfire { get; init; }

    /// <summary>Ticks missed by less than this are still each enqueued; defaults to 1m.</summary>
    public string? MisfireGrace { get; init; }

    /// <summary>The job every tick enqueues (no <c>runAt</c>, <c>delay</c> or <c>idempotencyKey</c>: the tick sets them).</summary>
    public JobRequest? Job { get; init; }
}

/// <summary>Writes and reads <see cref="MisfirePolicy"/> as the API spells it: <c>skip</c>, <c>runOnce</c>.</summary>
public sealed class MisfireJsonConverter() : JsonStringEnumConverter<MisfirePolicy>(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false);

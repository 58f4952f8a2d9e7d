using System.Text.Json;
using Escala.Client;
using Escala.Configuration;

namespace Escala.Scheduling;

/// <summary>
/// Checks a schedule (its name, timing and job) without touching the store; the API and the configuration both use
/// it, so a schedule is refused for the same reasons wherever it is written. Faults name the field
/// (<c>cron</c>, <c>job.queue</c>).
/// </summary>
public sealed class ScheduleValidator(EscalaOptions settings)
{
    private readonly JobRequestValidator _jobs = new(settings);

    /// <summary>The spec as JSON, for the store.</summary>
    public static string Serialize(ScheduleSpec spec) => JsonSerializer.Serialize(spec, JsonOptions);

    public static ScheduleSpec Deserialize(string definition) =>
        JsonSerializer.Deserialize<ScheduleSpec>(definition, JsonOptions) ?? throw new JsonException("A schedule's definition is null.");

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The timing of a valid schedule, or a <see cref="JobValidationException"/> naming every field at fault.</summary>
    public ScheduleTiming Validate(string tenant, string? name, ScheduleSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fault = JobRequestFault.Invalid;
        if (!Names.IsValid(name))
        {
            errors["name"] = ["A schedule's name has letters, digits, '_', '.', '-' only, at most 64 characters."];
        }

        var timing = ScheduleTiming.TryCreate(spec, (field, message) => errors[field] = [message]);
        if (spec.Job is not { } job)
        {
            errors["job"] = ["The job each tick enqueues is required (at least its kind)."];
        }
        else
        {
            if (job.RunAt is not null || job.Delay is not null || job.IdempotencyKey is not null)
            {
                var field = job.RunAt is not null ? "job.runAt" : job.Delay is not null ? "job.delay" : "job.idempotencyKey";
                errors[field] = ["A schedule's job takes no runAt, delay or idempotencyKey: each tick sets them."];
            }

            try
            {
                _jobs.Validate(tenant, [job], "", now);
            }
            catch (JobValidationException ex)
            {
                fault = ex.Fault;
                foreach (var (field, messages) in ex.Errors)
                {
                    errors["job." + field] = messages;
                }
            }
        }

        if (errors.Count > 0 || timing is null)
        {
            throw new JobValidationException(fault, "Invalid schedule", errors);
        }

        return timing;
    }

    /// <summary>The job a tick of <paramref name="schedule"/> enqueues, keyed by the schedule and the tick.</summary>
    public Jobs.NewJob JobFor(Schedule schedule, ScheduleSpec spec, DateTimeOffset tick, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(spec);
        var request = (spec.Job ?? new JobRequest()) with { IdempotencyKey = ScheduleKeys.For(schedule.Name, tick), RunAt = null, Delay = null };
        return _jobs.Validate(schedule.Tenant, [request], "", now)[0];
    }
}

using Escala.Client;
using Escala.Scheduling;

namespace Escala.Configuration;

/// <summary>
/// One recurring schedule (<c>schedules:NAME</c>): when it ticks (<see cref="Cron"/> or <see cref="Every"/>) and the job
/// each tick enqueues. The leader applies the configured schedules to the store; the API cannot change or delete them
/// (it can pause and resume them). Checked at start-up by the same rules as <c>POST /v1/schedules</c>.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>A cron expression, 5 fields or 6 with seconds first (<c>0 */5 * * * *</c>).</summary>
    /// <value>Unset by default; give this or <see cref="Every"/>.</value>
    public string? Cron { get; set; }

    /// <summary>A fixed interval (<c>30s</c>, <c>5m</c>; 1s to 366d), counted from the Unix epoch.</summary>
    /// <value>Unset by default; give this or <see cref="Cron"/>.</value>
    public string? Every { get; set; }

    /// <summary>IANA time zone of <see cref="Cron"/> (<c>America/Sao_Paulo</c>).</summary>
    /// <value>Unset by default: UTC.</value>
    public string? TimeZone { get; set; }

    /// <summary>What to do with ticks missed for longer than <see cref="MisfireGrace"/>: <c>skip</c> or <c>runOnce</c>.</summary>
    /// <value>Defaults to <c>skip</c>.</value>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.Skip;

    /// <summary>Ticks missed by less than this are each still enqueued (a leader fail-over).</summary>
    /// <value>Defaults to <see cref="ScheduleDefaults.MisfireGrace"/> (1m).</value>
    public string? MisfireGrace { get; set; }

    /// <summary>The tenant the jobs belong to.</summary>
    /// <value>Defaults to <c>default</c>.</value>
    public string Tenant { get; set; } = "default";

    /// <summary>The job's kind (required).</summary>
    public string? Kind { get; set; }

    /// <summary>The job's queue.</summary>
    /// <value>Defaults to <c>default</c>.</value>
    public string? Queue { get; set; }

    /// <summary>The job's arguments as JSON text (<c>"{\"days\": 30}"</c>).</summary>
    /// <value>Defaults to <c>{}</c>.</value>
    public string? Args { get; set; }

    /// <summary>The job's priority (−100..100).</summary>
    /// <value>Defaults to 0.</value>
    public int? Priority { get; set; }

    /// <summary>The job's attempts.</summary>
    /// <value>Defaults to the queue's.</value>
    public int? MaxAttempts { get; set; }

    /// <summary>Resources the job needs besides its kind's.</summary>
    /// <value>Empty by default.</value>
    public string[] Resources { get; set; } = [];

    /// <summary>Timeout of one attempt (<c>5m</c>).</summary>
    /// <value>Defaults to the queue's.</value>
    public string? Timeout { get; set; }

    /// <summary>The schedule as the API writes it.</summary>
    public ScheduleSpec ToSpec() => new()
    {
        Cron = Cron,
        Every = Every,
        TimeZone = TimeZone,
        Misfire = Misfire,
        MisfireGrace = MisfireGrace,
        Job = new JobRequest
        {
            Kind = Kind,
            Queue = Queue,
            Args = Args,
            Priority = Priority,
            MaxAttempts = MaxAttempts,
            Resources = Resources.Length == 0 ? null : Resources,
            Timeout = Timeout,
        },
    };

    /// <summary>One message per fault, naming the key (<c>schedules:nightly:cron</c>), by the API's rules.</summary>
    internal IEnumerable<string> Check(string path, string name, EscalaOptions settings, DateTimeOffset now)
    {
        try
        {
            new ScheduleValidator(settings).Validate(Tenant, name, ToSpec(), now);
            return [];
        }
        catch (JobValidationException ex)
        {
            return ex.Errors.Select(e => $"{path}:{(e.Key.StartsWith("job.", StringComparison.Ordinal) ? e.Key[4..] : e.Key)}: {string.Join(" ", e.Value)}");
        }
    }
}

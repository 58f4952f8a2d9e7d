using Escala.Client;
using Escala.Configuration;
using Escala.Storage;

namespace Escala.Scheduling;

/// <summary>
/// Creates, replaces, deletes, pauses and lists one tenant's schedules (the API's calls), and applies the configured
/// ones (<c>schedules</c>) to the store. Every definition passes the <see cref="ScheduleValidator"/> first; refusals
/// are <see cref="JobValidationException"/>s naming the field.
/// </summary>
public sealed class ScheduleManager(IScheduleStore store, EscalaOptions settings, TimeProvider time)
{
    private readonly ScheduleValidator _validator = new(settings);

    public IScheduleStore Store => store;

    public async Task<Schedule> CreateAsync(string tenant, string? name, ScheduleSpec spec, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var timing = _validator.Validate(tenant, name, spec, now);
        var schedule = new Schedule
        {
            Tenant = tenant,
            Name = name!,
            Definition = ScheduleValidator.Serialize(spec),
            Source = ScheduleDefaults.ApiSource,
            NextRunAt = timing.Next(now),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await store.InsertScheduleAsync(schedule, ct))
        {
            throw JobValidationException.One(JobRequestFault.Conflict, "name", $"Schedule '{name}' already exists; PUT /v1/schedules/{name} replaces it.");
        }

        return schedule;
    }

    /// <summary>Replaces an API schedule's definition (its pause stays; its next run is recomputed). Null when there is none.</summary>
    public async Task<Schedule?> ReplaceAsync(string tenant, string name, ScheduleSpec spec, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var timing = _validator.Validate(tenant, name, spec, now);
        var existing = await GetWritableAsync(tenant, name, ct);
        if (existing is null)
        {
            return null;
        }

        var schedule = existing with
        {
            Definition = ScheduleValidator.Serialize(spec),
            NextRunAt = existing.Paused ? null : timing.Next(now),
            UpdatedAt = now,
        };
        return await store.ReplaceScheduleAsync(schedule, ct) ? schedule : null;
    }

    public async Task<bool> DeleteAsync(string tenant, string name, CancellationToken ct) =>
        await GetWritableAsync(tenant, name, ct) is not null && await store.DeleteScheduleAsync(tenant, name, ct);

    /// <summary>Pauses (no ticks) or resumes (from the next future tick: ticks while paused are not made up). Null when there is none.</summary>
    public async Task<Schedule?> SetPausedAsync(string tenant, string name, bool paused, CancellationToken ct)
    {
        var existing = await store.GetScheduleAsync(tenant, name, ct);
        if (existing is null)
        {
            return null;
        }

        if (existing.Paused == paused)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        var schedule = existing with
        {
            Paused = paused,
            NextRunAt = paused ? null : TimingOf(existing)?.Next(now),
            UpdatedAt = now,
        };
        return await store.ReplaceScheduleAsync(schedule, ct) ? schedule : null;
    }

    /// <summary>The next <paramref name="count"/> ticks of a schedule; none while it is paused.</summary>
    public static IReadOnlyList<DateTimeOffset> Upcoming(Schedule schedule, int count)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.NextRunAt is { } next && TimingOf(schedule) is { } timing ? timing.Upcoming(next, count) : [];
    }

    /// <summary>The timing of a stored schedule; null when its definition no longer reads.</summary>
    public static ScheduleTiming? TimingOf(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return ScheduleTiming.TryCreate(ScheduleValidator.Deserialize(schedule.Definition), (_, _) => { });
    }

    /// <summary>
    /// Makes the store hold the configured schedules: inserts new ones, replaces changed ones (keeping their pause and,
    /// when the timing is unchanged, their next run), deletes configured ones no longer in configuration. API schedules
    /// with the same tenant and name are taken over by the configuration. Returns how many were removed.
    /// </summary>
    public async Task<int> ApplyConfigurationAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var stored = (await store.ListSchedulesAsync(null, ct)).ToDictionary(s => (s.Tenant, s.Name));
        var configured = new HashSet<(string, string)>();
        foreach (var (name, options) in settings.Schedules)
        {
            var spec = options.ToSpec();
            var definition = ScheduleValidator.Serialize(spec);
            var timing = _validator.Validate(options.Tenant, name, spec, now);
            configured.Add((options.Tenant, name));
            if (!stored.TryGetValue((options.Tenant, name), out var existing))
            {
                await store.InsertScheduleAsync(new Schedule
                {
                    Tenant = options.Tenant,
                    Name = name,
                    Definition = definition,
                    Source = ScheduleDefaults.ConfigSource,
                    NextRunAt = timing.Next(now),
                    CreatedAt = now,
                    UpdatedAt = now,
                }, ct);
            }
            else if (existing.Definition != definition || existing.Source != ScheduleDefaults.ConfigSource)
            {
                await store.ReplaceScheduleAsync(existing with
                {
                    Definition = definition,
                    Source = ScheduleDefaults.ConfigSource,
                    NextRunAt = existing.Paused ? null : timing.Next(now),
                    UpdatedAt = now,
                }, ct);
            }
        }

        var removed = 0;
        foreach (var gone in stored.Values.Where(s => s.Source == ScheduleDefaults.ConfigSource && !configured.Contains((s.Tenant, s.Name))))
        {
            removed += await store.DeleteScheduleAsync(gone.Tenant, gone.Name, ct) ? 1 : 0;
        }

        return removed;
    }

    private async Task<Schedule?> GetWritableAsync(string tenant, string name, CancellationToken ct)
    {
        var existing = await store.GetScheduleAsync(tenant, name, ct);
        if (existing?.Source == ScheduleDefaults.ConfigSource)
        {
            throw JobValidationException.One(JobRequestFault.Conflict, "name",
                $"Schedule '{name}' is defined in configuration (schedules:{name}); change it there. Pause and resume work.");
        }

        return existing;
    }
}

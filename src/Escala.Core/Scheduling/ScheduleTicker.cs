using Escala.Client;
using Escala.Configuration;
using Escala.Maintenance;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Escala.Scheduling;

/// <summary>
/// Runs on every node; acts only while the node leads maintenance (<see cref="MaintenanceService.IsLeader"/>).
/// On becoming leader it applies the configured schedules; then, every round, it enqueues the due ticks of every
/// schedule (<see cref="ScheduleTicks.Due"/>) and moves each schedule's next run on.
/// </summary>
/// <remarks>
/// Exactly once per tick, cluster-wide, without trusting the leadership: a tick's job carries the idempotency key
/// <see cref="ScheduleKeys.For"/>, which the store keeps unique per tenant, so two nodes ticking at once (an old leader
/// that has not noticed yet) or a leader killed between the insert and the advance enqueue it once; the advance is a
/// compare-and-set on the next run, so a schedule moves on once.
/// </remarks>
public sealed class ScheduleTicker(
    EscalaOptions settings,
    IJobStore jobs,
    ScheduleManager schedules,
    MaintenanceService maintenance,
    TimeProvider time,
    ILogger<ScheduleTicker> logger,
    EscalaMetrics? metrics = null) : BackgroundService
{
    private const int BatchLimit = 100;
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(250);
    private readonly ScheduleValidator _validator = new(settings);
    private bool _applied;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Round, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: nothing unless this node leads. Store failures are logged and retried next round.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        if (!maintenance.IsLeader)
        {
            _applied = false;
            return;
        }

        try
        {
            if (!_applied)
            {
                var removed = await schedules.ApplyConfigurationAsync(ct);
                ScheduleLog.ConfigApplied(logger, settings.Schedules.Count, removed);
                _applied = true;
            }

            await TickAsync(time.GetUtcNow(), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            Log.StoreFailed(logger, ex, "schedules", Round);
        }
    }

    /// <summary>Enqueues every due tick as of <paramref name="now"/>. Returns how many jobs were created.</summary>
    public async Task<int> TickAsync(DateTimeOffset now, CancellationToken ct)
    {
        var created = 0;
        foreach (var schedule in await schedules.Store.DueSchedulesAsync(now, BatchLimit, ct))
        {
            created += await TickAsync(schedule, now, ct);
        }

        return created;
    }

    private async Task<int> TickAsync(Schedule schedule, DateTimeOffset now, CancellationToken ct)
    {
        var due = schedule.NextRunAt!.Value;
        var spec = ScheduleValidator.Deserialize(schedule.Definition);
        var timing = ScheduleTiming.TryCreate(spec, (_, _) => { });
        if (timing is null)
        {
            ScheduleLog.Invalid(logger, schedule.Tenant, schedule.Name, due, "its timing no longer reads");
            await schedules.Store.AdvanceScheduleAsync(schedule.Tenant, schedule.Name, due, null, schedule.LastRunAt, schedule.LastJobId, now, ct);
            return 0;
        }

        var plan = ScheduleTicks.Due(timing, due, now);
        if (plan.Missed)
        {
            ScheduleLog.Missed(logger, schedule.Tenant, schedule.Name, now - timing.MisfireGrace, timing.Misfire);
        }

        var created = 0;
        var lastRun = schedule.LastRunAt;
        var lastJob = schedule.LastJobId;
        foreach (var tick in plan.Enqueue)
        {
            Jobs.NewJob job;
            try
            {
                job = _validator.JobFor(schedule, spec, tick, now);
            }
            catch (JobValidationException ex)
            {
                ScheduleLog.Invalid(logger, schedule.Tenant, schedule.Name, tick, string.Join("; ", ex.Errors.Keys));
                continue;
            }

            InsertResult result;
            try
            {
                result = (await UniqueConflicts.InsertAnyAsync(jobs, [job], now, "", ct))[0];
            }
            catch (JobValidationException ex) when (ex.Fault == JobRequestFault.Conflict)
            {
                // A unique key still held refuses the tick's job: the tick is done, with no job.
                ScheduleLog.UniqueHeld(logger, schedule.Tenant, schedule.Name, tick);
                continue;
            }

            lastRun = tick;
            lastJob = result.Job.Id;
            if (result.Created)
            {
                created++;
                metrics?.Submitted(result.Job.Queue, result.Job.Kind);
                ScheduleLog.Enqueued(logger, schedule.Tenant, schedule.Name, result.Job.Id, tick);
            }
        }

        await schedules.Store.AdvanceScheduleAsync(schedule.Tenant, schedule.Name, due, plan.NextRunAt, lastRun, lastJob, now, ct);
        return created;
    }
}

using Escala.Client;
using Escala.Scheduling;

namespace Escala.Server.Api;

/// <summary>
/// <c>/v1/schedules</c>: recurring jobs of the caller's tenant. Create, replace, delete, pause and resume; list with
/// the next runs. Schedules from configuration (<c>source: config</c>) can be paused and resumed, not changed.
/// </summary>
public static class SchedulesEndpoints
{
    public static RouteGroupBuilder MapSchedules(this RouteGroupBuilder v1)
    {
        var schedules = v1.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("/", ListAsync).WithSummary("The tenant's schedules by name, each with its next runs (?next=3, at most 100).");
        schedules.MapPost("/", CreateAsync).WithSummary("Create a schedule: cron (with optional seconds and a time zone) or every, and the job each tick enqueues.");
        schedules.MapGet("/{name}", GetAsync).WithSummary("One schedule with its next runs.");
        schedules.MapPut("/{name}", ReplaceAsync).WithSummary("Replace a schedule's definition; its pause stays, its next run is recomputed.");
        schedules.MapDelete("/{name}", DeleteAsync).WithSummary("Delete a schedule; jobs it enqueued stay.");
        schedules.MapPost("/{name}/pause", (HttpContext http, ScheduleManager manager, string name, CancellationToken ct) => SetPausedAsync(http, manager, name, true, ct))
            .WithSummary("Stop ticking; nothing is enqueued while paused.");
        schedules.MapPost("/{name}/resume", (HttpContext http, ScheduleManager manager, string name, CancellationToken ct) => SetPausedAsync(http, manager, name, false, ct))
            .WithSummary("Tick again from the next future tick (ticks while paused are not made up).");
        return v1;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ScheduleManager manager, int? next, CancellationToken ct)
    {
        var count = NextCount(next);
        var schedules = await manager.Store.ListSchedulesAsync(http.Tenant(), ct);
        return Results.Ok(new { schedules = schedules.Select(s => ScheduleDto.From(s, count)), nextCursor = (string?)null });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ScheduleManager manager, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ScheduleBody>(http.Request, ct);
        var schedule = await manager.CreateAsync(http.Tenant(), body.Name, body.ToSpec(), ct);
        return Results.Created($"/v1/schedules/{schedule.Name}", ScheduleDto.From(schedule, ScheduleDefaults.NextRuns));
    }

    private static async Task<IResult> GetAsync(HttpContext http, ScheduleManager manager, string name, int? next, CancellationToken ct)
    {
        var count = NextCount(next);
        var schedule = await manager.Store.GetScheduleAsync(http.Tenant(), name, ct);
        return schedule is null ? Problems.NotFound($"Schedule '{name}'") : Results.Ok(ScheduleDto.From(schedule, count));
    }

    private static async Task<IResult> ReplaceAsync(HttpContext http, ScheduleManager manager, string name, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ScheduleBody>(http.Request, ct);
        if (body.Name is not null && body.Name != name)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "name", "The name in the body differs from the one in the path; a schedule cannot be renamed.");
        }

        var schedule = await manager.ReplaceAsync(http.Tenant(), name, body.ToSpec(), ct);
        return schedule is null ? Problems.NotFound($"Schedule '{name}'") : Results.Ok(ScheduleDto.From(schedule, ScheduleDefaults.NextRuns));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ScheduleManager manager, string name, CancellationToken ct) =>
        await manager.DeleteAsync(http.Tenant(), name, ct) ? Results.NoContent() : Problems.NotFound($"Schedule '{name}'");

    private static async Task<IResult> SetPausedAsync(HttpContext http, ScheduleManager manager, string name, bool paused, CancellationToken ct)
    {
        var schedule = await manager.SetPausedAsync(http.Tenant(), name, paused, ct);
        return schedule is null ? Problems.NotFound($"Schedule '{name}'") : Results.Ok(ScheduleDto.From(schedule, ScheduleDefaults.NextRuns));
    }

    private static int NextCount(int? next) => next switch
    {
        null => ScheduleDefaults.NextRuns,
        < 0 or > ScheduleDefaults.MaxNextRuns => throw new ApiProblemException(StatusCodes.Status400BadRequest, "next", $"next is 0 to {ScheduleDefaults.MaxNextRuns}."),
        { } n => n,
    };
}

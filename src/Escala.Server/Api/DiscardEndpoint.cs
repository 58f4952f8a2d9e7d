using Escala.Jobs;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary>
/// <c>DELETE /v1/jobs/{id}</c>: discards a finished job (completed, cancelled or dead) — it is deleted, as the
/// pruner would after the queue's retention. A job not yet final gets 409: cancel it first.
/// </summary>
public static class DiscardEndpoint
{
    public static RouteGroupBuilder MapDiscard(this RouteGroupBuilder v1)
    {
        v1.MapDelete("/jobs/{id:long}", DiscardAsync).WithTags("Jobs")
            .WithSummary("Discard (delete) a finished job; 409 while it is waiting or running.");
        return v1;
    }

    private static async Task<IResult> DiscardAsync(HttpContext http, IJobStore store, long id, CancellationToken ct)
    {
        var result = await store.DiscardAsync(http.Tenant(), id, ct);
        return result.Status switch
        {
            DiscardStatus.NotFound => Problems.NotFound($"Job {id}"),
            DiscardStatus.NotFinal => Problems.Conflict($"Job {id} is {result.Job!.State.ToWire()}; only finished jobs can be discarded (cancel it first)."),
            _ => Results.NoContent(),
        };
    }
}

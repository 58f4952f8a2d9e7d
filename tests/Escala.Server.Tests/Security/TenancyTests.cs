using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Security;

/// <summary>Another tenant's job is 404 on every endpoint that names a job, and stays as it was.</summary>
public sealed class TenancyTests : SecureNodeTest
{
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    private async Task<long> JobOfAAsync(string queue = "one", string kind = "noop")
    {
        _a = Client(await KeyAsync("a", "submit,read,worker,admin"));
        _b = Client(await KeyAsync("b", "submit,read,worker,admin"));
        using var response = await _a.PostAsJsonAsync("/v1/jobs", new { kind, queue, delay = "1h" });
        await EscalaApi.ExpectAsync(response, HttpStatusCode.Created);
        return EscalaApi.Id(await EscalaApi.ReadAsync(response));
    }

    private async Task AssertUnchangedAsync(long id, string state)
    {
        var job = await EscalaApi.ReadAsync(await _a.GetAsync($"/v1/jobs/{id}"));
        Assert.Equal(state, EscalaApi.State(job));
    }

    [Fact]
    public async Task Get_OtherTenant_404()
    {
        var id = await JobOfAAsync();

        await Problem.AssertAsync(await _b.GetAsync($"/v1/jobs/{id}"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await _b.GetAsync($"/v1/jobs/{id}?wait=1s"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Events_OtherTenant_404()
    {
        var id = await JobOfAAsync();

        await Problem.AssertAsync(await _b.GetAsync($"/v1/jobs/{id}/events"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancel_OtherTenant_404AndUnchanged()
    {
        var id = await JobOfAAsync();

        await Problem.AssertAsync(await _b.PostAsync($"/v1/jobs/{id}/cancel", EscalaApi.EmptyJson()), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(id, "scheduled");
    }

    [Fact]
    public async Task Retry_OtherTenant_404AndUnchanged()
    {
        var id = await JobOfAAsync();

        await Problem.AssertAsync(await _b.PostAsync($"/v1/jobs/{id}/retry", EscalaApi.EmptyJson()), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(id, "scheduled");
    }

    [Fact]
    public async Task List_OtherTenant_DoesNotShowIt()
    {
        var id = await JobOfAAsync();

        var page = await EscalaApi.ReadAsync(await _b.GetAsync("/v1/jobs"));

        Assert.DoesNotContain(page.GetProperty("jobs").EnumerateArray(), j => EscalaApi.Id(j) == id);
    }

    [Fact]
    public async Task IdempotencyKey_IsPerTenant()
    {
        await JobOfAAsync();
        using var first = await _a.PostAsJsonAsync("/v1/jobs", new { kind = "noop", idempotencyKey = "k-1" });
        using var second = await _b.PostAsJsonAsync("/v1/jobs", new { kind = "noop", idempotencyKey = "k-1" });

        await EscalaApi.ExpectAsync(first, HttpStatusCode.Created);
        await EscalaApi.ExpectAsync(second, HttpStatusCode.Created);
        Assert.NotEqual(EscalaApi.Id(await EscalaApi.ReadAsync(first)), EscalaApi.Id(await EscalaApi.ReadAsync(second)));
    }

    private async Task<(long Id, string Token)> LeasedByAAsync()
    {
        var id = await JobOfAAsync("ext", "ocr.extract");
        using (var now = await _a.PostAsync($"/v1/jobs/{id}/retry", EscalaApi.EmptyJson()))
        {
            await EscalaApi.ExpectAsync(now, HttpStatusCode.OK);
        }

        using var lease = await _a.PostAsJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, wait = "5s" });
        var job = (await EscalaApi.ReadAsync(lease)).GetProperty("jobs")[0];
        Assert.Equal(id, EscalaApi.Id(job));
        return (id, job.GetProperty("leaseToken").GetString()!);
    }

    [Fact]
    public async Task WorkerLease_LeasesOnlyItsTenantsJobs()
    {
        var id = await JobOfAAsync("ext", "ocr.extract");
        using (var now = await _a.PostAsync($"/v1/jobs/{id}/retry", EscalaApi.EmptyJson()))
        {
            await EscalaApi.ExpectAsync(now, HttpStatusCode.OK);
        }

        using var lease = await _b.PostAsJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" } });

        await EscalaApi.ExpectAsync(lease, HttpStatusCode.OK);
        Assert.Equal(0, (await EscalaApi.ReadAsync(lease)).GetProperty("jobs").GetArrayLength());
        await AssertUnchangedAsync(id, "available");
    }

    [Fact]
    public async Task WorkerProgress_OtherTenantsJob_404()
    {
        var (id, token) = await LeasedByAAsync();

        await Problem.AssertAsync(await _b.PostAsJsonAsync("/v1/workers/progress", new { id, leaseToken = token, progress = new { p = 1 } }), HttpStatusCode.NotFound);
        var job = await EscalaApi.ReadAsync(await _a.GetAsync($"/v1/jobs/{id}"));
        Assert.True(job.GetProperty("progress").ValueKind == JsonValueKind.Null, job.ToString());
    }

    [Fact]
    public async Task WorkerComplete_OtherTenantsJob_404AndStillRunning()
    {
        var (id, token) = await LeasedByAAsync();

        await Problem.AssertAsync(await _b.PostAsJsonAsync("/v1/workers/complete", new { id, leaseToken = token, result = new { forged = true } }), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(id, "running");
    }

    [Fact]
    public async Task WorkerFail_OtherTenantsJob_404AndStillRunning()
    {
        var (id, token) = await LeasedByAAsync();

        await Problem.AssertAsync(await _b.PostAsJsonAsync("/v1/workers/fail", new { id, leaseToken = token, error = "forged" }), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(id, "running");
    }

    [Fact]
    public async Task Discard_OtherTenant_404AndKept()
    {
        var id = await JobOfAAsync();
        await EscalaApi.ExpectAsync(await _a.PostAsync($"/v1/jobs/{id}/cancel", EscalaApi.EmptyJson()), HttpStatusCode.OK);

        await Problem.AssertAsync(await _b.DeleteAsync($"/v1/jobs/{id}"), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(id, "cancelled");
    }

    [Theory]
    [InlineData("/v1/workers/cancel")]
    [InlineData("/v1/workers/release")]
    public async Task WorkerCancelOrRelease_OtherTenantsJob_404AndStillRunning(string path)
    {
        var (id, token) = await LeasedByAAsync();

        await Problem.AssertAsync(await _b.PostAsJsonAsync(path, new { id, leaseToken = token }), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(id, "running");
    }

    [Fact]
    public async Task WorkerHeartbeat_OtherTenantsLease_ReportedLostAndTheOwnerStillHoldsIt()
    {
        var (id, token) = await LeasedByAAsync();

        using var foreign = await _b.PostAsJsonAsync("/v1/workers/heartbeat", new { leases = new[] { new { id, leaseToken = token } } });
        using var own = await _a.PostAsJsonAsync("/v1/workers/heartbeat", new { leases = new[] { new { id, leaseToken = token } } });

        Assert.Equal([id], (await EscalaApi.ReadAsync(foreign)).GetProperty("lost").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Empty((await EscalaApi.ReadAsync(own)).GetProperty("lost").EnumerateArray());
        await AssertUnchangedAsync(id, "running");
    }
}

using System.Net;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary><c>unique</c> on submit through real HTTP: 409 naming the holder, or the holder with 200; a conflicting batch writes nothing.</summary>
public sealed class UniqueJobsTests : NodeTest
{
    [Fact]
    public async Task Submit_KeyHeldByAWaitingJob_409NamingIt_OrTheHolderWithReturn()
    {
        var holder = await Api.SubmitIdAsync(new { kind = "echo", delay = "1h", unique = new { key = "report-42", @for = "10m" } });

        using var refused = await Api.PostJsonAsync("/v1/jobs", new { kind = "echo", unique = new { key = "report-42" } });
        var problem = await Problem.AssertFieldAsync(refused, HttpStatusCode.Conflict, "unique.key");
        Assert.Contains($"Job {holder} (scheduled)", problem.GetProperty("errors").GetProperty("unique.key")[0].GetString(), StringComparison.Ordinal);

        using var returned = await Api.PostJsonAsync("/v1/jobs", new { kind = "echo", unique = new { key = "report-42", onConflict = "return" } });
        await EscalaApi.ExpectAsync(returned, HttpStatusCode.OK);
        Assert.Equal(holder, EscalaApi.Id(await EscalaApi.ReadAsync(returned)));
        Assert.Equal(1, await Api.CountJobsAsync());
    }

    [Fact]
    public async Task Submit_KeyFreeAgainAfterTheHolderFinishedWithoutWindow()
    {
        var first = await Api.SubmitIdAsync(new { kind = "echo", unique = new { key = "k" } });
        await Api.WaitForStateAsync(first, "completed");

        var second = await Api.SubmitIdAsync(new { kind = "echo", unique = new { key = "k" } });

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Batch_OneKeyTaken_409ForThatEntry_AndNoJobWritten()
    {
        await Api.SubmitIdAsync(new { kind = "echo", delay = "1h", unique = new { key = "taken" } });

        using var batch = await Api.PostJsonAsync("/v1/jobs/batch", new
        {
            jobs = new object[]
            {
                new { kind = "echo", delay = "1h" },
                new { kind = "echo", delay = "1h", unique = new { key = "taken" } },
            },
        });

        await Problem.AssertFieldAsync(batch, HttpStatusCode.Conflict, "jobs[1].unique.key");
        Assert.Equal(1, await Api.CountJobsAsync());
    }

    [Theory]
    [InlineData("{\"kind\":\"echo\",\"unique\":{\"key\":\"\"}}", "unique.key")]
    [InlineData("{\"kind\":\"echo\",\"unique\":{\"key\":\"k\",\"for\":\"forever\"}}", "unique.for")]
    [InlineData("{\"kind\":\"echo\",\"unique\":{\"key\":\"k\",\"for\":\"31d\"}}", "unique.for")]
    [InlineData("{\"kind\":\"echo\",\"unique\":{\"key\":\"k\",\"onConflict\":\"merge\"}}", "unique.onConflict")]
    public async Task Submit_BadUnique_400NamingTheField(string body, string field)
    {
        using var response = await Api.PostRawAsync("/v1/jobs", body);

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await Api.CountJobsAsync());
    }
}

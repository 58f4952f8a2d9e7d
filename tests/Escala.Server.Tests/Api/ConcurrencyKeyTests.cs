using System.Net;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary>A job's <c>concurrencyKey</c> over HTTP: accepted when well formed, else 400 naming it and nothing stored.</summary>
public sealed class ConcurrencyKeyTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Resources:llm:Concurrency"] = "4",
        ["Resources:llm:PerKey:Concurrency"] = "1",
    };

    [Fact]
    public async Task Submit_WellFormedKey_RunsTheJobAndShowsTheKey()
    {
        var id = await Api.SubmitIdAsync(new { kind = "echo", resources = new[] { "llm" }, concurrencyKey = "user:42" });

        var job = await Api.WaitForStateAsync(id, "completed");
        Assert.Equal("user:42", job.GetProperty("concurrencyKey").GetString());
    }

    [Theory]
    [InlineData("user 42")]
    [InlineData("")]
    [InlineData("usuário:42")]
    public async Task Submit_MalformedKey_Returns400NamingItAndStoresNothing(string key)
    {
        using var response = await Api.PostJsonAsync("/v1/jobs", new { kind = "echo", concurrencyKey = key });

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "concurrencyKey");
        Assert.Equal(0, await Api.CountJobsAsync());
    }

    [Fact]
    public async Task Submit_KeyOverTheLength_Returns400NamingIt()
    {
        using var response = await Api.PostJsonAsync("/v1/jobs", new { kind = "echo", concurrencyKey = new string('k', 129) });

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "concurrencyKey");
    }

    [Fact]
    public async Task SubmitBatch_OneMalformedKey_Returns400NamingItsIndexAndStoresNothing()
    {
        using var response = await Api.PostJsonAsync("/v1/jobs/batch", new
        {
            jobs = new object[] { new { kind = "echo", concurrencyKey = "user:1" }, new { kind = "echo", concurrencyKey = "a/b c" } },
        });

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "jobs[1].concurrencyKey");
        Assert.Equal(0, await Api.CountJobsAsync());
    }
}

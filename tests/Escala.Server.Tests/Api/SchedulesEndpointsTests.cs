using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary><c>/v1/schedules</c> through real HTTP: ticks enqueue keyed jobs, refusals name the field, configured schedules are read-only.</summary>
public sealed class SchedulesEndpointsTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Schedules:configured:Every"] = "1h",
        ["Schedules:configured:Kind"] = "echo",
    };

    [Fact]
    public async Task Create_Every1s_EachTickEnqueuesOneJobKeyedByTheTick()
    {
        using var create = await Api.PostJsonAsync("/v1/schedules", new { name = "tick", every = "1s", job = new { kind = "echo", args = new { n = 1 } } });
        await EscalaApi.ExpectAsync(create, HttpStatusCode.Created);
        var created = await EscalaApi.ReadAsync(create);
        Assert.Equal("/v1/schedules/tick", create.Headers.Location?.OriginalString);
        var runs = created.GetProperty("nextRuns").EnumerateArray().Select(r => r.GetDateTimeOffset()).ToList();
        Assert.Equal(3, runs.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), runs[1] - runs[0]);
        Assert.Equal(runs[0], created.GetProperty("nextRunAt").GetDateTimeOffset());

        var jobs = await Eventually.UntilAsync(() => Api.GetAsync("/v1/jobs?kind=echo&limit=100"),
            body => body.GetProperty("jobs").GetArrayLength() >= 2, "two ticks of the schedule");

        var keys = jobs.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("idempotencyKey").GetString()!).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith("schedule:tick:", k, StringComparison.Ordinal));
        Assert.Contains(ScheduleKey(runs[0]), keys);
        var schedule = await Api.GetAsync("/v1/schedules/tick?next=5");
        Assert.Equal(5, schedule.GetProperty("nextRuns").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, schedule.GetProperty("lastJobId").ValueKind);
    }

    [Fact]
    public async Task Tick_JobWithAUniqueKeyStillHeld_EnqueuesNothing_AndTheScheduleMovesOn()
    {
        using var create = await Api.PostJsonAsync("/v1/schedules",
            new { name = "single", every = "1s", job = new { kind = "ext.thing", queue = "ext", unique = new { key = "only-one" } } });
        await EscalaApi.ExpectAsync(create, HttpStatusCode.Created);
        var first = (await EscalaApi.ReadAsync(create)).GetProperty("nextRunAt").GetDateTimeOffset();

        await Eventually.UntilAsync(() => Api.GetAsync("/v1/schedules/single"),
            s => s.GetProperty("nextRunAt").GetDateTimeOffset() >= first.AddSeconds(3), "three ticks of the schedule");

        Assert.Equal(1, await Api.CountJobsAsync("kind=ext.thing"));
    }

    [Theory]
    [InlineData("{\"name\":\"a\",\"cron\":\"61 * * * *\",\"job\":{\"kind\":\"echo\"}}", HttpStatusCode.BadRequest, "cron")]
    [InlineData("{\"name\":\"a\",\"cron\":\"0 3 * * *\",\"timeZone\":\"Mars/Base\",\"job\":{\"kind\":\"echo\"}}", HttpStatusCode.BadRequest, "timeZone")]
    [InlineData("{\"name\":\"a\",\"every\":\"10ms\",\"job\":{\"kind\":\"echo\"}}", HttpStatusCode.BadRequest, "every")]
    [InlineData("{\"name\":\"a b\",\"every\":\"1m\",\"job\":{\"kind\":\"echo\"}}", HttpStatusCode.BadRequest, "name")]
    [InlineData("{\"name\":\"a\",\"every\":\"1m\"}", HttpStatusCode.BadRequest, "job")]
    [InlineData("{\"name\":\"a\",\"every\":\"1m\",\"job\":{\"kind\":\"echo\",\"delay\":\"1s\"}}", HttpStatusCode.BadRequest, "job.delay")]
    [InlineData("{\"name\":\"a\",\"every\":\"1m\",\"job\":{\"kind\":\"echo\",\"queue\":\"nope\"}}", HttpStatusCode.UnprocessableEntity, "job.queue")]
    [InlineData("{\"name\":\"a\",\"every\":\"1m\",\"misfire\":\"later\",\"job\":{\"kind\":\"echo\"}}", HttpStatusCode.BadRequest, "misfire")]
    [InlineData("{\"name\":\"a\",\"every\":\"1m\",\"colour\":1,\"job\":{\"kind\":\"echo\"}}", HttpStatusCode.BadRequest, "colour")]
    [InlineData("{\"name\":\"a\",\"every\":\"1m\",\"job\":{\"kind\":\"echo\",\"args\":{\"x\":1,\"x\":2}}}", HttpStatusCode.BadRequest, "job.args")]
    public async Task Create_BadSchedule_ProblemNamingTheField_AndNothingStored(string body, HttpStatusCode status, string field)
    {
        using var response = await Api.PostRawAsync("/v1/schedules", body);

        await Problem.AssertFieldAsync(response, status, field);
        using var get = await Node.Http.GetAsync("/v1/schedules/a");
        await Problem.AssertAsync(get, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_SameNameTwice_409NamingTheField()
    {
        var body = new { name = "dup", cron = "0 3 * * *", job = new { kind = "echo" } };
        using var first = await Api.PostJsonAsync("/v1/schedules", body);
        await EscalaApi.ExpectAsync(first, HttpStatusCode.Created);

        using var second = await Api.PostJsonAsync("/v1/schedules", body);

        await Problem.AssertFieldAsync(second, HttpStatusCode.Conflict, "name");
    }

    [Fact]
    public async Task ReplacePauseResumeDelete_ChangeTheScheduleAsAsked()
    {
        using (var create = await Api.PostJsonAsync("/v1/schedules", new { name = "r", cron = "0 3 * * *", timeZone = "America/Sao_Paulo", job = new { kind = "echo" } }))
        {
            await EscalaApi.ExpectAsync(create, HttpStatusCode.Created);
        }

        using var replace = await Node.Http.PutAsJsonAsync("/v1/schedules/r", new { cron = "30 */5 * * * *", misfire = "runOnce", job = new { kind = "echo" } }, EscalaApi.Json);
        await EscalaApi.ExpectAsync(replace, HttpStatusCode.OK);
        var replaced = await EscalaApi.ReadAsync(replace);
        Assert.Equal("runOnce", replaced.GetProperty("misfire").GetString());
        Assert.Equal("UTC", replaced.GetProperty("timeZone").GetString());
        Assert.All(replaced.GetProperty("nextRuns").EnumerateArray(), r => Assert.Equal(30, r.GetDateTimeOffset().Second));

        using var pause = await Node.Http.PostAsync("/v1/schedules/r/pause", EscalaApi.EmptyJson());
        var paused = await EscalaApi.ReadAsync(pause);
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, paused.GetProperty("nextRunAt").ValueKind);
        Assert.Equal(0, paused.GetProperty("nextRuns").GetArrayLength());

        using var resume = await Node.Http.PostAsync("/v1/schedules/r/resume", EscalaApi.EmptyJson());
        var resumed = await EscalaApi.ReadAsync(resume);
        Assert.False(resumed.GetProperty("paused").GetBoolean());
        Assert.True(resumed.GetProperty("nextRunAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(-1));

        using var delete = await Node.Http.DeleteAsync("/v1/schedules/r");
        await EscalaApi.ExpectAsync(delete, HttpStatusCode.NoContent);
        using var again = await Node.Http.DeleteAsync("/v1/schedules/r");
        await Problem.AssertAsync(again, HttpStatusCode.NotFound);
        using var renamed = await Node.Http.PutAsJsonAsync("/v1/schedules/other", new { name = "r", every = "1m", job = new { kind = "echo" } }, EscalaApi.Json);
        await Problem.AssertFieldAsync(renamed, HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task Configured_ListedAsConfig_CannotBeChangedThroughTheApi_ButPauses()
    {
        var list = await Eventually.UntilAsync(() => Api.GetAsync("/v1/schedules"),
            body => body.GetProperty("schedules").GetArrayLength() > 0, "the configured schedule in the store");
        var configured = Assert.Single(list.GetProperty("schedules").EnumerateArray());
        Assert.Equal("configured", configured.GetProperty("name").GetString());
        Assert.Equal("config", configured.GetProperty("source").GetString());

        using var replace = await Node.Http.PutAsJsonAsync("/v1/schedules/configured", new { every = "1m", job = new { kind = "echo" } }, EscalaApi.Json);
        await Problem.AssertFieldAsync(replace, HttpStatusCode.Conflict, "name");
        using var delete = await Node.Http.DeleteAsync("/v1/schedules/configured");
        await Problem.AssertFieldAsync(delete, HttpStatusCode.Conflict, "name");
        using var pause = await Node.Http.PostAsync("/v1/schedules/configured/pause", EscalaApi.EmptyJson());
        await EscalaApi.ExpectAsync(pause, HttpStatusCode.OK);
        Assert.True((await Api.GetAsync("/v1/schedules/configured")).GetProperty("paused").GetBoolean());
    }

    private static string ScheduleKey(DateTimeOffset tick) => Escala.Scheduling.ScheduleKeys.For("tick", tick);
}

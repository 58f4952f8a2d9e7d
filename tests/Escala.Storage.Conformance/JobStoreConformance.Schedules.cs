using Escala.Scheduling;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>Recurring schedules: per-tenant names, replace and delete, due order, and the advance as a compare-and-set.</summary>
public abstract partial class JobStoreConformance
{
    private IScheduleStore Schedules => Assert.IsAssignableFrom<IScheduleStore>(Store);

    private static Schedule NewSchedule(string name = "nightly", string tenant = "t1", DateTimeOffset? next = null, bool paused = false) => new()
    {
        Tenant = tenant,
        Name = name,
        Definition = "{\"every\":\"1s\",\"job\":{\"kind\":\"noop\"}}",
        Source = ScheduleDefaults.ApiSource,
        Paused = paused,
        NextRunAt = paused ? null : next ?? T0 + TimeSpan.FromSeconds(1),
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    [Fact]
    public async Task Schedules_InsertSameNameTwice_SecondRefusedPerTenant_AndReadBackAsWritten()
    {
        Assert.True(await Schedules.InsertScheduleAsync(NewSchedule(), Ct));
        Assert.False(await Schedules.InsertScheduleAsync(NewSchedule() with { Definition = "{}" }, Ct));
        Assert.True(await Schedules.InsertScheduleAsync(NewSchedule(tenant: "t2"), Ct));

        var stored = await Schedules.GetScheduleAsync("t1", "nightly", Ct);

        Assert.Equal(NewSchedule(), stored);
        Assert.Null(await Schedules.GetScheduleAsync("t3", "nightly", Ct));
        Assert.Equal(["nightly"], (await Schedules.ListSchedulesAsync("t2", Ct)).Select(s => s.Name));
        Assert.Equal(["t1", "t2"], (await Schedules.ListSchedulesAsync(null, Ct)).Select(s => s.Tenant));
    }

    [Fact]
    public async Task Schedules_ReplaceAndDelete_ChangeOnlyTheNamedScheduleAndSayWhenThereIsNone()
    {
        await Schedules.InsertScheduleAsync(NewSchedule("a"), Ct);
        await Schedules.InsertScheduleAsync(NewSchedule("b"), Ct);
        var replaced = NewSchedule("a", paused: true) with { Definition = "{\"cron\":\"* * * * *\"}", UpdatedAt = T0 + TimeSpan.FromMinutes(1) };

        Assert.True(await Schedules.ReplaceScheduleAsync(replaced, Ct));
        Assert.False(await Schedules.ReplaceScheduleAsync(NewSchedule("zz"), Ct));
        Assert.Equal(replaced, await Schedules.GetScheduleAsync("t1", "a", Ct));
        Assert.Equal(NewSchedule("b"), await Schedules.GetScheduleAsync("t1", "b", Ct));

        Assert.True(await Schedules.DeleteScheduleAsync("t1", "b", Ct));
        Assert.False(await Schedules.DeleteScheduleAsync("t1", "b", Ct));
        Assert.Equal(["a"], (await Schedules.ListSchedulesAsync("t1", Ct)).Select(s => s.Name));
    }

    [Fact]
    public async Task Schedules_Due_OnlyUnpausedAtOrBeforeNow_OldestFirst()
    {
        await Schedules.InsertScheduleAsync(NewSchedule("late", next: T0 + TimeSpan.FromSeconds(2)), Ct);
        await Schedules.InsertScheduleAsync(NewSchedule("early", next: T0 - TimeSpan.FromSeconds(5)), Ct);
        await Schedules.InsertScheduleAsync(NewSchedule("now", next: T0), Ct);
        await Schedules.InsertScheduleAsync(NewSchedule("paused", paused: true), Ct);
        await Schedules.InsertScheduleAsync(NewSchedule("future", next: T0 + TimeSpan.FromHours(1)), Ct);

        var due = await Schedules.DueSchedulesAsync(T0 + TimeSpan.FromSeconds(2), 10, Ct);

        Assert.Equal(["early", "now", "late"], due.Select(s => s.Name));
        Assert.Equal(["early"], (await Schedules.DueSchedulesAsync(T0 + TimeSpan.FromSeconds(2), 1, Ct)).Select(s => s.Name));
    }

    [Fact]
    public async Task Schedules_Advance_OnlyFromTheExpectedNextRun_SoTwoNodesMoveItOnOnce()
    {
        await Schedules.InsertScheduleAsync(NewSchedule(next: T0), Ct);
        var next = T0 + TimeSpan.FromSeconds(1);

        var first = Schedules.AdvanceScheduleAsync("t1", "nightly", T0, next, T0, 7, T0, Ct);
        var second = Schedules.AdvanceScheduleAsync("t1", "nightly", T0, next, T0, 8, T0, Ct);
        var results = await Task.WhenAll(first, second);

        Assert.Single(results, r => r);
        var stored = await Schedules.GetScheduleAsync("t1", "nightly", Ct);
        Assert.Equal(next, stored!.NextRunAt);
        Assert.Equal(T0, stored.LastRunAt);
        Assert.Contains(stored.LastJobId, new long?[] { 7, 8 });
        Assert.False(await Schedules.AdvanceScheduleAsync("t1", "nightly", T0, next, T0, 9, T0, Ct));
    }

    [Fact]
    public async Task Schedules_TickKey_InsertedTwice_OneJob()
    {
        var key = ScheduleKeys.For("nightly", T0);
        var results = await Task.WhenAll(
            Store.InsertAsync([NewJob(key: key)], T0, Ct),
            Store.InsertAsync([NewJob(key: key)], T0, Ct));

        Assert.Single(results, r => r[0].Created);
        Assert.Equal(results[0][0].Job.Id, results[1][0].Job.Id);
        Assert.Equal("schedule:nightly:2030-01-02T03:04:05.678Z", key);
    }
}

using Escala.Scheduling;

namespace Escala.Core.Tests.Scheduling;

/// <summary>Cron with and without seconds, time zones, fixed intervals aligned to the epoch, and the field at fault.</summary>
public sealed class ScheduleTimingTests
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 10, 12, 0, 0, 250, TimeSpan.Zero);

    private static ScheduleTiming Create(ScheduleSpec spec) =>
        ScheduleTiming.TryCreate(spec, (field, message) => throw new InvalidOperationException($"{field}: {message}"))!;

    [Fact]
    public void Next_CronWithSeconds_FiresOnThoseSeconds()
    {
        var timing = Create(new ScheduleSpec { Cron = "*/15 * * * * *" });

        Assert.Equal(new DateTimeOffset(2030, 3, 10, 12, 0, 15, TimeSpan.Zero), timing.Next(T0));
    }

    [Fact]
    public void Next_FiveFieldCronInSaoPaulo_FiresAtLocalTime()
    {
        var timing = Create(new ScheduleSpec { Cron = "0 3 * * *", TimeZone = "America/Sao_Paulo" });

        // 03:00 in São Paulo (UTC−3, no daylight saving since 2019) is 06:00 UTC.
        Assert.Equal(new DateTimeOffset(2030, 3, 11, 6, 0, 0, TimeSpan.Zero), timing.Next(T0));
    }

    [Fact]
    public void Next_Every_IsAMultipleOfTheIntervalSinceTheEpoch_SoEveryNodeAgrees()
    {
        var timing = Create(new ScheduleSpec { Every = "30s" });

        Assert.Equal(new DateTimeOffset(2030, 3, 10, 12, 0, 30, TimeSpan.Zero), timing.Next(T0));
        Assert.Equal(new DateTimeOffset(2030, 3, 10, 12, 1, 0, TimeSpan.Zero), timing.Next(new DateTimeOffset(2030, 3, 10, 12, 0, 30, TimeSpan.Zero)));
    }

    [Fact]
    public void Upcoming_IncludesTheStartWhenItIsATick()
    {
        var timing = Create(new ScheduleSpec { Every = "1m" });
        var start = new DateTimeOffset(2030, 3, 10, 12, 1, 0, TimeSpan.Zero);

        Assert.Equal([start, start.AddMinutes(1), start.AddMinutes(2)], timing.Upcoming(start, 3));
    }

    [Theory]
    [InlineData("{\"cron\":\"61 * * * *\"}", "cron")]
    [InlineData("{\"cron\":\"* * *\"}", "cron")]
    [InlineData("{\"every\":\"soon\"}", "every")]
    [InlineData("{\"every\":\"500ms\"}", "every")]
    [InlineData("{}", "cron")]
    [InlineData("{\"cron\":\"* * * * *\",\"every\":\"1s\"}", "every")]
    [InlineData("{\"cron\":\"* * * * *\",\"timeZone\":\"Mars/Olympus\"}", "timeZone")]
    [InlineData("{\"every\":\"1m\",\"timeZone\":\"UTC\"}", "timeZone")]
    [InlineData("{\"every\":\"1m\",\"misfireGrace\":\"forever\"}", "misfireGrace")]
    public void TryCreate_Bad_NamesTheField(string json, string field)
    {
        var spec = System.Text.Json.JsonSerializer.Deserialize<ScheduleSpec>(json, System.Text.Json.JsonSerializerOptions.Web)!;
        var fields = new List<string>();

        Assert.Null(ScheduleTiming.TryCreate(spec, (f, _) => fields.Add(f)));
        Assert.Equal([field], fields);
    }
}

using Escala.Configuration;
using Microsoft.Extensions.Configuration;

namespace Escala.Core.Tests.Scheduling;

/// <summary>The <c>schedules</c> section: read like the API's body, and a bad schedule stops start-up naming the key.</summary>
public sealed class ScheduleOptionsTests
{
    [Theory]
    [InlineData("cron", "0 0 32 * *", "schedules:nightly:cron")]
    [InlineData("every", "soon", "schedules:nightly:every")]
    [InlineData("timeZone", "Nowhere/City", "schedules:nightly:timeZone")]
    [InlineData("queue", "missing", "schedules:nightly:queue")]
    [InlineData("args", "{not json", "schedules:nightly:args")]
    public void Load_BadSchedule_StopsStartUpNamingTheKey(string key, string value, string named)
    {
        var values = new Dictionary<string, string?>
        {
            ["schedules:nightly:cron"] = "0 3 * * *",
            ["schedules:nightly:kind"] = "noop",
        };
        if (key == "every")
        {
            values.Remove("schedules:nightly:cron");
        }

        values[$"schedules:nightly:{key}"] = value;

        var ex = Assert.Throws<ConfigurationException>(() => Load(values));

        Assert.StartsWith(named + ": ", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GoodSchedule_ReadsEveryKey()
    {
        var options = Load(new Dictionary<string, string?>
        {
            ["schedules:cleanup:every"] = "30s",
            ["schedules:cleanup:kind"] = "noop",
            ["schedules:cleanup:args"] = "{\"days\": 30}",
            ["schedules:cleanup:misfire"] = "runOnce",
            ["schedules:cleanup:misfireGrace"] = "5m",
        });

        var spec = options.Schedules["cleanup"].ToSpec();
        Assert.Equal("30s", spec.Every);
        Assert.Equal(Escala.Scheduling.MisfirePolicy.RunOnce, spec.Misfire);
        Assert.Equal("{\"days\": 30}", spec.Job!.Args);
        Assert.Equal("default", options.Schedules["cleanup"].Tenant);
    }

    private static EscalaOptions Load(Dictionary<string, string?> values) =>
        EscalaConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}
